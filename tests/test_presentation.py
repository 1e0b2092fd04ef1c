"""The same presentation everywhere (issue 10 items 5-6, issue 16 item 17).

Gradients, Hessians, Taylor tables and backprop print the teacher's form the derivations
show; JSON keeps SymPy's form beside it; the check's reasons are Korean under lang="ko";
Korean particles are computed; every Korean text uses the glossary's word for a concept.
"""

from __future__ import annotations

import json
import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest
import sympy as sp

import symderiv as sd
from symderiv.i18n import fill, particle
from symderiv.render.common import reason_text, verification_line
from symderiv.verify import verify_derivative, verify_equal, verify_partials

PACKAGE = Path(sd.__file__).parent
x, y = sp.symbols("x y")


def lines(text: str) -> list[str]:
    return text.splitlines()


# ------------------------------------------------------------------ gradients, Hessians


@pytest.fixture(scope="module")
def lesson_gradient():
    return sd.gradient("x^2 + 3x y + y^2")


def test_gradient_of_the_lesson_in_text(lesson_gradient) -> None:
    text = lines(lesson_gradient.to_text())
    assert text[0] == "Gradient of f = x² + 3xy + y², variables x, y"
    assert "  ∂/∂x[x² + 3xy + y²]    (y held constant)" in text
    assert "    = 2x + 3y               constant multiple rule + derivative of the variable" in text
    assert "∇f = (2x + 3y, 3x + 2y)" in text


def test_gradient_of_the_lesson_in_latex_markdown_json(lesson_gradient) -> None:
    vector = r"\begin{pmatrix} 2 x + 3 y \\ 3 x + 2 y \end{pmatrix}"
    assert rf"\[ \nabla f = {vector} \]" in lines(lesson_gradient.to_latex())
    assert lesson_gradient.to_latex().startswith(
        r"\noindent Gradient of $f = x^{2} + 3 x y + y^{2}$"
    )
    assert rf"**result:** $\nabla f = {vector}$" in lines(lesson_gradient.to_markdown())
    data = json.loads(json.dumps(lesson_gradient.to_dict()))
    first = data["vector"][0]
    assert first["sympy"] == "2*x + 3*y"
    assert first["shown"] == {"latex": "2 x + 3 y", "text": "2x + 3y", "sympy": "2*x + 3*y"}


def test_hessian_of_the_lesson_shows_the_teachers_gradient() -> None:
    h = sd.hessian("(x - 3)^2 + (y + 1)^2")
    text = lines(h.to_text())
    assert text[0] == "Hessian of f = (x - 3)² + (y + 1)², variables x, y"
    assert (
        "    = 2(x - 3)              sum rule + derivative of the variable, constant rule" in text
    )
    assert "∇f = (2(x - 3), 2(y + 1))" in text
    assert text[-3:-1] == ["H = ⎡2  0⎤", "    ⎣0  2⎦"]
    assert r"\[ H = \begin{pmatrix} 2 & 0 \\ 0 & 2 \end{pmatrix} \]" in lines(h.to_latex())
    data = h.to_dict()
    first = data["gradient"]["vector"][0]
    assert first["sympy"] == "2*x - 6"  # SymPy's form for programs ...
    assert first["shown"]["text"] == "2(x - 3)"  # ... beside the form as shown
    assert first["shown"]["latex"] == r"2 \left(x - 3\right)"
    assert [[cell["shown"]["text"] for cell in row] for row in data["matrix"]] == [
        ["2", "0"],
        ["0", "2"],
    ]
    assert lines(h.to_text(lang="ko"))[0] == "f = (x - 3)² + (y + 1)²의 헤시안, 변수 x, y"


def test_jacobian_matrix_is_the_shown_results() -> None:
    j = sd.jacobian(["(x - 3)^2", "x y"], "x, y")
    text = lines(j.to_text())
    assert "J = ⎡2(x - 3)  0⎤" in text
    assert "    ⎣       y  x⎦" in text


# ------------------------------------------------------------------ Taylor tables


def test_taylor_table_of_exp() -> None:
    t = sd.taylor("exp(x)", order=3)
    text = lines(t.to_text())
    start = text.index("Derivative table")
    assert text[start + 1 : start + 6] == [
        "  k  f⁽ᵏ⁾(x)  f⁽ᵏ⁾(0)  c_k = f⁽ᵏ⁾(a)/k!",
        "  0  e^x      1        1",
        "  1  e^x      1        1",
        "  2  e^x      1        1/2",
        "  3  e^x      1        1/6",
    ]
    assert "T₃(x) = 1 + x + x²/2 + x³/6" in text


def test_taylor_table_of_sigmoid_shows_the_derivations_forms() -> None:
    t = sd.taylor("sigmoid(x)", order=3)
    text = lines(t.to_text())
    start = text.index("Derivative table")
    rows = text[start + 2 : start + 6]
    assert rows[0].split() == ["0", "σ(x)", "1/2", "1/2"]
    assert rows[1].startswith("  1  σ(x)·(1 - σ(x))   ")
    assert rows[1].split()[-2:] == ["1/4", "1/4"]
    assert rows[2].startswith("  2  σ(x)·(1 - 2·σ(x))·(1 - σ(x))   ")
    # the third derivative is wider than its column, yet never glued to the next cell
    assert rows[3].endswith("  -1/8     -1/48")
    derivation = t.derivation
    assert derivation is not None
    last = sd.notation.shape_unicode(derivation.shown_result(3))
    assert rows[3].startswith(f"  3  {last}  ")
    markdown = t.to_markdown()
    assert r"| 1 | $\sigma\left(x\right) \left(1 - \sigma\left(x\right)\right)$ |" in markdown
    row = t.to_dict()["derivative_table"][2]["derivative"]
    assert row["sympy"] == "(1 - 2*sigmoid(x))*(1 - sigmoid(x))*sigmoid(x)"
    assert row["shown"]["text"] == "σ(x)·(1 - 2·σ(x))·(1 - σ(x))"


# ------------------------------------------------------------------ backprop


@pytest.fixture(scope="module")
def logistic():
    return sd.backprop(
        "-(y log(a) + (1-y) log(1-a))", defs={"a": "sigmoid(z)", "z": "w x + b"}, wrt=["w", "b"]
    )


def test_logistic_regression_adjoint_reads_a_minus_y(logistic) -> None:
    text = lines(logistic.to_text())
    assert text[0] == (
        "Backpropagation through the computation graph of L = -(y·ln(a) + (1 - y)·ln(1 - a))"
    )
    start = text.index("  ∂L/∂z = ∂L/∂a·∂a/∂z")
    assert text[start : start + 3] == [
        "  ∂L/∂z = ∂L/∂a·∂a/∂z",
        "        = ((1 - y)/(1 - a) - y/a)·a(1 - a)",
        "        = a - y",
    ]
    assert "  ∂L/∂w = x(a - y)" in text
    assert "  ∂L/∂b = a - y" in text
    row = next(line for line in text if line.startswith("  a     σ(z)"))
    assert "∂a/∂z = a(1 - a)" in row


def test_logistic_regression_in_latex_and_markdown(logistic) -> None:
    latex = lines(logistic.to_latex())
    start = latex.index(
        r"\frac{\partial L}{\partial z} &= \frac{\partial L}{\partial a}\,"
        r"\frac{\partial a}{\partial z} \\"
    )
    assert latex[start + 1 : start + 3] == [
        r"&= \left(\frac{1 - y}{1 - a} - \frac{y}{a}\right) \cdot a \left(1 - a\right) \\",
        r"&= a - y \\",
    ]
    markdown = lines(logistic.to_markdown())
    assert markdown[0] == (
        r"**Backpropagation through the computation graph of $L = -\left(y \ln{\left(a \right)}"
        r" + \left(1 - y\right) \ln{\left(1 - a \right)}\right)$**"
    )


# ------------------------------------------------------------------ Korean reasons

#: English words of the check's templates: none may be left in a Korean reason.
ENGLISH = re.compile(
    r"\b(the|points?|sampled|function|result|real|finite|values?|agreed|expression|"
    r"derivative|partial|parameters?|held|budget|check|numerically|digits|error|from|"
    r"evaluated|contains|kink|right|left|settle|first|second|anywhere|where)\b",
    re.IGNORECASE,
)

f = sp.Function("f")
REASON_CASES = {
    "reason_unknown_function": lambda: sd.derive(f(x) ** 2, x).verification,
    "reason_not_real": lambda: sd.derive("ln(-x^2 - 1)").verification,
    "reason_not_real_where": lambda: verify_derivative(sp.sqrt(x), x, 1 / (2 * sp.sqrt(-x))),
    "reason_magnitude": lambda: sd.derive("exp(exp(x^2 + 30))").verification,
    "reason_time_budget": lambda: verify_derivative(x**2, x, 2 * x, time_budget=1e-9),
    "reason_mismatch": lambda: verify_derivative(sp.Abs(x) * y, x, 3 * sp.sign(x) * y),
    "reason_mismatch_equal": lambda: verify_equal(x**2, x * x + 1, [x]),
    "reason_agreed": lambda: sd.derive("x y", "x").verification,
}


@pytest.mark.parametrize("key", sorted(REASON_CASES))
def test_every_reason_is_korean_under_ko(key: str) -> None:
    verification = REASON_CASES[key]()
    assert verification.reason_key == key
    korean = reason_text(verification, "ko")
    assert re.search("[가-힣]", korean), korean
    assert not ENGLISH.search(korean), korean
    english = reason_text(verification, "en")
    assert ENGLISH.search(english)
    if verification.ok is None:
        line = verification_line(verification, "ko")
        assert line.startswith("· 수치 확인을 하지 못했습니다: ") and not ENGLISH.search(line)


def test_partials_label_and_parameters_in_korean() -> None:
    v = verify_partials(x * y, [x, y], {(x,): y, (y,): sp.log(-(x**2) - 1)})
    assert v.reason_key == "reason_not_real_where"
    assert "편도함수 ∂f/∂y의 값이" in reason_text(v, "ko")
    held = sd.derive("x y", "x").verification
    assert reason_text(held, "ko").endswith("; 고정한 매개변수: y = 1.2241")


def test_time_budget_says_what_it_cut_short() -> None:
    v = verify_derivative(x**2, x, 2 * x, time_budget=1e-9)
    assert v.ok is None
    assert v.cut_short == (
        "the check was cut short by its CPU-time budget (1e-09 s) after 0 of 3 points agreed"
    )
    data = v.to_dict()
    assert data["cut_short"] == v.cut_short
    assert data["reason_key"] == "reason_time_budget"
    assert data["reason_values"] == {"seconds": "1e-09", "done": 0, "wanted": 3}
    assert reason_text(v, "ko") == "시간 한도(1e-09초)를 넘었습니다: 3개 점 중 0개만 확인"


def test_english_reasons_read_as_before() -> None:
    for key, case in REASON_CASES.items():
        v = case()
        if key != "reason_unknown_function":  # its detail names the part, in English
            assert reason_text(v, "en") == v.reason


# ------------------------------------------------------------------ particles


@pytest.mark.parametrize("letter", "abcdefghijklmnopqrstuvwxyz")
def test_particles_for_every_letter(letter: str) -> None:
    consonant = letter in "lmnr"
    assert fill("{v:는} 상수", v=letter) == letter + ("은" if consonant else "는") + " 상수"
    assert fill("{v:를}", v=letter) == letter + ("을" if consonant else "를")
    assert fill("{v:가}", v=letter) == letter + ("이" if consonant else "가")
    assert fill("{v:와}", v=letter) == letter + ("과" if consonant else "와")
    assert particle(letter, "direction") == ("로" if letter in "lr" or not consonant else "으로")


def test_implicit_title_particle_is_computed() -> None:
    d = sd.implicit("x^2 + y^2 = 1")
    text = lines(d.to_text(lang="ko"))
    assert text[0] == "x² + y² = 1의 음함수 미분 (y를 x의 함수로 봄)"
    assert "$y$를 $x$의 함수로 봄" in d.to_latex(lang="ko")
    # the side's check, whose reason has no key yet, is still said in Korean
    note = (
        "     · 수치 확인을 하지 못했습니다: "
        "여기서는 y(x)를 알 수 없으므로 결과는 곡선 위에서 확인합니다"
    )
    assert note in text


def test_keyless_reasons_of_other_checks_in_korean() -> None:
    from symderiv.steps import Verification

    def korean(reason: str) -> str:
        return reason_text(Verification(ok=None, max_rel_error=None, reason=reason), "ko")

    assert korean("all 3 points on the curve agreed; parameters held at a = 1.2") == (
        "곡선 위의 3개 점이 모두 일치했습니다; 고정한 매개변수: a = 1.2"
    )
    assert korean("covered by the check of order 3") == "3계 도함수의 확인에 포함됩니다"
    assert korean("there is no variable to differentiate by") == "미분할 변수가 없습니다"
    assert korean("something new") == "something new"  # unknown: kept, never lost


# ------------------------------------------------------------------ the TOML texts

TEXT_FILES = sorted(
    p
    for p in PACKAGE.rglob("*.toml")
    if re.fullmatch(r"messages[\w]*\.toml|labels\.toml|texts\.toml", p.name)
)
#: Files whose Korean may say 기울기: a tangent's slope (plot/labels.toml).
SLOPE_FILES = {PACKAGE / "plot" / "labels.toml"}
UNCOMPUTED = re.compile(r"\{\w*\}`?(은\(는\)|이\(가\)|을\(를\)|와\(과\)|\(으\)로)")


def _pairs(data: object, path: str = ""):
    """(path, English, Korean) for every text with both languages."""
    if isinstance(data, dict):
        en, ko = data.get("en"), data.get("ko")
        if isinstance(en, dict) and isinstance(ko, dict):
            for key, value in en.items():
                if key in ko:
                    yield from _matched(value, ko[key], f"{path}{key}")
        elif isinstance(en, str) and isinstance(ko, str):
            yield path, en, ko
        else:
            for key, value in data.items():
                yield from _pairs(value, f"{path}{key}.")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _pairs(value, f"{path}{index}.")


def _matched(en: object, ko: object, path: str):
    if isinstance(en, str) and isinstance(ko, str):
        yield path, en, ko
    elif isinstance(en, dict) and isinstance(ko, dict):
        for key in en:
            if key in ko:
                yield from _matched(en[key], ko[key], f"{path}.{key}")


def _texts() -> list[tuple[Path, str, str, str]]:
    out = []
    for path in TEXT_FILES:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        out.extend((path, *pair) for pair in _pairs(data))
    return out


def test_the_text_files_are_found_and_paired() -> None:
    names = {p.relative_to(PACKAGE).as_posix() for p in TEXT_FILES}
    assert {"messages.toml", "messages_errors.toml", "messages_multivariate.toml"} <= names
    assert len(_texts()) > 300


def test_no_uncomputed_particle_after_a_placeholder() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}: {key}: {ko}"
        for path, key, _, ko in _texts()
        if UNCOMPUTED.search(ko)
    ]
    assert not offenders, "\n".join(offenders)


def test_gradient_is_never_giulgi() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}: {key}: {ko}"
        for path, key, en, ko in _texts()
        if "기울기" in ko and path not in SLOPE_FILES and "slope" not in en.lower()
    ]
    assert not offenders, "\n".join(offenders)


def _glossary_terms() -> list[tuple[str, list[str]]]:
    glossary = tomllib.loads(
        resources.files("symderiv").joinpath("glossary.toml").read_text(encoding="utf-8")
    )
    terms = []
    for concept in glossary.values():
        korean = [concept["ko"], *concept.get("ko_forms", [])]
        for english in [concept["en"], *concept.get("en_forms", [])]:
            terms.append((english, korean))
    return sorted(terms, key=lambda term: -len(term[0]))  # longer terms first


def test_glossary_has_the_lessons_words() -> None:
    words = {en: ko[0] for en, ko in _glossary_terms()}
    assert words["derivative"] == "도함수"
    assert words["partial derivative"] == "편도함수"
    assert words["gradient"] == "그래디언트"
    assert words["chain rule"] == "연쇄 법칙"
    assert words["Hessian"] == "헤시안"
    assert words["Taylor series"] == "테일러 급수"
    assert words["gradient descent"] == "경사하강법"
    assert words["learning rate"] == "학습률"


def glossary_violations(en: str, ko: str) -> list[str]:
    """The concepts the English text names whose Korean term the Korean text lacks."""
    missing = []
    for term, korean in _glossary_terms():
        flags = re.IGNORECASE if term[0].islower() else 0
        pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(s|es)?(?!\w)", flags)
        if pattern.search(en):
            en = pattern.sub(lambda m: " " * len(m.group(0)), en)  # a longer term wins
            if not any(word in ko for word in korean):
                missing.append(f"{term} → {korean[0]}")
    return missing


def test_glossary_check_is_real() -> None:
    assert glossary_violations("the gradient at p", "p에서의 기울기") == ["gradient → 그래디언트"]
    assert glossary_violations("gradient descent", "경사하강법") == []
    assert glossary_violations("local maxima and Hessians", "극댓값과 헤시안") == []
    assert glossary_violations("a numeric derivative", "수치 미분") == []


def test_every_korean_text_uses_the_glossary() -> None:
    offenders = []
    for path, key, en, ko in _texts():
        missing = glossary_violations(en, ko)
        if missing:
            offenders.append(f"{path.relative_to(PACKAGE)}: {key}: {', '.join(missing)}")
    assert not offenders, "\n".join(offenders)
