"""The Verdict, the scoring policy and the grader's messages (English and Korean).

Scoring policy (:class:`Policy`, defaults in brackets):

* correct: 1. Incorrect, invalid, undecided, timeout, error: 0.
* incorrect with exactly one diagnosed slip (the answer equals the derivative with one
  mal-rule applied at one place): ``slip_credit`` [0.5].
* right value but not in the requested ``form``: ``form_credit`` [0.5], status incorrect.
* vectors and matrices: each entry is scored as above and the score is the mean over the
  entries; the answer is correct only when every entry is. A wrong shape is invalid.
* taylor: correct when every coefficient in powers of (x − a) is exactly right (a right
  value at the centre with a wrong higher-order term is incorrect); one diagnosed slip
  (``taylor.*``: forgot the 1/k!, wrong centre, stopped early, extra terms): ``slip_credit``.
* classification: the right kind 1; "inconclusive" where the second-derivative test
  is inconclusive but a higher-order argument decides the kind (``"test": "any"``):
  ``inconclusive_credit`` [0.5]; any other kind 0.
* critical_points: each expected point found with the right kind earns 1, found with a
  wrong or missing kind ``point_credit`` [0.5] (an "inconclusive" as above:
  ``inconclusive_credit``), missing 0; the score is the sum over (expected points + extra
  points), so extra points lower it. Correct only when the set and every kind are right.
* descent: correct when every coordinate equals the next point exactly (or within
  ``abs_tol``/``rel_tol`` when given); a wrong point that a recognised slip explains
  (``descent.*``: added the gradient, forgot the learning rate, gave the gradient, one
  step of two): ``slip_credit``; any other point 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["STATUSES", "EntryVerdict", "Policy", "Verdict", "message"]

#: ``undecided``: neither proved nor refuted (too few points where both answers are real,
#: or equal only where the right answer is real); ``error``: the grading itself failed
#: (a worker died twice), never a judgement of the answer.
STATUSES = ("correct", "incorrect", "invalid", "undecided", "timeout", "error")


@dataclass(frozen=True)
class Policy:
    """Partial credit: the fraction of a point for one diagnosed slip or a wrong form."""

    slip_credit: float = 0.5
    form_credit: float = 0.5
    inconclusive_credit: float = 0.5
    point_credit: float = 0.5


@dataclass(frozen=True)
class EntryVerdict:
    """One entry of a vector or matrix answer."""

    index: tuple[int, ...]
    correct: bool
    score: float
    diagnosis: tuple[str, ...] = ()
    expected: str = ""
    parsed: str = ""


@dataclass(frozen=True)
class Verdict:
    """The grade of one answer.

    ``expected`` and ``parsed`` are LaTeX (``parsed`` is None when the answer could not be
    read); ``proved`` says equality was confirmed symbolically, not only numerically;
    ``where`` is the 0-based column of a reading error; ``entries`` are per-entry results
    for vectors and matrices; ``extracted``/``extracted_from`` say what answer was found in
    a free-text solution and where (``grade(..., extract=True)``).
    """

    status: str
    score: float = 0.0
    feedback: tuple[str, ...] = ()
    diagnosis: tuple[str, ...] = ()
    expected: str | None = None
    parsed: str | None = None
    proved: bool = False
    where: int | None = None
    entries: tuple[EntryVerdict, ...] = ()
    extracted: str | None = None  # with extract=True: the answer found in the solution
    extracted_from: str | None = None  # ... and where ("boxed at characters 40-52")

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def _repr_markdown_(self) -> str:
        """Jupyter's display: the status and score, the feedback, the diagnosis and the
        expected answer (LaTeX, typeset by the notebook) -- not the dataclass repr."""
        mark = {"correct": "✓", "incorrect": "✗"}.get(self.status, "·")
        lines = [f"**{mark} {self.status}** (score {self.score:g})", ""]
        lines += [f"- {line}" for line in self.feedback]
        if self.diagnosis:
            lines.append("- diagnosis: " + ", ".join(f"`{d}`" for d in self.diagnosis))
        if self.extracted is not None:
            lines.append(f"- answer found in the solution: `{self.extracted}`")
        if self.expected is not None:
            lines.append(f"- expected: ${self.expected}$")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["correct"] = self.correct
        out["feedback"] = list(self.feedback)
        out["diagnosis"] = list(self.diagnosis)
        out["entries"] = [
            {**asdict(e), "index": list(e.index), "diagnosis": list(e.diagnosis)}
            for e in self.entries
        ]
        return out


_MESSAGES: dict[str, dict[str, str]] = {
    "correct": {"en": "Correct.", "ko": "정답입니다."},
    "correct_tested": {
        "en": "Correct (checked at {points} points; not proved symbolically).",
        "ko": "정답입니다({points}개 점에서 확인, 기호적으로 증명되지는 않음).",
    },
    "incorrect": {"en": "Not correct.", "ko": "정답이 아닙니다."},
    "counterexample": {
        "en": "At {where} your answer is {yours}, but the right value is {right}.",
        "ko": "{where}에서 답의 값은 {yours}이지만 정답의 값은 {right}입니다.",
    },
    "undefined": {
        "en": "Your answer is not defined at {where}, where the right answer is.",
        "ko": "{where}에서 정답은 정의되지만 답은 정의되지 않습니다.",
    },
    "counterexample_value": {
        "en": "Your answer is {yours}, but the right value is {right}.",
        "ko": "답의 값은 {yours}이지만 정답의 값은 {right}입니다.",
    },
    "undecided": {
        "en": "Not decided: your answer was neither proved equal to the right one nor refuted.",
        "ko": "판정하지 못했습니다: 답이 정답과 같다는 것도 다르다는 것도 확인되지 않았습니다.",
    },
    "few_points": {
        "en": "Only {points} test point(s) were found where both your answer and the right "
        "one are real numbers; that is too few to decide.",
        "ko": "답과 정답이 모두 실수인 검사점을 {points}개만 찾았습니다. 판정하기에 너무 적습니다.",
    },
    "teacher_form": {
        "en": "Your answer agrees with the right one wherever the right one is a real "
        "number, but it is also real at {where}, where the right one is not; such "
        "rewrites (for example (a^b)^c for a^(bc)) are not equal in general.",
        "ko": "답은 정답이 실수인 곳에서는 정답과 같지만, 정답이 실수가 아닌 {where}에서도 "
        "실수입니다. 이런 변형(예: a^(bc)를 (a^b)^c로)은 일반적으로 같지 않습니다.",
    },
    "no_answer_found": {
        "en": "No final answer was found in the solution (looked for \\boxed{{...}}, "
        "'the answer is ...', f'(x) = ..., and display math).",
        "ko": "풀이에서 최종 답을 찾지 못했습니다(\\boxed{{...}}, '답은 ...', f'(x) = ..., "
        "별행 수식을 찾아봄).",
    },
    "grading_error": {
        "en": "The answer could not be graded: {error}",
        "ko": "답을 채점하지 못했습니다: {error}",
    },
    "still_derivative": {
        "en": "Your answer still contains a derivative operator; finish differentiating.",
        "ko": "답에 아직 미분 연산자가 남아 있습니다. 미분을 끝까지 하세요.",
    },
    "unreadable": {
        "en": "Your answer could not be read: {error}",
        "ko": "답을 읽을 수 없습니다: {error}",
    },
    "unknown_symbol": {
        "en": "Your answer uses {name}, which is not in the problem.",
        "ko": "답에 문제에 없는 {name}이(가) 있습니다.",
    },
    "did_you_mean": {"en": "Did you mean {name}?", "ko": "{name}을(를) 뜻했나요?"},
    "e_symbol": {
        "en": "Write Euler's number as e (or \\mathrm{{e}}), not {name}.",
        "ko": "오일러 수는 {name}이 아니라 e(또는 \\mathrm{{e}})로 쓰세요.",
    },
    "unknown_function": {
        "en": "Your answer uses the function {name}, which is not in the problem.",
        "ko": "답에 문제에 없는 함수 {name}이(가) 있습니다.",
    },
    "shape_scalar": {
        "en": "A single expression is expected here, not a vector or matrix.",
        "ko": "여기서는 벡터나 행렬이 아니라 식 하나가 답입니다.",
    },
    "shape": {
        "en": "Your answer has shape {got}, but the answer should have shape {want}.",
        "ko": "답의 모양은 {got}이지만 정답의 모양은 {want}입니다.",
    },
    "shape_vector": {
        "en": "The answer is a vector of {want} entries; you gave a single expression.",
        "ko": "답은 성분이 {want}개인 벡터인데 식 하나만 썼습니다.",
    },
    "form_simplified": {
        "en": "Your answer is equal to the right one but not simplified.",
        "ko": "답의 값은 맞지만 정리(간단히)되지 않았습니다.",
    },
    "form_factored": {
        "en": "Your answer is equal to the right one but not factored.",
        "ko": "답의 값은 맞지만 인수분해되지 않았습니다.",
    },
    "entry_wrong": {
        "en": "Entry {index} is not correct.",
        "ko": "{index}번째 성분이 틀렸습니다.",
    },
    "check_status": {
        "en": "{status} (score {score:g})",
        "ko": "{status} (점수 {score:g})",
    },
    "check_needs_var": {
        "en": "error: the function has several variables ({names}); say which one with --var.",
        "ko": "오류: 함수에 변수가 여럿({names}) 있습니다. --var로 어느 변수로 미분할지 정하세요.",
    },
    "check_diagnosis": {"en": "diagnosis: {ids}", "ko": "진단: {ids}"},
    "check_expected": {"en": "expected: {answer}", "ko": "정답: {answer}"},
    "status.correct": {"en": "correct", "ko": "정답"},
    "status.incorrect": {"en": "incorrect", "ko": "오답"},
    "status.invalid": {"en": "invalid", "ko": "읽을 수 없음"},
    "status.undecided": {"en": "undecided", "ko": "판정 보류"},
    "status.timeout": {"en": "timeout", "ko": "시간 초과"},
    "status.error": {"en": "error", "ko": "오류"},
    "timeout": {
        "en": "Grading took too long ({seconds:g} s) and was stopped.",
        "ko": "채점 시간이 너무 오래 걸려({seconds:g}초) 중단했습니다.",
    },
    # ----------------------------------------------------------------- taylor
    "not_polynomial": {
        "en": "A Taylor polynomial is a polynomial in {var}; your answer is not.",
        "ko": "테일러 다항식은 {var}에 대한 다항식이어야 하는데 답은 다항식이 아닙니다.",
    },
    "degree_too_high": {
        "en": "Your answer has a power above {limit}; a Taylor polynomial of order {order} "
        "has degree at most {order}.",
        "ko": "답에 {limit}보다 높은 거듭제곱이 있습니다. {order}차 테일러 다항식의 차수는 "
        "{order} 이하입니다.",
    },
    "coefficient_wrong": {
        "en": "The coefficient of {power} should be {right}; yours is {yours}.",
        "ko": "{power}의 계수는 {right}이어야 하는데 답에서는 {yours}입니다.",
    },
    "constant_wrong": {
        "en": "The constant term should be {right} (the value f at the centre); yours is {yours}.",
        "ko": "상수항은 {right}(중심에서의 함수값)이어야 하는데 답에서는 {yours}입니다.",
    },
    "taylor.missing_factorial": {
        "en": "Your coefficients are the derivatives f⁽ᵏ⁾({at}) themselves: divide the k-th "
        "one by k! (c_k = f⁽ᵏ⁾({at})/k!).",
        "ko": "계수로 도함수 값 f⁽ᵏ⁾({at})를 그대로 썼습니다. k번째 계수는 k!로 나누어야 "
        "합니다(c_k = f⁽ᵏ⁾({at})/k!).",
    },
    "taylor.powers_of_x": {
        "en": "You used the right coefficients with powers of {var}; about {var} = {at} the "
        "powers are of ({var} − {at}).",
        "ko": "계수는 맞지만 {var}의 거듭제곱을 썼습니다. {var} = {at}에서의 전개는 "
        "({var} − {at})의 거듭제곱으로 씁니다.",
    },
    "taylor.wrong_center": {
        "en": "This is the Taylor polynomial about {var} = 0, not about {var} = {at}.",
        "ko": "이것은 {var} = {at}이 아니라 {var} = 0에서의 테일러 다항식입니다.",
    },
    "taylor.truncated": {
        "en": "Your polynomial stops at order {got}; the problem asks for order {order}.",
        "ko": "답은 {got}차에서 멈췄습니다. 문제는 {order}차까지 요구합니다.",
    },
    "taylor.extra_terms": {
        "en": "Your polynomial goes beyond order {order}; leave out the terms of degree "
        "above {order}.",
        "ko": "답이 {order}차를 넘습니다. {order}차보다 높은 항은 빼세요.",
    },
    # ----------------------------------------------------------------- classification
    "kind_unreadable": {
        "en": "Write one of: minimum, maximum, saddle point, inconclusive.",
        "ko": "극소, 극대, 안장점, 판정 불가 중 하나로 쓰세요.",
    },
    "kind_wrong": {
        "en": "At {point} the point is not a {yours}.",
        "ko": "{point}은(는) {yours}이(가) 아닙니다.",
    },
    "classification.min_max_swapped": {
        "en": "Minimum and maximum are swapped: a positive definite Hessian gives a "
        "minimum, a negative definite one a maximum.",
        "ko": "극소와 극대가 바뀌었습니다. 헤시안이 양의 정부호이면 극소, 음의 정부호이면 "
        "극대입니다.",
    },
    "classification.higher_order": {
        "en": "The second-derivative test is inconclusive here, but a higher-order argument "
        "decides it: the point is a {right}.",
        "ko": "여기서 이계도함수 판정은 판정 불가이지만, 고계 판정으로 결정됩니다: {right}입니다.",
    },
    "classification.beyond_test": {
        "en": "The question asks what the second-derivative test says, and here it is "
        "inconclusive (the Hessian is only semidefinite).",
        "ko": "문제는 이계도함수 판정의 결과를 묻습니다. 여기서는 헤시안이 준정부호일 뿐이어서 "
        "판정 불가입니다.",
    },
    # ----------------------------------------------------------------- critical points
    "points_unreadable": {
        "en": "Could not read the critical points: {error}. Write them like "
        "(0, 0) saddle; (1, 1) minimum.",
        "ko": "임계점을 읽을 수 없습니다: {error}. (0, 0) 안장점; (1, 1) 극소 처럼 쓰세요.",
    },
    "points_found": {
        "en": "You found {found} of the {total} critical points.",
        "ko": "임계점 {total}개 중 {found}개를 찾았습니다.",
    },
    "critical.missing_point": {
        "en": "{count} critical point(s) are missing.",
        "ko": "임계점 {count}개가 빠졌습니다.",
    },
    "critical.extra_point": {
        "en": "{point} is not a critical point (the gradient there is {gradient}).",
        "ko": "{point}은(는) 임계점이 아닙니다(그 점에서 그래디언트는 {gradient}).",
    },
    "critical.wrong_kind": {
        "en": "{point} is a critical point, but not a {yours}.",
        "ko": "{point}은(는) 임계점이지만 {yours}이(가) 아닙니다.",
    },
    "critical.missing_kind": {
        "en": "Say what kind of point {point} is (minimum, maximum, saddle).",
        "ko": "{point}이(가) 어떤 점인지(극소, 극대, 안장점) 쓰세요.",
    },
    "critical.duplicate": {
        "en": "{point} is listed twice with different kinds.",
        "ko": "{point}이(가) 서로 다른 종류로 두 번 쓰였습니다.",
    },
    "no_points": {
        "en": "This function has no critical points.",
        "ko": "이 함수에는 임계점이 없습니다.",
    },
    # ----------------------------------------------------------------- descent
    "descent.unreadable": {
        "en": "Could not read your point: {error}. Write it like (3.2, 2.4) or x = 3.2, y = 2.4.",
        "ko": "점을 읽을 수 없습니다: {error}. (3.2, 2.4) 또는 x = 3.2, y = 2.4 처럼 쓰세요.",
    },
    "descent.shape": {
        "en": "The answer is the point reached by gradient descent, with {want} coordinate(s) "
        "({names}); yours has {got}.",
        "ko": "답은 경사하강법으로 도달한 점이며 좌표가 {want}개({names})입니다. 답의 좌표는 "
        "{got}개입니다.",
    },
    "descent.not_number": {
        "en": "The coordinate {name} of your point must be a real number, not {value}.",
        "ko": "점의 {name} 좌표는 실수여야 하는데 {value}입니다.",
    },
    "descent.coordinate_wrong": {
        "en": "{name} should be {right} after {steps} step(s) with learning rate {lr}; "
        "yours is {yours}.",
        "ko": "학습률 {lr}로 {steps}걸음 간 뒤 {name}은(는) {right}이어야 하는데 답에서는 "
        "{yours}입니다.",
    },
    "descent.rounded": {
        "en": "Your point is close to the right one but not equal: give the coordinates exactly "
        "(as fractions) or with more digits.",
        "ko": "답은 정답에 가깝지만 같지 않습니다. 좌표를 정확히(분수로) 쓰거나 더 많은 "
        "자릿수로 쓰세요.",
    },
    "problem_error": {
        "en": "The problem itself cannot be set: {error}",
        "ko": "문제 자체를 설정할 수 없습니다: {error}",
    },
}


def message(key: str, lang: str = "en", **values: Any) -> str:
    texts = _MESSAGES[key]
    return (texts.get(lang) or texts["en"]).format(**values)
