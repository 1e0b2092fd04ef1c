"""Layout pieces shared by the multivariate printers: matrices (text brackets, ``pmatrix``),
points, variable lists, indentation and the JSON form of inputs and matrices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from symderiv.notation import latex_str, unicode_str
from symderiv.render.json import expression_dict
from symderiv.render.mv_words import Show

# --------------------------------------------------------------------------- matrices


def matrix_text(matrix: sp.MatrixBase, show: Show = unicode_str) -> list[str]:
    """Rows of a matrix with aligned columns and ⎡ ⎤ brackets."""
    cells = [[show(matrix[i, j]) for j in range(matrix.cols)] for i in range(matrix.rows)]
    widths = [max(len(cells[i][j]) for i in range(matrix.rows)) for j in range(matrix.cols)]
    rows = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    if len(rows) == 1:
        return [f"[{rows[0]}]"]
    out = []
    for i, row in enumerate(rows):
        if i == 0:
            left, right = "⎡", "⎤"
        else:
            left, right = ("⎣", "⎦") if i == len(rows) - 1 else ("⎢", "⎥")
        out.append(f"{left}{row}{right}")
    return out


def matrix_latex(matrix: sp.MatrixBase) -> str:
    rows = [
        " & ".join(latex_str(matrix[i, j]) for j in range(matrix.cols)) for i in range(matrix.rows)
    ]
    return r"\begin{pmatrix} " + r" \\ ".join(rows) + r" \end{pmatrix}"


def labelled_matrix(label: str, matrix: sp.MatrixBase, indent: str = "") -> list[str]:
    lines = matrix_text(matrix)
    pad = " " * (len(label) + 3)
    return [
        indent + (f"{label} = " if i == (len(lines) - 1) // 2 else pad) + line
        for i, line in enumerate(lines)
    ]


def point_text(point: dict[sp.Symbol, sp.Expr], vars: Sequence[sp.Symbol], show: Show) -> str:
    if len(vars) == 1:
        return f"{show(vars[0])} = {show(point[vars[0]])}"
    names = ", ".join(show(v) for v in vars)
    values = ", ".join(show(point[v]) for v in vars)
    return f"({names}) = ({values})"


def point_latex(point: dict[sp.Symbol, sp.Expr], vars: Sequence[sp.Symbol]) -> str:
    if len(vars) == 1:
        return f"{latex_str(vars[0])} = {latex_str(point[vars[0]])}"
    names = ", ".join(latex_str(v) for v in vars)
    values = ", ".join(latex_str(point[v]) for v in vars)
    return f"\\left({names}\\right) = \\left({values}\\right)"


def vars_text(vars: Sequence[sp.Symbol], show: Show = unicode_str) -> str:
    return ", ".join(show(v) for v in vars)


def indent_lines(text: str, prefix: str = "  ") -> list[str]:
    return [prefix + line if line else line for line in text.splitlines()]


def input_dict(expr: sp.Expr, source: str) -> dict[str, Any]:
    return {"text": source, **expression_dict(expr)}


def matrix_dict(matrix: sp.MatrixBase) -> list[list[dict[str, str]]]:
    return [[expression_dict(matrix[i, j]) for j in range(matrix.cols)] for i in range(matrix.rows)]
