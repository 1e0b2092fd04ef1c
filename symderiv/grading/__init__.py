"""Grading answers to differentiation problems: verdicts, diagnosis, steps, batches.

>>> from symderiv.grading import grade
>>> grade({"kind": "derivative", "function": "x^2 sin(x)"}, r"2x\\sin x + x^2\\cos x").status
'correct'

Layers, top to bottom; a module imports only from layers below its own (never sideways
within a layer unless listed, never upwards, not even inside a function):

1. ``batch`` -- JSON lines in, verdicts out, on the pool;
2. ``grader`` -- ``grade``: in process, or in the pool under a hard time limit;
3. ``pool`` -- worker processes that run ``local_grade``;
4. ``kinds`` (``local_grade`` and the registry of kinds) | ``steps``;
   inside ``kinds``: ``critical`` > ``classification`` | ``points`` | ``taylor`` |
   ``derivatives`` > ``support`` | ``words``;
5. ``checks`` -- what every kind's grader shares (expected answers, symbol check,
   diagnosis, printing);
6. ``answers`` | ``equivalence`` | ``malrules`` | ``problems`` -- reading answers,
   comparing functions, mal-rules, problems and their expected answers;
7. ``verdict`` -- the Verdict, the scoring policy and the messages.
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
