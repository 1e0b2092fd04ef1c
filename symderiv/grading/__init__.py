"""Grading answers to differentiation problems: verdicts, diagnosis, steps, batches.

>>> from symderiv.grading import grade
>>> grade({"kind": "derivative", "function": "x^2 sin(x)"}, r"2x\\sin x + x^2\\cos x").status
'correct'
"""

from symderiv.grading.grader import grade
from symderiv.grading.pool import GradingPool
from symderiv.grading.problems import Problem, ProblemError
from symderiv.grading.steps import LineVerdict, StepsVerdict, grade_steps
from symderiv.grading.verdict import EntryVerdict, Policy, Verdict

__all__ = [
    "EntryVerdict",
    "GradingPool",
    "LineVerdict",
    "Policy",
    "Problem",
    "ProblemError",
    "StepsVerdict",
    "Verdict",
    "grade",
    "grade_steps",
]
