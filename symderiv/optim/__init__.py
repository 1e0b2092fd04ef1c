"""The lesson's other half: numeric derivatives, gradient checking, gradient descent
(plain, with momentum, Newton's method) and training a small model by hand.

Everything is built on the public API (``sd.derive``, ``sd.gradient``, ``sd.hessian``,
``sd.parse``); every result prints in text, LaTeX, Markdown and JSON, in English and
Korean, and carries a ``.verification``.
"""

from symderiv.optim.common import OptimError
from symderiv.optim.compare import Comparison, compare_descent
from symderiv.optim.descent import METHODS, Descent, Iterate, descend
from symderiv.optim.exercises import Slip, diagnose_descent, next_point
from symderiv.optim.fit import Epoch, Fit, fit
from symderiv.optim.gradcheck import GradCheck, GradCheckRow, gradcheck
from symderiv.optim.numeric_derivative import DifferenceRow, NumericDerivative, numeric_derivative

__all__ = [
    "METHODS",
    "Comparison",
    "Descent",
    "DifferenceRow",
    "Epoch",
    "Fit",
    "GradCheck",
    "GradCheckRow",
    "Iterate",
    "NumericDerivative",
    "OptimError",
    "Slip",
    "compare_descent",
    "descend",
    "diagnose_descent",
    "fit",
    "gradcheck",
    "next_point",
    "numeric_derivative",
]
