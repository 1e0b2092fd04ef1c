r"""Printers for gradients, Jacobians, Hessians, classifications, critical points and
implicit derivatives: plain text, LaTeX (matrices as ``pmatrix``), Markdown and JSON.

The result objects live on a higher floor (``symderiv.multivariate``, ``critical``,
``implicit``), so this module dispatches on the class *name* and never imports them.
Sentences come from ``messages_multivariate.toml`` (English and Korean).

JSON schemas: ``symderiv.gradient/1``, ``symderiv.jacobian/1``, ``symderiv.hessian/1``,
``symderiv.classification/1``, ``symderiv.critical_points/1``, ``symderiv.implicit/1``.
Every expression is ``{"latex": ..., "sympy": ...}`` as in ``symderiv.derivation/1``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from symderiv.i18n import check_language
from symderiv.render.critical import critical_dict, critical_latex, critical_markdown, critical_text
from symderiv.render.gradient import (
    gradient_dict,
    gradient_latex,
    gradient_markdown,
    gradient_text,
    jacobian_dict,
    jacobian_latex,
    jacobian_markdown,
    jacobian_text,
)
from symderiv.render.hessian import (
    classification_dict,
    classification_latex,
    classification_markdown,
    classification_text,
    hessian_dict,
    hessian_latex,
    hessian_markdown,
    hessian_text,
)
from symderiv.render.implicit import implicit_dict, implicit_latex, implicit_markdown, implicit_text
from symderiv.render.mv_layout import matrix_latex, matrix_text
from symderiv.render.mv_words import condition_text, kind_name, mv_message, reason_text

__all__ = [
    "condition_text",
    "kind_name",
    "matrix_latex",
    "matrix_text",
    "mv_message",
    "reason_text",
    "to_dict",
    "to_latex",
    "to_markdown",
    "to_text",
]


def _dispatch(obj: Any, table: dict[str, Callable[..., Any]], *args: Any) -> Any:
    name = type(obj).__name__
    if name not in table:
        raise TypeError(f"no printer for {name}")
    return table[name](obj, *args)


def to_text(obj: Any, lang: str = "en") -> str:
    check_language(lang)
    return _dispatch(obj, _TEXT, lang)


def to_latex(obj: Any, lang: str = "en") -> str:
    check_language(lang)
    return _dispatch(obj, _LATEX, lang)


def to_markdown(obj: Any, lang: str = "en") -> str:
    check_language(lang)
    return _dispatch(obj, _MARKDOWN, lang)


def to_dict(obj: Any) -> dict[str, Any]:
    return _dispatch(obj, _DICT)


_TEXT: dict[str, Callable[..., Any]] = {
    "Gradient": gradient_text,
    "Jacobian": jacobian_text,
    "Hessian": hessian_text,
    "Classification": classification_text,
    "CriticalPoints": critical_text,
    "ImplicitDerivative": implicit_text,
}
_LATEX: dict[str, Callable[..., Any]] = {
    "Gradient": gradient_latex,
    "Jacobian": jacobian_latex,
    "Hessian": hessian_latex,
    "Classification": classification_latex,
    "CriticalPoints": critical_latex,
    "ImplicitDerivative": implicit_latex,
}
_MARKDOWN: dict[str, Callable[..., Any]] = {
    "Gradient": gradient_markdown,
    "Jacobian": jacobian_markdown,
    "Hessian": hessian_markdown,
    "Classification": classification_markdown,
    "CriticalPoints": critical_markdown,
    "ImplicitDerivative": implicit_markdown,
}
_DICT: dict[str, Callable[..., Any]] = {
    "Gradient": gradient_dict,
    "Jacobian": jacobian_dict,
    "Hessian": hessian_dict,
    "Classification": classification_dict,
    "CriticalPoints": critical_dict,
    "ImplicitDerivative": implicit_dict,
}
