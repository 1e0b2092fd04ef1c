"""Why a numeric check ended as it did, in English and as a message key with its values
(``Verification.reason`` / ``reason_key`` / ``reason_values``), so that printers can say it
in the user's language (``symderiv.render.common.reason_text``, ``messages.toml``)."""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

import sympy as sp

from symderiv.numeric import is_evaluable


class Why(NamedTuple):
    """A reason in English (``text``) and as a message key with its values."""

    text: str
    key: str
    values: tuple[tuple[str, object], ...] = ()


def no_points_reason(
    rejected: Counter[str], labels: list[str], top_digits: int, sampled: tuple[str, str]
) -> Why:
    """Why no sampled point could be used: ``rejected`` counts the candidates by why they
    were dropped, ``labels`` name what was screened (the function first), ``top_digits`` is
    the highest precision tried and ``sampled`` the smallest and largest |x| tried."""
    r = rejected
    tried = sum(r.values())
    first = labels[0]
    low, high = sampled
    where = f"{tried} points, |x| from {low} to {high}"
    counted = (("tried", tried), ("low", low), ("high", high))
    if r[first] + r["special"] == tried:
        return Why(
            f"the {first} is not real (or not finite) anywhere we sampled ({where})",
            "reason_not_real",
            (("what", first), *counted),
        )
    for label in labels[1:]:
        if r[label]:
            return Why(
                f"the {label} is not real (or not finite) at any sampled point where the "
                f"{first} is ({where})",
                "reason_not_real_where",
                (("what", label), ("first", first), *counted),
            )
    if r["magnitude"]:
        return Why(
            f"the values are too large (or too small) to evaluate with bounded work at "
            f"every sampled point where the {first} is real ({where})",
            "reason_magnitude",
            (("first", first), *counted),
        )
    if r["kink"]:
        return Why(
            f"every usable sampled point was too close to a kink ({tried} points)",
            "reason_kink",
            (("tried", tried),),
        )
    if r["unsettled"]:
        return Why(
            f"the comparison did not settle at any sampled point, even at "
            f"{top_digits} digits ({tried} points)",
            "reason_unsettled",
            (("digits", top_digits), ("tried", tried)),
        )
    return Why(
        f"finite differences could not be computed at any sampled point ({tried} points)",
        "reason_no_differences",
        (("tried", tried),),
    )


def unevaluable_parts(expr: sp.Expr) -> list[sp.Expr]:
    """The smallest parts of ``expr`` that cannot be evaluated (f(x), floor(x), ...)."""
    parts: list[sp.Expr] = []
    for node in sp.preorder_traversal(expr):
        innermost = node.args and not any(not is_evaluable(a)[0] for a in node.args if a.args)
        if innermost and not is_evaluable(node)[0] and node not in parts:
            parts.append(node)
    return parts[:3]


def split_side(label: str) -> tuple[str, str]:
    """("the derivative", "right") for "the derivative (right)"; ("∂f/∂x", "") for "∂f/∂x"."""
    for side in ("right", "left"):
        if label.endswith(f" ({side})"):
            return label[: -len(side) - 3], side
    return label, ""
