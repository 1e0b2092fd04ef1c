"""Functions of several variables: gradients, Jacobians, Hessians, the second-derivative
test, critical points and implicit differentiation.

Modules, from the bottom up: ``variables`` (which symbols, in what order, a point's values),
``checks`` (numeric cross-checks at a point), ``base`` (the results' printing base),
``gradient`` (gradients and Jacobians), ``classification`` (what a test says, as data),
``signs`` (exact signs, inertia, eigenvalues), ``parameters`` (kinds as conditions on
parameters), ``higher_order`` (deciding semidefinite cases), ``second_derivative_test``
(the test at a point), ``hessian``, ``critical_solve`` and ``critical_search`` (solving
∇f = 0 exactly and numerically), ``critical`` (critical points, classified) and
``implicit``.
"""

from symderiv.multivariate.checks import combine_verifications
from symderiv.multivariate.classification import (
    KINDS,
    ZERO_TOLERANCE,
    Classification,
    ParameterCase,
    Reason,
)
from symderiv.multivariate.critical import CriticalPoint, CriticalPoints, critical_points
from symderiv.multivariate.gradient import Gradient, Jacobian, gradient, jacobian
from symderiv.multivariate.hessian import Hessian, MixedPartials, hessian
from symderiv.multivariate.implicit import ImplicitDerivative, ImplicitStep, implicit
from symderiv.multivariate.second_derivative_test import classify_at
from symderiv.multivariate.signs import (
    inertia_from_minors,
    inertia_from_signs,
    inertia_from_some_signs,
)
from symderiv.multivariate.variables import natural_key, point_values, resolve_variables

__all__ = [
    "KINDS",
    "ZERO_TOLERANCE",
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
    "Reason",
    "classify_at",
    "combine_verifications",
    "critical_points",
    "gradient",
    "hessian",
    "implicit",
    "inertia_from_minors",
    "inertia_from_signs",
    "inertia_from_some_signs",
    "jacobian",
    "natural_key",
    "point_values",
    "resolve_variables",
]
