"""The Verdict, the scoring policy and the grader's messages (English and Korean).

Scoring policy (:class:`Policy`, defaults in brackets):

* correct: 1. Incorrect, invalid, timeout: 0.
* incorrect with exactly one diagnosed slip (the answer equals the derivative with one
  mal-rule applied at one place): ``slip_credit`` [0.5].
* right value but not in the requested ``form``: ``form_credit`` [0.5], status incorrect.
* vectors and matrices: each entry is scored as above and the score is the mean over the
  entries; the answer is correct only when every entry is. A wrong shape is invalid.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["STATUSES", "EntryVerdict", "Policy", "Verdict", "message"]

STATUSES = ("correct", "incorrect", "invalid", "timeout")


@dataclass(frozen=True)
class Policy:
    """Partial credit: the fraction of a point for one diagnosed slip or a wrong form."""

    slip_credit: float = 0.5
    form_credit: float = 0.5


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
    for vectors and matrices.
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

    @property
    def correct(self) -> bool:
        return self.status == "correct"

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
    "untestable": {
        "en": "Your answer could not be compared with the right one (no common points).",
        "ko": "답을 정답과 비교할 수 없습니다(공통으로 정의된 점이 없음).",
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
    "timeout": {
        "en": "Grading took too long ({seconds:g} s) and was stopped.",
        "ko": "채점 시간이 너무 오래 걸려({seconds:g}초) 중단했습니다.",
    },
    "problem_error": {
        "en": "The problem itself cannot be set: {error}",
        "ko": "문제 자체를 설정할 수 없습니다: {error}",
    },
}


def message(key: str, lang: str = "en", **values: Any) -> str:
    texts = _MESSAGES[key]
    return (texts.get(lang) or texts["en"]).format(**values)
