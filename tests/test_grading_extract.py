r"""Finding the final answer in free-text solutions (issue 14, item 3): exact extractions."""

from __future__ import annotations

import pytest

from symderiv.grading import grade
from symderiv.grading.extract import extract_answer

# (solution, expected answer text, expected source); None: no answer.
SOLUTIONS: list[tuple[str, str | None, str | None]] = [
    # ---- boxed
    (r"By the chain rule, the derivative is $\boxed{3\cos(3x)}$.", r"3\cos(3x)", "boxed"),
    (r"$$f'(x) = \boxed{2x\sin x + x^2\cos x}$$", r"2x\sin x + x^2\cos x", "boxed"),
    (r"First try: $\boxed{2x}$. Wait, I forgot the constant: $\boxed{6x}$.", "6x", "boxed"),
    (r"\boxed{\frac{1}{x}}", r"\frac{1}{x}", "boxed"),
    (r"The answer is $\boxed{e^{x}(x+1)}$", "e^{x}(x+1)", "boxed"),
    (
        r"So $\frac{d}{dx}\sigma(x) = \boxed{\sigma(x)(1-\sigma(x))}$.",
        r"\sigma(x)(1-\sigma(x))",
        "boxed",
    ),
    (r"Final: \fbox{$-\sin x$}", r"-\sin x", "boxed"),
    (
        "**Answer.** $\\boxed{\\begin{pmatrix} 2x \\\\ 2y \\end{pmatrix}}$",
        r"\begin{pmatrix} 2x \\ 2y \end{pmatrix}",
        "boxed",
    ),
    (r"따라서 $\boxed{2e^{2x}}$ 이다.", "2e^{2x}", "boxed"),
    (r"boxed after prose: the answer is $5$, so \boxed{5x^4}.", "5x^4", "boxed"),
    (r"$\boxed{\dfrac{2x}{x^2+1}}$", r"\dfrac{2x}{x^2+1}", "boxed"),
    (r"$$\boxed{f'(x) = 3x^2 - 2}$$", "f'(x) = 3x^2 - 2", "boxed"),
    # ---- English phrases
    ("Final answer: $2x\\sin x + x^2\\cos x$", r"2x\sin x + x^2\cos x", "phrase"),
    ("The answer is 2x sin(x) + x^2 cos(x).", "2x sin(x) + x^2 cos(x)", "phrase"),
    ("Answer: 3x^2 + 2x", "3x^2 + 2x", "phrase"),
    ("So the final answer is $\\frac{1}{2\\sqrt{x}}$.", r"\frac{1}{2\sqrt{x}}", "phrase"),
    ("The derivative is $e^x \\cos(e^x)$.", r"e^x \cos(e^x)", "phrase"),
    ("answer = -2/x^3", "-2/x^3", "phrase"),
    ("We differentiate term by term.\n\nThe answer is \\(4x^3 - 3\\).", "4x^3 - 3", "phrase"),
    ("The result is $f'(x) = 2\\cos(2x)$.", r"2\cos(2x)", "phrase"),
    ("The answer is 6x, which is linear.", "6x", "phrase"),
    ("The answer is 1/x. Note that x > 0.", "1/x", "phrase"),
    ("The answer is $2x$ and not $x^2$.", "2x", "phrase"),
    (
        "My first guess was wrong. The answer is 2x. Actually, the answer is 2x + 1.",
        "2x + 1",
        "phrase",
    ),
    ("**Final Answer**: $\\cos x - x\\sin x$", r"\cos x - x\sin x", "phrase"),
    ("The answer is $$\\frac{d}{dx}x^3 = 3x^2$$", "3x^2", "phrase"),
    # ---- Korean phrases
    ("따라서 답은 $2x$이다.", "2x", "phrase"),
    ("답은 2x 입니다.", "2x", "phrase"),
    ("정답은 $3\\cos 3x$입니다.", r"3\cos 3x", "phrase"),
    ("연쇄 법칙을 쓰면 답: $\\frac{1}{x}$", r"\frac{1}{x}", "phrase"),
    ("최종 답은 $e^x(x+1)$ 이다.", "e^x(x+1)", "phrase"),
    (
        "곱의 법칙을 적용한다.\n따라서 정답은 2x sin(x) + x^2 cos(x)이다.",
        "2x sin(x) + x^2 cos(x)",
        "phrase",
    ),
    ("시그모이드의 도함수: 답은 $\\sigma(x)(1-\\sigma(x))$", r"\sigma(x)(1-\sigma(x))", "phrase"),
    # ---- derivative equations
    ("We get $$f'(x) = 2x \\cos x - x^2 \\sin x.$$", r"2x \cos x - x^2 \sin x", "equation"),
    ("Using the product rule, f'(x) = 2x e^x + x^2 e^x.", "2x e^x + x^2 e^x", "equation"),
    (r"\[ \frac{d}{dx}\left(x^3\right) = 3x^2 \]", "3x^2", "equation"),
    (r"$$\frac{dy}{dx} = \frac{1}{x}$$", r"\frac{1}{x}", "equation"),
    ("Let u = x^2. Then du/dx = 2x, so dy/dx = 2x cos(x^2).", "2x cos(x^2)", "equation"),
    (r"$$f'(x) = \frac{d}{dx} (x^2) = 2x$$", "2x", "equation"),
    (r"\nabla f = (2x y, x^2)", "(2x y, x^2)", "equation"),
    ("y' = -\\sin(x)", r"-\sin(x)", "equation"),
    (r"Differentiate: $f^{\prime}(x) = 4x^3$", "4x^3", "equation"),
    (r"$\frac{\partial f}{\partial x} = 2xy$", "2xy", "equation"),
    ("First f(x) = x^3, so f'(x) = 3x^2.", "3x^2", "equation"),
    ("g'(t) = 2t + 1", "2t + 1", "equation"),
    (r"$f'(x) = 2x$ and then $f''(x) = 2$", "2", "equation"),
    ("d/dx (x^2 + 1) = 2x", "2x", "equation"),
    # ---- display math
    (r"First $f(x)=x^2$. \begin{align*} f'(x) &= 2x \\ &= 2 x \end{align*}", "2 x", "display"),
    ("We simplify:\n$$\n\\frac{2x}{x^2+1}\n$$", r"\frac{2x}{x^2+1}", "display"),
    ("Work:\n\\[ 3(x+1)^2 \\cdot 1 \\]\nand finally\n\\[ 3(x+1)^2 \\]", "3(x+1)^2", "display"),
    (
        r"\begin{equation} u = x^2, \quad v = \sin x \end{equation}"
        r" Hence $$ 2x\sin x + x^2\cos x $$",
        r"2x\sin x + x^2\cos x",
        "display",
    ),
    ("$$ e^{x}\\,(1 + x) $$", r"e^{x}\,(1 + x)", "display"),
    # ---- bare expressions
    ("3x^2", "3x^2", "whole"),
    (r"2x\cos(x^2)", r"2x\cos(x^2)", "whole"),
    ("  -\\frac{1}{x^2}  ", r"-\frac{1}{x^2}", "whole"),
    # ---- none
    ("I don't know.", None, None),
    ("We apply the chain rule and then simplify the result.", None, None),
    ("", None, None),
    ("잘 모르겠습니다.", None, None),
    ("The answer is left as an exercise for the reader.", None, None),
]


@pytest.mark.parametrize(("solution", "answer", "source"), SOLUTIONS)
def test_extract_answer(solution: str, answer: str | None, source: str | None) -> None:
    found = extract_answer(solution)
    if answer is None:
        assert found is None
        return
    assert found is not None
    assert (found.answer, found.source) == (answer, source)
    assert solution[found.start : found.end] == answer


def test_corpus_is_large_enough() -> None:
    assert len(SOLUTIONS) >= 50
    assert {s for _, _, s in SOLUTIONS} == {"boxed", "phrase", "equation", "display", "whole", None}


def test_grade_with_extract_reports_what_and_where() -> None:
    problem = {"kind": "derivative", "function": "sin(3x)"}
    solution = r"By the chain rule: $$f'(x) = 3\cos 3x$$"
    v = grade(problem, solution, extract=True)
    assert v.correct
    assert v.extracted == r"3\cos 3x"
    assert v.extracted_from == "equation at characters 29-37"
    assert v.to_dict()["extracted_from"] == "equation at characters 29-37"
    wrong = grade(problem, r"So the answer is $\boxed{\cos 3x}$.", extract=True)
    assert wrong.status == "incorrect" and wrong.extracted == r"\cos 3x"
    assert "chain.missing_inner" in wrong.diagnosis


def test_grade_with_extract_and_no_answer_is_invalid() -> None:
    v = grade({"kind": "derivative", "function": "x^2"}, "I am not sure.", extract=True)
    assert v.status == "invalid" and v.extracted is None
    assert v.feedback[0].startswith("No final answer was found in the solution")
    ko = grade({"kind": "derivative", "function": "x^2"}, "모르겠다", extract=True, lang="ko")
    assert ko.feedback[0].startswith("풀이에서 최종 답을 찾지 못했습니다")


def test_grade_with_extract_under_a_time_limit() -> None:
    v = grade({"kind": "derivative", "function": "x^3"}, r"\boxed{3x^2}", extract=True, timeout=60)
    assert v.correct and v.extracted_from == "boxed at characters 7-11"
