"""A tiny document model (headings, paragraphs, formulas, tables, embedded results) and
its three printers: plain text, LaTeX and Markdown.

Each optimisation result builds one document per language; the printers here turn it
into every format, so the formats cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len

from symderiv.render.latex import escape_text


@dataclass(frozen=True)
class Math:
    """A table cell or inline piece of mathematics: how text and LaTeX show it."""

    text: str
    latex: str


Cell = str | Math


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Formula:
    text: str
    latex: str


@dataclass(frozen=True)
class Table:
    headers: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Embed:
    """Another result (a worked gradient, a Hessian) printed by its own printers."""

    result: Any


Block = Heading | Para | Formula | Table | Embed
Document = Sequence[Block]


# --------------------------------------------------------------------------- text


def _cell_text(cell: Cell) -> str:
    return cell.text if isinstance(cell, Math) else cell


def table_text(table: Table) -> list[str]:
    grid = [[_cell_text(c) for c in table.headers]] + [
        [_cell_text(c) for c in r] for r in table.rows
    ]
    widths = [max(cell_len(row[i]) for row in grid) for i in range(len(grid[0]))]

    def line(row: list[str]) -> str:
        cells = [c + " " * (w - cell_len(c)) for c, w in zip(row, widths, strict=True)]
        return "  ".join(cells).rstrip()

    rule = "  ".join("─" * w for w in widths)
    return [line(grid[0]), rule, *(line(r) for r in grid[1:])]


def to_text(doc: Document, lang: str) -> str:
    out: list[str] = []
    for block in doc:
        if isinstance(block, Heading):
            out += [block.text, "═" * cell_len(block.text) if block.level == 1 else ""]
            if block.level != 1:
                out[-1] = "─" * cell_len(block.text)
        elif isinstance(block, Para):
            out.append(block.text)
        elif isinstance(block, Formula):
            out.append("  " + block.text)
        elif isinstance(block, Table):
            out += table_text(block)
        else:
            out.append(block.result.to_text(lang=lang))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- LaTeX

_LATEX_SYMBOLS = {
    "‖": r"$\|$",
    "∇": r"$\nabla$",
    "≤": r"$\le$",
    "≥": r"$\ge$",
    "×": r"$\times$",
    "≈": r"$\approx$",
    "ε": r"$\varepsilon$",
    "β": r"$\beta$",
    "∂": r"$\partial$",
    "·": r"$\cdot$",
    "−": "-",
    "→": r"$\to$",
    "⁻¹": r"$^{-1}$",
    "²": r"$^{2}$",
    "³": r"$^{3}$",
    "⁴": r"$^{4}$",
    "√": r"$\surd$",
    "✓": "",
    "✗": "",
    "…": r"\dots{}",
    "ℓ": r"$\ell$",
    "Σ": r"$\Sigma$",
    "σ": r"$\sigma$",
    "η": r"$\eta$",
    "⋮": r"$\vdots$",
    "|": r"$|$",
    "←": r"$\leftarrow$",
}

_SYMBOL_PATTERN = re.compile(
    "|".join(re.escape(k) for k in sorted(_LATEX_SYMBOLS, key=len, reverse=True))
)


def latex_text(text: str) -> str:
    """Plain text for a LaTeX paragraph, with the few math symbols our sentences use."""
    # One pass: a replacement must not be rewritten again (‖ → $\|$, then | → $|$).
    escaped = _SYMBOL_PATTERN.sub(lambda m: _LATEX_SYMBOLS[m.group(0)], escape_text(text))
    return escaped.replace("$$", "")


def _cell_latex(cell: Cell) -> str:
    return f"${cell.latex}$" if isinstance(cell, Math) else latex_text(cell)


def table_latex(table: Table) -> str:
    columns = "r" * len(table.headers)
    lines = [f"\\begin{{tabular}}{{{columns}}}", "\\hline"]
    lines.append(" & ".join(_cell_latex(c) for c in table.headers) + r" \\ \hline")
    lines += [" & ".join(_cell_latex(c) for c in row) + r" \\" for row in table.rows]
    lines += ["\\hline", "\\end{tabular}"]
    return "\n".join(lines)


def to_latex(doc: Document, lang: str) -> str:
    out: list[str] = []
    for block in doc:
        if isinstance(block, Heading):
            command = "subsection*" if block.level == 1 else "subsubsection*"
            out.append(f"\\{command}{{{latex_text(block.text)}}}")
        elif isinstance(block, Para):
            out.append(f"\\noindent {latex_text(block.text)}")
        elif isinstance(block, Formula):
            out.append(f"\\[ {block.latex} \\]")
        elif isinstance(block, Table):
            out.append("\\begin{center}\n" + table_latex(block) + "\n\\end{center}")
        else:
            out.append(block.result.to_latex(lang=lang))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- Markdown


def _cell_markdown(cell: Cell) -> str:
    text = f"${cell.latex}$" if isinstance(cell, Math) else cell
    return text.replace("|", r"\|")


def table_markdown(table: Table) -> list[str]:
    head = "| " + " | ".join(_cell_markdown(c) for c in table.headers) + " |"
    rule = "|" + "---:|" * len(table.headers)
    rows = ["| " + " | ".join(_cell_markdown(c) for c in row) + " |" for row in table.rows]
    return [head, rule, *rows]


def to_markdown(doc: Document, lang: str) -> str:
    out: list[str] = []
    for block in doc:
        if isinstance(block, Heading):
            out.append(("### " if block.level == 1 else "#### ") + block.text)
        elif isinstance(block, Para):
            out.append(block.text)
        elif isinstance(block, Formula):
            out.append(f"$$ {block.latex} $$")
        elif isinstance(block, Table):
            out += table_markdown(block)
        else:
            out.append(block.result.to_markdown(lang=lang).rstrip())
        out.append("")
    return "\n".join(out).rstrip() + "\n"
