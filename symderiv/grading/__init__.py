"""Grading answers to differentiation problems: verdicts, diagnosis, steps, batches.

>>> from symderiv.grading import grade
>>> grade({"kind": "derivative", "function": "x^2 sin(x)"}, r"2x\\sin x + x^2\\cos x").status
'correct'

Layers, top to bottom; a module imports only from layers below its own (never sideways
within a layer, never upwards, not even inside a function):

1. ``reward`` (scores for RL trainers) | ``batch`` (JSON lines, resume, summary);
2. ``many`` -- ``grade_many``: verdicts in input order, on an engine;
3. ``ray_engine`` -- chunks on Ray actors (Ray imported lazily);
4. ``grader`` (``grade``: in process or under a hard time limit) | ``local_engine``
   (tasks on a local pool);
5. ``pool`` -- worker processes that run ``local_grade``;
6. ``kinds`` (``local_grade`` and the registry of kinds) | ``steps``;
   inside ``kinds``: ``critical`` > ``classification`` | ``points`` | ``taylor`` |
   ``derivatives`` > ``support`` | ``words``;
7. ``checks`` -- what every kind's grader shares (expected answers, symbol check,
   diagnosis, printing);
8. ``answers`` | ``equivalence`` | ``extract`` | ``malrules`` | ``problems`` -- reading
   answers, comparing functions, finding answers in solutions, mal-rules, problems;
9. ``verdict`` -- the Verdict, the scoring policy and the messages.
"""

from symderiv.grading.extract import Extraction, extract_answer
from symderiv.grading.grader import grade
from symderiv.grading.many import DuplicateIdError, grade_many
from symderiv.grading.pool import GradingPool
from symderiv.grading.problems import Problem, ProblemError
from symderiv.grading.steps import LineVerdict, StepsVerdict, grade_steps
from symderiv.grading.verdict import EntryVerdict, Policy, Verdict

__all__ = [
    "DuplicateIdError",
    "EntryVerdict",
    "Extraction",
    "GradingPool",
    "LineVerdict",
    "Policy",
    "Problem",
    "ProblemError",
    "StepsVerdict",
    "Verdict",
    "extract_answer",
    "grade",
    "grade_many",
    "grade_steps",
]
