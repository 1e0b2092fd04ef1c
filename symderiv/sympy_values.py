"""Turning Python and SymPy values into SymPy expressions without ever parsing text.

``sympy.sympify`` parses strings with ``eval``-like machinery; symderiv reads text only
with its own parser (:mod:`symderiv.parsing`). Internal code that needs "a SymPy object
from a number or an expression" uses :func:`as_sympy`, which refuses text.
"""

from __future__ import annotations

import sympy as sp


def as_sympy(value: object) -> sp.Basic:
    """``value`` as a SymPy object (numbers converted exactly, floats as Floats); text is
    refused with a TypeError, since it must come through ``symderiv.parse``."""
    if isinstance(value, str | bytes):
        raise TypeError("give a SymPy expression or a number, not text (use symderiv.parse)")
    return sp.sympify(value, strict=True)
