"""Exact signs, inertia and eigenvalues of a Hessian at a point.

Definiteness is decided exactly. For a symmetric matrix all eigenvalues are real, so by
Descartes' rule of signs (exact for real-rooted polynomials) the number of positive
eigenvalues is the number of sign changes in the coefficients of the characteristic
polynomial ``det(tI - H)`` once its factor ``t^m`` (the zero eigenvalues) is taken out, and
the number of negative ones is the rest. Only the *signs* of n exact numbers are needed,
which takes milliseconds up to 6x6, where SymPy's symbolic eigenvalues take tens of seconds
(4x4) or fail (5x5). Eigenvalues are shown exactly when the characteristic polynomial
splits into factors of degree <= 2, otherwise numerically (``eigenvalues_exact=False``).

Zero tolerance. When the Hessian at the point holds decimal (Float) numbers, the inertia is
read from the eigenvalues computed by ``mpmath.eigsy`` at 30 digits, and an eigenvalue
counts as zero when ``|lambda| <= ZERO_TOLERANCE * max(1, max |H_ij|)`` with
``ZERO_TOLERANCE = 1e-9``. Exact entries are never judged with a tolerance.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import mpmath
import sympy as sp
from mpmath import mpf

from symderiv.engine import as_expression
from symderiv.functions import to_elementary
from symderiv.multivariate.classification import ZERO_TOLERANCE
from symderiv.multivariate.variables import clean
from symderiv.numeric import NumericError, local_context


def real_version(symbol: sp.Symbol) -> sp.Symbol:
    if symbol.is_real is not None or symbol.is_integer:
        return symbol
    return sp.Symbol(symbol.name, real=True)


def _numeric_value(expr: sp.Expr, digits: int = 50) -> sp.Expr | None:
    try:
        value = sp.N(to_elementary(expr), digits)
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not value.is_number:
        return None
    re_part, im_part = value.as_real_imag()
    if abs(im_part) > sp.Float(10) ** (-(digits - 10)):
        return None
    return re_part


def sign_of(expr: sp.Expr, *, scale: float = 1.0) -> int | None:
    """-1, 0 or +1 when decidable, else None.

    Exact values are decided by SymPy's assumptions, then at 50 digits (a value at least
    1e-40 away from 0), then by ``equals(0)``. Values holding Floats count as zero within
    ``ZERO_TOLERANCE * scale``.
    """
    expr = as_expression(expr)
    if expr.has(sp.Float):
        value = _numeric_value(expr, 30)
        if value is None:
            return None
        if abs(value) <= ZERO_TOLERANCE * max(1.0, scale):
            return 0
        return 1 if value > 0 else -1
    if expr.is_zero:
        return 0
    if expr.is_positive:
        return 1
    if expr.is_negative:
        return -1
    if not expr.is_number:
        return None
    value = _numeric_value(expr)
    if value is not None and abs(value) > sp.Float(10) ** -40:
        return 1 if value > 0 else -1
    try:
        if expr.equals(0):
            return 0
    except (TypeError, ValueError):
        return None
    return None


def inertia_from_signs(signs: Sequence[int]) -> tuple[int, int, int]:
    """(positive, negative, zero) eigenvalue counts of a symmetric matrix from the signs
    of det(tI - H)'s coefficients, leading first (Descartes' rule, exact when all roots
    are real)."""
    signs = [(s > 0) - (s < 0) for s in signs]
    n = len(signs) - 1
    zeros = 0
    while zeros < n and signs[n - zeros] == 0:
        zeros += 1
    q = [s for s in signs[: n + 1 - zeros] if s != 0]
    changes = sum(1 for a, b in itertools.pairwise(q) if a != b)
    return changes, n - zeros - changes, zeros


def inertia_from_some_signs(signs: Sequence[int | None]) -> tuple[int, int, int] | None:
    """The inertia when it is the same for every value (-1, 0, +1) of the unknown signs.

    E.g. t² − 2(a − b)t − 4ab with a > 0 > b: the middle sign is unknown, but every
    choice gives one sign change, so one positive and one negative eigenvalue.
    """
    unknown = [i for i, s in enumerate(signs) if s is None]
    if not unknown:
        return inertia_from_signs(signs)  # type: ignore[arg-type]
    if len(unknown) > 6:
        return None
    found: set[tuple[int, int, int]] = set()
    for choice in itertools.product((-1, 0, 1), repeat=len(unknown)):
        filled = list(signs)
        for i, s in zip(unknown, choice, strict=True):
            filled[i] = s
        if filled[0] == 0:
            continue
        found.add(inertia_from_signs(filled))  # type: ignore[arg-type]
        if len(found) > 1:
            return None
    return found.pop() if found else None


def inertia_from_minors(signs: Sequence[int | None]) -> tuple[int, int, int] | None:
    """Jacobi's rule: when every leading principal minor D_k is non-zero, H = L D Lᵀ with
    pivots D_k / D_(k-1), so the negative eigenvalues number the sign changes in
    (1, D_1, ..., D_n) (Sylvester's law of inertia); None when a minor is 0 or unknown."""
    if any(s is None or s == 0 for s in signs):
        return None
    sequence = [1, *((s > 0) - (s < 0) for s in signs)]
    negative = sum(1 for a, b in itertools.pairwise(sequence) if a != b)
    return len(signs) - negative, negative, 0


def decide_inertia(
    coefficient_signs: Sequence[int | None], minor_signs: Sequence[int | None]
) -> tuple[int, int, int] | None:
    """The inertia from the characteristic polynomial's signs, else from the minors."""
    found = inertia_from_some_signs(coefficient_signs)
    return found if found is not None else inertia_from_minors(minor_signs)


def definiteness_of(inertia: tuple[int, int, int]) -> tuple[str, str]:
    """(definiteness, kind) for the second-derivative test."""
    pos, neg, zero = inertia
    if pos + neg == 0:
        return "zero", "inconclusive"
    if zero == 0 and neg == 0:
        return "positive definite", "minimum"
    if zero == 0 and pos == 0:
        return "negative definite", "maximum"
    if pos and neg:
        return "indefinite", "saddle"
    if neg == 0:
        return "positive semidefinite", "inconclusive"
    return "negative semidefinite", "inconclusive"


def _numeric_eigenvalues(matrix: sp.Matrix) -> list[mpf]:
    """The eigenvalues at 30 digits, in this thread's own mpmath context."""
    n = matrix.rows
    ctx = local_context()
    with ctx.workdps(30):
        m = ctx.matrix(n, n)
        for i in range(n):
            for j in range(n):
                m[i, j] = ctx.mpf(str(sp.N(to_elementary(matrix[i, j]), 40)))
        if n == 1:
            return [m[0, 0]]
        values = ctx.eigsy(m, eigvals_only=True)
        return sorted(values[i] for i in range(n))


def _sorted_exact(values: list[sp.Expr]) -> list[sp.Expr]:
    if all(v.is_number for v in values):
        return sorted(values, key=lambda v: float(sp.N(to_elementary(v), 20)))
    return values


def eigenvalues_of(
    matrix: sp.Matrix, coeffs: Sequence[sp.Expr], numeric: bool
) -> tuple[tuple[sp.Expr, ...], bool]:
    """Eigenvalues, exact when the characteristic polynomial splits into factors of degree
    at most 2 (or the matrix is diagonal), else numeric (Floats, 15 digits)."""
    n = matrix.rows
    if not numeric and matrix.is_diagonal():
        return tuple(_sorted_exact([clean(matrix[i, i]) for i in range(n)])), True
    if not numeric:
        t = sp.Dummy("t")
        poly = sum(c * t ** (n - k) for k, c in enumerate(coeffs))
        try:
            _, factors = sp.factor_list(poly, t)
        except (sp.PolynomialError, NotImplementedError):
            factors = []
        exact: list[sp.Expr] = []
        split = bool(factors)
        for factor, multiplicity in factors:
            degree = sp.degree(factor, t)
            if degree > 2:
                split = False
                break
            roots = sp.roots(factor, t)
            if sum(roots.values()) != degree:
                split = False
                break
            for root, k in roots.items():
                exact.extend([clean(root)] * (k * multiplicity))
        if split and len(exact) == n:
            return tuple(_sorted_exact(exact)), True
    if matrix.free_symbols:
        return (), False
    try:
        values = _numeric_eigenvalues(matrix)
    except (NumericError, ValueError, TypeError, ZeroDivisionError):
        return (), False
    return tuple(sp.Float(mpmath.nstr(v, 15), 15) for v in values), False


def leading_minors(matrix: sp.Matrix) -> tuple[sp.Expr, ...]:
    return tuple(clean(matrix[:k, :k].det(method="berkowitz")) for k in range(1, matrix.rows + 1))


def value_scale(values: Sequence[sp.Expr]) -> float:
    biggest = 0.0
    for v in values:
        num = _numeric_value(v, 20)
        if num is not None:
            biggest = max(biggest, abs(float(num)))
    return biggest
