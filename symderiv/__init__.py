"""symderiv: step-by-step derivatives for calculus-for-ML, checked numerically.

>>> import symderiv as sd
>>> d = sd.derive("x^2 sin(x)")
>>> d.result
x**2*cos(x) + 2*x*sin(x)
>>> d.verification.ok
True
"""

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from symderiv.errors import DerivationError, ParseError, SymderivError

# Every name loads on first use (PEP 562): `import symderiv` costs no SymPy, and a
# derivation does not pay for the grader, worksheets (Jinja2), multiprocessing, ...
_LAZY = {
    "symderiv.engine": ("derive",),
    "symderiv.functions": ("relu", "sigmoid", "softplus"),
    "symderiv.parsing": ("parse",),
    "symderiv.rulebook": ("Rule", "RuleBook", "load_rulebook"),
    "symderiv.steps": ("Derivation", "Step", "Verification"),
    "symderiv.backprop": ("AdjointStep", "Backprop", "Contribution", "Edge", "Node", "backprop"),
    "symderiv.grading": (
        "Policy",
        "Problem",
        "Verdict",
        "extract_answer",
        "grade",
        "grade_many",
        "grade_steps",
    ),
    "symderiv.multivariate": (
        "Classification",
        "CriticalPoint",
        "CriticalPoints",
        "Gradient",
        "Hessian",
        "ImplicitDerivative",
        "ImplicitStep",
        "Jacobian",
        "MixedPartials",
        "ParameterCase",
        "critical_points",
        "gradient",
        "hessian",
        "implicit",
        "jacobian",
    ),
    "symderiv.optim": (
        "Comparison",
        "Descent",
        "Fit",
        "GradCheck",
        "NumericDerivative",
        "OptimError",
        "compare_descent",
        "descend",
        "diagnose_descent",
        "fit",
        "gradcheck",
        "next_point",
        "numeric_derivative",
    ),
    "symderiv.series": ("SeriesError",),
    "symderiv.taylor": ("ErrorRow", "ErrorTable", "Taylor", "taylor"),
    "symderiv.worksheet": ("Worksheet", "worksheet"),
}
_HOME = {name: module for module, names in _LAZY.items() for name in names}

if TYPE_CHECKING:  # what the lazy names are, for type checkers and readers
    from symderiv.backprop import AdjointStep, Backprop, Contribution, Edge, Node, backprop
    from symderiv.engine import derive
    from symderiv.functions import relu, sigmoid, softplus
    from symderiv.grading import (
        Policy,
        Problem,
        Verdict,
        extract_answer,
        grade,
        grade_many,
        grade_steps,
    )
    from symderiv.multivariate import (
        Classification,
        CriticalPoint,
        CriticalPoints,
        Gradient,
        Hessian,
        ImplicitDerivative,
        ImplicitStep,
        Jacobian,
        MixedPartials,
        ParameterCase,
        critical_points,
        gradient,
        hessian,
        implicit,
        jacobian,
    )
    from symderiv.optim import (
        Comparison,
        Descent,
        Fit,
        GradCheck,
        NumericDerivative,
        OptimError,
        compare_descent,
        descend,
        diagnose_descent,
        fit,
        gradcheck,
        next_point,
        numeric_derivative,
    )
    from symderiv.parsing import parse
    from symderiv.rulebook import Rule, RuleBook, load_rulebook
    from symderiv.series import SeriesError
    from symderiv.steps import Derivation, Step, Verification
    from symderiv.taylor import ErrorRow, ErrorTable, Taylor, taylor
    from symderiv.worksheet import Worksheet, worksheet


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'symderiv' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """``symderiv`` itself. ``sd.taylor``, ``sd.backprop`` and ``sd.worksheet`` are functions
    named like their submodules; when such a submodule loads, the import system would bind
    the package attribute to the module. The functions keep their names (the modules stay
    importable as ``symderiv.taylor`` etc. through ``sys.modules``)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _HOME and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.1.0"

__all__ = [
    "AdjointStep",
    "Backprop",
    "Classification",
    "Comparison",
    "Contribution",
    "CriticalPoint",
    "CriticalPoints",
    "Derivation",
    "DerivationError",
    "Descent",
    "Edge",
    "ErrorRow",
    "ErrorTable",
    "Fit",
    "GradCheck",
    "Gradient",
    "Hessian",
    "ImplicitDerivative",
    "ImplicitStep",
    "Jacobian",
    "MixedPartials",
    "Node",
    "NumericDerivative",
    "OptimError",
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
    "compare_descent",
    "critical_points",
    "derive",
    "descend",
    "diagnose_descent",
    "extract_answer",
    "fit",
    "gradcheck",
    "grade",
    "grade_many",
    "grade_steps",
    "gradient",
    "hessian",
    "implicit",
    "jacobian",
    "load_rulebook",
    "next_point",
    "numeric_derivative",
    "parse",
    "relu",
    "sigmoid",
    "softplus",
    "taylor",
    "worksheet",
]
