"""symderiv: step-by-step derivatives for calculus-for-ML, checked numerically.

>>> import symderiv as sd
>>> d = sd.derive("x^2 sin(x)")
>>> d.result
x**2*cos(x) + 2*x*sin(x)
>>> d.verification.ok
True
"""

from symderiv.backprop import AdjointStep, Backprop, Contribution, Edge, Node, backprop
from symderiv.engine import derive
from symderiv.errors import DerivationError, ParseError, SymderivError
from symderiv.functions import relu, sigmoid, softplus
from symderiv.grading import Policy, Problem, Verdict, grade, grade_steps
from symderiv.multivariate import (
    Classification,
    Gradient,
    Hessian,
    Jacobian,
    MixedPartials,
    ParameterCase,
    gradient,
    hessian,
    jacobian,
)
from symderiv.multivariate.critical import CriticalPoint, CriticalPoints, critical_points
from symderiv.multivariate.implicit import ImplicitDerivative, ImplicitStep, implicit
from symderiv.parsing import parse
from symderiv.rulebook import Rule, RuleBook, load_rulebook
from symderiv.series import SeriesError
from symderiv.steps import Derivation, Step, Verification
from symderiv.taylor import ErrorRow, ErrorTable, Taylor, taylor
from symderiv.worksheet import Worksheet, worksheet

__version__ = "0.1.0"

__all__ = [
    "AdjointStep",
    "Backprop",
    "Classification",
    "Contribution",
    "CriticalPoint",
    "CriticalPoints",
    "Derivation",
    "DerivationError",
    "Edge",
    "ErrorRow",
    "ErrorTable",
    "Gradient",
    "Hessian",
    "ImplicitDerivative",
    "ImplicitStep",
    "Jacobian",
    "MixedPartials",
    "Node",
    "ParameterCase",
    "ParseError",
    "Policy",
    "Problem",
    "Rule",
    "RuleBook",
    "SeriesError",
    "Step",
    "SymderivError",
    "Taylor",
    "Verdict",
    "Verification",
    "Worksheet",
    "__version__",
    "backprop",
    "critical_points",
    "derive",
    "grade",
    "grade_steps",
    "gradient",
    "hessian",
    "implicit",
    "jacobian",
    "load_rulebook",
    "parse",
    "relu",
    "sigmoid",
    "softplus",
    "taylor",
    "worksheet",
]
