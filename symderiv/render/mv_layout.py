"""Layout pieces shared by the multivariate printers: matrices (text brackets, ``pmatrix``),
points, variable lists, indentation and the JSON form of inputs and matrices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from symderiv.notation import shape_latex, shape_unicode, teacher_latex, teacher_unicode
from symderiv.render.json import expression_dict, shape_dict
from symderiv.render.mv_words import Show
from symderiv.steps import Derivation

# --------------------------------------------------------------------------- matrices


def vars_math(vars: Sequence[sp.Symbol]) -> str:
    """The variables as inline math for a title: ``$x, y$``."""
    return "$" + ", ".join(teacher_latex(v) for v in vars) + "$"


def matrix_text(matrix: sp.MatrixBase, show: Show = teacher_unicode) -> list[str]:
    """Rows of a matrix with aligned columns and ⎡ ⎤ brackets, entries in the teacher's form."""
    return cells_text(
        [[show(matrix[i, j]) for j in range(matrix.cols)] for i in range(matrix.rows)]
    )


def cells_text(cells: Sequence[Sequence[str]]) -> list[str]:
    """Rows of printed entries with aligned columns and ⎡ ⎤ brackets."""
    rows_n, cols_n = len(cells), len(cells[0])
    widths = [max(len(cells[i][j]) for i in range(rows_n)) for j in range(cols_n)]
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
    """A ``pmatrix`` of the entries in the teacher's form."""
    return cells_latex(
        [[teacher_latex(matrix[i, j]) for j in range(matrix.cols)] for i in range(matrix.rows)]
    )


def cells_latex(cells: Sequence[Sequence[str]]) -> str:
    rows = [" & ".join(row) for row in cells]
    return r"\begin{pmatrix} " + r" \\ ".join(rows) + r" \end{pmatrix}"


# ------------------------------------------------------ derivations' results, as shown


def shown_text(d: Derivation) -> str:
    """A derivation's result as its last line shows it: 2(x − 3), not 2x − 6."""
    return shape_unicode(d.shown_result())


def shown_latex(d: Derivation) -> str:
    return shape_latex(d.shown_result())


def shown_input_text(d: Derivation) -> str:
    """The function a derivation differentiates, as the learner wrote it."""
    return shape_unicode(d.shown_expr)


def shown_input_latex(d: Derivation) -> str:
    return shape_latex(d.shown_expr)


def shown_matrix_text(rows: Sequence[Sequence[Derivation]]) -> list[str]:
    return cells_text([[shown_text(d) for d in row] for row in rows])


def shown_matrix_latex(rows: Sequence[Sequence[Derivation]]) -> str:
    return cells_latex([[shown_latex(d) for d in row] for row in rows])


def shown_result_dict(d: Derivation) -> dict[str, Any]:
    """SymPy's form of a derivation's result (``latex``, ``sympy``) beside the form shown."""
    return {**expression_dict(d.result), "shown": shape_dict(d.shown_result())}


def labelled_lines(label: str, lines: list[str], indent: str = "") -> list[str]:
    pad = " " * (len(label) + 3)
    return [
        indent + (f"{label} = " if i == (len(lines) - 1) // 2 else pad) + line
        for i, line in enumerate(lines)
    ]


def labelled_matrix(label: str, matrix: sp.MatrixBase, indent: str = "") -> list[str]:
    return labelled_lines(label, matrix_text(matrix), indent)


def point_text(point: dict[sp.Symbol, sp.Expr], vars: Sequence[sp.Symbol], show: Show) -> str:
    if len(vars) == 1:
        return f"{show(vars[0])} = {show(point[vars[0]])}"
    names = ", ".join(show(v) for v in vars)
    values = ", ".join(show(point[v]) for v in vars)
    return f"({names}) = ({values})"


def point_latex(point: dict[sp.Symbol, sp.Expr], vars: Sequence[sp.Symbol]) -> str:
    if len(vars) == 1:
        return f"{teacher_latex(vars[0])} = {teacher_latex(point[vars[0]])}"
    names = ", ".join(teacher_latex(v) for v in vars)
    values = ", ".join(teacher_latex(point[v]) for v in vars)
    return f"\\left({names}\\right) = \\left({values}\\right)"


def vars_text(vars: Sequence[sp.Symbol], show: Show = teacher_unicode) -> str:
    return ", ".join(show(v) for v in vars)


def indent_lines(text: str, prefix: str = "  ") -> list[str]:
    return [prefix + line if line else line for line in text.splitlines()]


def input_dict(expr: sp.Expr, source: str) -> dict[str, Any]:
    return {"text": source, **expression_dict(expr)}


def matrix_dict(matrix: sp.MatrixBase) -> list[list[dict[str, str]]]:
    return [[expression_dict(matrix[i, j]) for j in range(matrix.cols)] for i in range(matrix.rows)]
