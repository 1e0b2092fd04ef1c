"""Training a model by hand, as the lesson's Step 8 does: derive ∂ℓ/∂p of one example's
loss with steps, average over the data, and update every parameter each epoch.

>>> r = fit("w x + b", [(1, 3), (2, 5), (3, 7), (4, 9), (5, 11)], "w,b", epochs=200)
>>> round(r.params["w"], 2), round(r.params["b"], 2)  # doctest: +SKIP
(2.07, 0.75)
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import mpmath
import sympy as sp

import symderiv as sd
from symderiv.functions import sigmoid
from symderiv.numeric import NumericError, evaluate
from symderiv.optim.checks import DIGITS, FLOAT_TOLERANCE, combine, relative_gap
from symderiv.optim.common import (
    Note,
    OptimError,
    Result,
    as_expr,
    exact_number,
    natural_key,
    resolve_vars,
)
from symderiv.optim.evaluator import NoValue, compile_scalar, compile_vector
from symderiv.steps import NOT_VERIFIED, Verification

LOSSES = ("mse", "cross_entropy")
MAX_EPOCHS = 100_000
#: Epochs recomputed in mpmath by the check (the first and the last ones).
CHECKED_EPOCHS = 60


@dataclass(frozen=True)
class Epoch:
    """Epoch ``epoch``: the mean loss before its update, the parameters after it."""

    epoch: int
    params: dict[str, float]
    loss: float


@dataclass(frozen=True, eq=False)
class Fit(Result):
    model: sp.Expr
    output: sp.Expr  # what the loss compares with the target (σ(model) for cross-entropy)
    param_symbols: tuple[sp.Symbol, ...]
    inputs: tuple[sp.Symbol, ...]
    target: sp.Symbol
    loss: str
    sample_loss: sp.Expr
    gradient: Any  # sd.Gradient of the sample loss by the parameters
    data: tuple[tuple[float, ...], ...]
    lr: float
    start: dict[str, float]
    seed: int | None
    epochs: tuple[Epoch, ...]
    print_every: int
    stop: Note | None = None
    verification: Verification = NOT_VERIFIED
    source: str = ""

    printers: ClassVar[tuple[str, str]] = ("symderiv.render.optim.fit", "fit_")

    @property
    def params(self) -> dict[str, float]:
        return dict(self.epochs[-1].params) if self.epochs else dict(self.start)

    @property
    def history(self) -> tuple[float, ...]:
        """The mean loss of every epoch (before its update)."""
        return tuple(e.loss for e in self.epochs)

    def equation(self, decimals: int = 2) -> sp.Expr:
        """The learned model with its parameters rounded to ``decimals`` places."""
        values = {
            p: sp.Float(f"{self.params[p.name]:.{decimals}f}", max(decimals + 1, 3))
            for p in self.param_symbols
        }
        return self.output.xreplace(values)

    @property
    def printed_epochs(self) -> list[Epoch]:
        """The epochs the lesson prints: every ``print_every``-th and the last."""
        last = len(self.epochs) - 1
        return [e for e in self.epochs if e.epoch % self.print_every == 0 or e.epoch == last]


def _row(row: Any, width: int) -> tuple[float, ...]:
    items = [p for p in row.replace(";", ",").split(",")] if isinstance(row, str) else list(row)
    if len(items) != width:
        raise OptimError(
            f"each data row needs {width} numbers (inputs, then the target), got {row!r}"
        )
    return tuple(float(exact_number(v, "data value")) for v in items)


def _target_symbol(model: sp.Expr, name: str) -> sp.Symbol:
    taken = {s.name for s in model.free_symbols}
    for candidate in (name, "t", "target"):
        if candidate not in taken:
            return sp.Symbol(candidate)
    raise OptimError("name the target with target=...")  # pragma: no cover


def fit(
    model: str | sp.Expr,
    data: Sequence[Any],
    params: str | Iterable[str | sp.Symbol],
    loss: str = "mse",
    lr: Any = "0.01",
    epochs: int = 200,
    *,
    init: Mapping[str, Any] | None = None,
    seed: int = 42,
    inputs: str | Iterable[str | sp.Symbol] | None = None,
    target: str = "y",
    print_every: int | None = None,
    verify: bool = True,
) -> Fit:
    """Fit ``model``'s ``params`` to ``data`` (rows of inputs then target) by full-batch
    gradient descent on the mean ``loss`` ("mse", or "cross_entropy" for a logistic model:
    the model is wrapped in σ unless it already is one).

    Starting values are ``init`` or, as in the lesson, ``random.seed(seed)`` then
    ``random.gauss(0, 1)`` per parameter in the order given.
    """
    f, source = as_expr(model)
    if loss not in LOSSES:
        raise OptimError(f"the loss must be one of {', '.join(LOSSES)}, not {loss!r}")
    ps = resolve_vars(f, params)
    if inputs is None:
        xs = tuple(sorted(f.free_symbols - set(ps), key=natural_key))
    else:
        xs = resolve_vars(f, inputs)
    extra = f.free_symbols - set(ps) - set(xs)
    if extra:
        raise OptimError(
            f"{', '.join(sorted(s.name for s in extra))} is neither a parameter nor an input"
        )
    if not xs:
        raise OptimError("the model has no input variable besides the parameters")
    if not isinstance(epochs, int) or isinstance(epochs, bool) or not 1 <= epochs <= MAX_EPOCHS:
        raise OptimError(f"the number of epochs must be a whole number from 1 to {MAX_EPOCHS}")
    rate = float(exact_number(lr, "learning rate"))
    if rate <= 0:
        raise OptimError("the learning rate must be positive")
    rows = tuple(_row(r, len(xs) + 1) for r in data)
    if not rows:
        raise OptimError("no data")
    y = _target_symbol(f, target)
    output = f
    if loss == "mse":
        sample = (f - y) ** 2
    else:
        if not isinstance(f, sigmoid):
            output = sigmoid(f)
        if any(r[-1] not in (0.0, 1.0) for r in rows):
            raise OptimError("cross-entropy needs targets 0 or 1")
        sample = -(y * sp.log(output) + (1 - y) * sp.log(1 - output))
    gradient = sd.gradient(sample, list(ps), verify=verify)
    if init is not None:
        start = {
            p.name: float(exact_number(init[p.name], f"start of {p.name}"))
            for p in ps
            if p.name in init
        }
        missing = [p.name for p in ps if p.name not in start]
        if missing:
            raise OptimError(f"init gives no value for {', '.join(missing)}")
        used_seed = None
    else:
        rng = random.Random(seed)
        start = {p.name: rng.gauss(0, 1) for p in ps}
        used_seed = seed
    every = print_every or max(1, epochs // 5)
    log, stop = _train(sample, gradient.components, ps, xs, y, rows, rate, start, epochs)
    result = Fit(
        f,
        output,
        ps,
        xs,
        y,
        loss,
        sample,
        gradient,
        rows,
        rate,
        start,
        used_seed,
        tuple(log),
        every,
        stop,
        NOT_VERIFIED,
        source,
    )
    if verify:
        result = dataclasses.replace(result, verification=_check(result))
    return result


def _train(
    sample: sp.Expr,
    components: Sequence[sp.Expr],
    ps: Sequence[sp.Symbol],
    xs: Sequence[sp.Symbol],
    y: sp.Symbol,
    rows: Sequence[tuple[float, ...]],
    lr: float,
    start: dict[str, float],
    epochs: int,
) -> tuple[list[Epoch], Note | None]:
    order = [*ps, *xs, y]
    loss_fn = compile_scalar(sample, order)
    grad_fn = compile_vector(list(components), order)
    theta = [start[p.name] for p in ps]
    n = len(rows)
    log: list[Epoch] = []
    for epoch in range(epochs):
        total = 0.0
        sums = [0.0] * len(ps)
        try:
            for row in rows:
                values = (*theta, *row)
                total += loss_fn(values)
                for j, g in enumerate(grad_fn(values)):
                    sums[j] += g
        except NoValue as exc:
            return log, Note("fit_stopped", epoch=epoch, reason=str(exc))
        theta = [t - lr * (s / n) for t, s in zip(theta, sums, strict=True)]
        mean = total / n
        if not all(math.isfinite(v) for v in (*theta, mean)):
            return log, Note(
                "fit_stopped", epoch=epoch, reason="the loss or a parameter overflowed"
            )
        log.append(Epoch(epoch, {p.name: t for p, t in zip(ps, theta, strict=True)}, mean))
    return log, None


def _check(result: Fit) -> Verification:
    """Recompute sampled epochs' mean loss and update in mpmath from the recorded values."""
    ps, xs, y = result.param_symbols, result.inputs, result.target
    n = len(result.data)
    epochs = result.epochs
    half = CHECKED_EPOCHS // 2
    picked = (
        range(len(epochs))
        if len(epochs) <= CHECKED_EPOCHS
        else [*range(half), *range(len(epochs) - half, len(epochs))]
    )
    worst, failures = 0.0, []
    with mpmath.workdps(DIGITS):
        lr = mpmath.mpf(result.lr)
        for k in picked:
            before = result.start if k == 0 else epochs[k - 1].params
            total = mpmath.mpf(0)
            sums = [mpmath.mpf(0)] * len(ps)
            try:
                for row in result.data:
                    values = {p: mpmath.mpf(before[p.name]) for p in ps}
                    values.update({s: mpmath.mpf(v) for s, v in zip([*xs, y], row, strict=True)})
                    total += evaluate(result.sample_loss, values)
                    sums = [
                        s + evaluate(c, values)
                        for s, c in zip(sums, result.gradient.components, strict=True)
                    ]
            except NumericError as exc:
                failures.append(f"epoch {k}: {exc}")
                continue
            gaps = [relative_gap(epochs[k].loss, total / n, mpmath.mpf(1))]
            for p, s in zip(ps, sums, strict=True):
                expected = mpmath.mpf(before[p.name]) - lr * s / n
                gaps.append(relative_gap(epochs[k].params[p.name], expected, mpmath.mpf(1)))
            worst = max(worst, *gaps)
            if max(gaps) > FLOAT_TOLERANCE:
                failures.append(f"epoch {k} differs by {max(gaps):.1e}")
    own = Verification(
        ok=not failures,
        max_rel_error=worst,
        points=(),
        tolerance=FLOAT_TOLERANCE,
        digits=DIGITS,
        method="epochs recomputed in mpmath",
        reason="; ".join(failures[:3]),
    )
    return combine(
        own,
        result.gradient.verification,
        "epochs recomputed in mpmath; derivatives vs finite differences",
    )
