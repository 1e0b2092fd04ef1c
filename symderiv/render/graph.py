r"""Printers for a computation graph and its backward pass (a ``Backprop``).

* text: the node table (forward formula, local derivatives and their rules, adjoint) and
  the backward pass, one accumulation per block;
* Markdown: the same with ``$…$`` math and a Mermaid diagram (notebooks, GitHub);
* LaTeX: an ``array`` of the nodes and an ``align*`` of the adjoint steps (amsmath only;
  Korean headings need a Korean-capable engine, as elsewhere);
* Mermaid: ``graph LR`` for the forward pass, ``graph RL`` for the backward pass with the
  local derivative on every edge; every label quoted, node ids ``n0, n1, ...``;
* Graphviz DOT: every id and label quoted and escaped;
* JSON (schema ``symderiv.backprop/1``).

This module sits below ``backprop.py``: it reads the result object's fields and never
imports it at run time.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

import sympy as sp

from symderiv.i18n import LANGUAGES, check_language
from symderiv.notation import (
    needs_parentheses,
    shape_latex,
    shape_unicode,
    teacher_latex,
    teacher_unicode,
)
from symderiv.render.common import verification_line
from symderiv.render.latex import escape_text
from symderiv.rulebook import load_rulebook
from symderiv.shapes import shape_of, shaped

if TYPE_CHECKING:
    from symderiv.backprop import AdjointStep, Backprop, Edge, Node

SCHEMA = "symderiv.backprop/1"
DIRECTIONS = ("forward", "backward")

_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "title": "Backpropagation through the computation graph of {equation}",
        "where": "where",
        "at": "at",
        "graph": "Computation graph (forward pass, in topological order)",
        "node": "node",
        "formula": "formula",
        "local": "local derivatives",
        "rule": "rule",
        "adjoint": "∂{output}/∂node",
        "value": "value",
        "adjoint_value": "∂{output}/∂node value",
        "input": "input",
        "backward": (
            "Backward pass (chain rule, from the output down: ∂{output}/∂node is the sum "
            "over the node's parents of ∂{output}/∂parent · ∂parent/∂node)"
        ),
        "seed": "the output itself",
        "numeric": "at the point",
        "gradient": "Gradient",
        "check": "check",
        "forward_key": "Forward pass: name each operation",
        "backward_key": "Backward pass: the chain rule from {output} back to {wrt}",
    },
    "ko": {
        "title": "{equation}의 계산 그래프와 역전파",
        "where": "단,",
        "at": "점",
        "graph": "계산 그래프 (순전파, 위상 순서)",
        "node": "노드",
        "formula": "식",
        "local": "국소 도함수",
        "rule": "규칙",
        "adjoint": "∂{output}/∂노드",
        "value": "값",
        "adjoint_value": "∂{output}/∂노드 값",
        "input": "입력",
        "backward": (
            "역전파 (연쇄 법칙, 출력에서 입력 쪽으로: ∂{output}/∂노드는 노드의 모든 부모에 대한 "
            "∂{output}/∂부모 · ∂부모/∂노드의 합)"
        ),
        "seed": "출력 자신",
        "numeric": "주어진 점에서",
        "gradient": "그래디언트",
        "check": "확인",
        "forward_key": "순전파: 각 연산에 이름 붙이기",
        "backward_key": "역전파: {output}에서 {wrt}까지 연쇄 법칙",
    },
}


def _msg(key: str, lang: str, **values: object) -> str:
    return _MESSAGES[check_language(lang)][key].format(**values)


# ----------------------------------------------------------------------------- pieces


def _factor(expr: sp.Expr) -> str:
    """``expr`` as a factor of a product, bracketed when it is a sum, negative or a quotient."""
    text = teacher_unicode(expr)
    if needs_parentheses(expr) or text.startswith("-") or "/" in text:
        return f"({text})"
    return text


def _latex_factor(expr: sp.Expr) -> str:
    text = teacher_latex(expr)
    if needs_parentheses(expr) or text.startswith("-"):
        return rf"\left({text}\right)"
    return text


def _rounded(value: sp.Expr) -> bool:
    """Whether ``value`` is exact but shown rounded (σ(11/10), not 11/10 or a float)."""
    return not isinstance(value, sp.Rational) and not value.has(sp.Float)


def _plain_number(value: sp.Expr | None) -> str:
    if value is None:
        return ""
    if isinstance(value, sp.Rational):
        return str(value)
    decimal = f"{float(sp.N(value, 20)):.6g}"
    return "0" if decimal == "-0" else decimal


def number_text(value: sp.Expr | None) -> str:
    """A numeric value for reading: exact rationals as they are, everything else to 6
    significant digits, with ≈ marking an exact value that is shown rounded."""
    if value is None:
        return ""
    return ("≈" if _rounded(value) else "") + _plain_number(value)


def _equals(value: sp.Expr) -> str:
    return ("≈ " if _rounded(value) else "= ") + _plain_number(value)


def _number_latex(value: sp.Expr | None) -> str:
    if value is None:
        return ""
    if isinstance(value, sp.Rational):
        return teacher_latex(value)
    return (r"\approx " if _rounded(value) else "") + _plain_number(value)


def _latex_equals(value: sp.Expr) -> str:
    if isinstance(value, sp.Rational):
        return "= " + teacher_latex(value)
    return (r"\approx " if _rounded(value) else "= ") + _plain_number(value)


def _partial(top: str, bottom: str) -> str:
    return f"∂{top}/∂{bottom}"


def _latex_partial(top: sp.Symbol, bottom: sp.Symbol) -> str:
    return r"\frac{\partial %s}{\partial %s}" % (teacher_latex(top), teacher_latex(bottom))


def _latex_slash_partial(top: sp.Symbol, bottom: sp.Symbol) -> str:
    """∂top/∂bottom written inline (for table cells)."""
    return r"\partial %s/\partial %s" % (teacher_latex(top), teacher_latex(bottom))


def _local_latex(edge: Edge, symbols: dict[str, sp.Symbol]) -> str:
    """∂parent/∂child = the local derivative, in LaTeX."""
    partial = _latex_slash_partial(symbols[edge.parent], symbols[edge.child])
    return f"{partial} = {teacher_latex(edge.local)}"


def _rule_name(rule: str, lang: str) -> str:
    book = load_rulebook()
    return book[rule].name(lang) if rule in book else rule


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (Korean and other wide letters count twice)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [_pad(cell, widths[i]) for i, cell in enumerate(row)]
        lines.append("  " + "  ".join(cells).rstrip())
        if index == 0:
            lines.append("  " + "  ".join("─" * w for w in widths))
    return lines


def _symbols(bp: Backprop) -> dict[str, sp.Symbol]:
    return {n.name: n.symbol for n in bp.nodes}


def _where(bp: Backprop, show: Any = teacher_unicode) -> str:
    return ", ".join(f"{name} = {show(f)}" for name, f in bp.definitions.items())


def _point_text(bp: Backprop) -> str:
    assert bp.at is not None
    return ", ".join(f"{k} = {number_text(v)}" for k, v in bp.at.items())


def _sum_text(parts: list[str]) -> str:
    text = " + ".join(parts)
    return text.replace("+ -", "- ")


def _step_lines(bp: Backprop, step: AdjointStep, lang: str) -> list[str]:
    """The accumulation of one adjoint, as lines of text."""
    out = bp.output
    head = f"{_partial(out, step.node)} = "
    indent = " " * (_width(head) - 2) + "= "
    if not step.contributions:
        return [f"{head}1    ({_msg('seed', lang)})"]
    symbolic = " + ".join(
        f"{_partial(out, c.parent)}·{_partial(c.parent, step.node)}" for c in step.contributions
    )
    lines = [head + symbolic]
    products = _sum_text(
        [f"{_factor(c.adjoint)}·{_factor(c.local_named)}" for c in step.contributions]
    )
    lines.append(indent + products)
    total = _sum_text([teacher_unicode(c.term) for c in step.contributions])
    if total != products and not _only_reordered(step):
        lines.append(indent + total)
    if step.simplified != step.total:
        lines.append(indent + teacher_unicode(step.simplified))
    if step.value is not None:
        numbers = _sum_text(
            [
                f"{_number_factor(c.adjoint_value)}·{_number_factor(c.local_value)}"
                for c in step.contributions
            ]
        )
        lines.append(f"{indent}{numbers} {_equals(step.value)}    ({_msg('numeric', lang)})")
    return lines


def _only_reordered(step: AdjointStep) -> bool:
    """Whether the line of multiplied-out terms would only show the factors of the line
    above in another order, with the simplified line still to come (so it can go)."""
    return step.simplified != step.total and all(
        c.term == c.adjoint * c.local_named for c in step.contributions
    )


def output_shape(bp: Backprop) -> sp.Expr:
    """The output's formula as the learner typed it (SymPy's printed order otherwise)."""
    named = bp.output_node.named
    return shape_of(bp.source, named) if bp.source else shaped(named)


def _number_factor(value: sp.Expr | None) -> str:
    text = _plain_number(value)
    return f"({text})" if text.startswith("-") or "/" in text else text


# ----------------------------------------------------------------------------- text


def backprop_to_text(bp: Backprop, lang: str = "en") -> str:
    """The node table, the backward pass and the gradient as plain (Unicode) text."""
    check_language(lang)
    out = bp.output
    equation = f"{out} = {shape_unicode(output_shape(bp))}"
    lines = [_msg("title", lang, equation=equation)]
    if bp.definitions:
        lines.append(f"  {_msg('where', lang)} {_where(bp)}")
    if bp.at is not None:
        lines.append(f"  {_msg('at', lang)} {_point_text(bp)}")
    lines.append("")
    lines.append(_msg("graph", lang))
    header = [
        _msg("node", lang),
        _msg("formula", lang),
        _msg("local", lang),
        _msg("rule", lang),
        _msg("adjoint", lang, output=out),
    ]
    numeric = bp.at is not None
    if numeric:
        header += [_msg("value", lang), _msg("adjoint_value", lang, output=out)]
    rows = [header]
    for node in bp.nodes:
        edges = bp.edges_into(node.name)
        formula = _msg("input", lang) if node.is_input else teacher_unicode(node.formula)
        first = [node.name, formula, "", "", teacher_unicode(node.adjoint)]
        if numeric:
            first += [number_text(node.value), number_text(node.adjoint_value)]
        for index, edge in enumerate(edges):
            row = first if index == 0 else [""] * len(header)
            row[2] = f"{_partial(edge.parent, edge.child)} = {teacher_unicode(edge.local)}"
            row[3] = _rule_name(edge.rule, lang)
            rows.append(row)
        if not edges:
            rows.append(first)
    lines.extend(_table(rows))
    lines.append("")
    lines.append(_msg("backward", lang, output=out))
    for step in bp.steps:
        lines.extend("  " + line for line in _step_lines(bp, step, lang))
    lines.append("")
    lines.append(_msg("gradient", lang))
    values = bp.gradient_values
    for var, g in bp.gradient.items():
        line = f"  {_partial(out, var)} = {teacher_unicode(g)}"
        if values is not None:
            line += f" {_equals(values[var])}"
        lines.append(line)
    if bp.definitions:
        lines.append(f"  ({_where(bp)})")
    lines.append(verification_line(bp.verification, lang))
    return "\n".join(lines)


# ----------------------------------------------------------------------------- Markdown


def _md_cell(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")


def _latex_step_rows(bp: Backprop, step: AdjointStep, lang: str) -> list[str]:
    """``align``-ready rows (``lhs &= rhs``) for one accumulation."""
    symbols = _symbols(bp)
    out, node = symbols[bp.output], symbols[step.node]
    head = _latex_partial(out, node)
    if not step.contributions:
        return [rf"{head} &= 1"]
    symbolic = " + ".join(
        _latex_partial(out, symbols[c.parent]) + r"\," + _latex_partial(symbols[c.parent], node)
        for c in step.contributions
    )
    rows = [rf"{head} &= {symbolic}"]
    products = " + ".join(
        rf"{_latex_factor(c.adjoint)} \cdot {_latex_factor(c.local_named)}"
        for c in step.contributions
    )
    rows.append(rf"&= {products}")
    total = " + ".join(teacher_latex(c.term) for c in step.contributions)
    if total != products and not _only_reordered(step):
        rows.append(rf"&= {total}")
    if step.simplified != step.total:
        rows.append(rf"&= {teacher_latex(step.simplified)}")
    if step.value is not None:
        numbers = " + ".join(
            rf"{_latex_number_factor(c.adjoint_value)} \cdot {_latex_number_factor(c.local_value)}"
            for c in step.contributions
        )
        note = escape_text(_msg("numeric", lang))
        rows.append(rf"&= {numbers} {_latex_equals(step.value)} && \text{{{note}}}")
    return [row.replace("+ -", "- ") for row in rows]


def _latex_number_factor(value: sp.Expr | None) -> str:
    text = teacher_latex(value) if isinstance(value, sp.Rational) else _plain_number(value)
    return rf"\left({text}\right)" if text.startswith("-") else text


def backprop_to_markdown(bp: Backprop, lang: str = "en") -> str:
    """Markdown for notebooks: the node table, a Mermaid diagram, the steps, the gradient."""
    check_language(lang)
    out = bp.output
    symbols = _symbols(bp)
    equation = f"${teacher_latex(symbols[out])} = {shape_latex(output_shape(bp))}$"
    lines = [f"**{_msg('title', lang, equation=equation)}**", ""]
    if bp.definitions:
        where = ", ".join(
            f"${teacher_latex(symbols[name])} = {teacher_latex(f)}$"
            for name, f in bp.definitions.items()
        )
        lines += [f"{_msg('where', lang)} {where}", ""]
    if bp.at is not None:
        point = ", ".join(
            f"${teacher_latex(sp.Symbol(k))} = {_number_latex(v)}$" for k, v in bp.at.items()
        )
        lines += [f"{_msg('at', lang)} {point}", ""]
    numeric = bp.at is not None
    header = [
        _msg("node", lang),
        _msg("formula", lang),
        _msg("local", lang),
        _msg("rule", lang),
        _msg("adjoint", lang, output=out),
    ]
    if numeric:
        header += [_msg("value", lang), _msg("adjoint_value", lang, output=out)]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for node in bp.nodes:
        edges = bp.edges_into(node.name)
        formula = _msg("input", lang) if node.is_input else f"${teacher_latex(node.formula)}$"
        local = "<br>".join(f"${_local_latex(e, symbols)}$" for e in edges)
        rules = "<br>".join(_rule_name(e.rule, lang) for e in edges)
        cells = [
            f"${teacher_latex(node.symbol)}$",
            formula,
            local,
            rules,
            f"${teacher_latex(node.adjoint)}$",
        ]
        if numeric:
            cells += [f"${_number_latex(node.value)}$", f"${_number_latex(node.adjoint_value)}$"]
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    lines += ["", "```mermaid", backprop_to_mermaid(bp, "backward"), "```", ""]
    lines.append(f"**{_msg('backward', lang, output=out)}**")
    lines.append("")
    rows = [row for step in bp.steps for row in _latex_step_rows(bp, step, lang)]
    lines += ["$$", r"\begin{aligned}", " \\\\\n".join(rows), r"\end{aligned}", "$$", ""]
    gradient = ", ".join(
        f"${_latex_partial(symbols[out], sp.Symbol(v))} = {teacher_latex(g)}$"
        for v, g in bp.gradient.items()
    )
    lines += [f"**{_msg('gradient', lang)}:** {gradient}", ""]
    lines.append(verification_line(bp.verification, lang))
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- LaTeX


def backprop_to_latex(bp: Backprop, lang: str = "en") -> str:
    r"""The node table as an ``array`` in ``\[ … \]`` and the steps as ``align*`` (amsmath)."""
    check_language(lang)
    symbols = _symbols(bp)
    out = symbols[bp.output]
    numeric = bp.at is not None

    def text(key: str) -> str:
        return r"\text{%s}" % escape_text(_msg(key, lang, output=bp.output))

    adjoint_head = r"\dfrac{\partial %s}{\partial\,\text{%s}}" % (
        teacher_latex(out),
        escape_text(_msg("node", lang)),
    )
    header = [text("node"), text("formula"), text("local"), adjoint_head]
    if numeric:
        header += [
            text("value"),
            adjoint_head + r"\ \text{(%s)}" % escape_text(_msg("value", lang)),
        ]
    rows = [" & ".join(header) + r" \\[4pt]", r"\hline"]
    for node in bp.nodes:
        edges = bp.edges_into(node.name)
        formula = text("input") if node.is_input else teacher_latex(node.formula)
        local = r",\; ".join(_local_latex(e, symbols) for e in edges)
        cells = [teacher_latex(node.symbol), formula, local, teacher_latex(node.adjoint)]
        if numeric:
            cells += [_number_latex(node.value), _number_latex(node.adjoint_value)]
        rows.append(" & ".join(cells) + r" \\[2pt]")
    columns = "l" * len(header)
    table = "\\[\n\\begin{array}{%s}\n%s\n\\end{array}\n\\]" % (columns, "\n".join(rows))
    steps = [row for step in bp.steps for row in _latex_step_rows(bp, step, lang)]
    gradient = [
        rf"{_latex_partial(out, sp.Symbol(v))} &= {teacher_latex(g)}"
        for v, g in bp.gradient.items()
    ]
    footer = escape_text(verification_line(bp.verification, lang, mark=False))
    body = [*steps, r"\text{%s:}" % escape_text(_msg("gradient", lang)), *gradient]
    align = (
        "\\begin{align*}\n" + " \\\\\n".join(body) + f" \\\\\n& \\text{{{footer}}}\n\\end{{align*}}"
    )
    return table + "\n" + align


def needed_nodes(bp: Backprop) -> set[str]:
    """The nodes on a path from a ``wrt`` input to the output: the only adjoints the
    gradient asked for needs."""
    needed = {v.name for v in bp.wrt}
    grew = True
    while grew:
        parents = {e.parent for e in bp.edges if e.child in needed}
        grew = not parents <= needed
        needed |= parents
    return needed


def backprop_key_latex(bp: Backprop, lang: str = "en") -> str:
    r"""The worked answer for a worksheet key, narrow enough for the page.

    The forward pass defines each intermediate node (``v_1 = w x``, with its value at the
    point), so every symbol of the backward pass is introduced; the backward pass works
    only the adjoints on the paths from the ``wrt`` inputs to the output.
    """
    check_language(lang)
    symbols = _symbols(bp)
    out = symbols[bp.output]
    needed = needed_nodes(bp)
    wrt = ", ".join(teacher_latex(v) for v in bp.wrt)

    def words(key: str) -> str:
        parts = escape_text(_msg(key, lang, output="\x00o", wrt="\x00w"))
        return parts.replace("\x00o", f"${teacher_latex(out)}$").replace("\x00w", f"${wrt}$")

    forward = []
    for node in bp.nodes:
        if node.is_input:
            continue
        row = f"{teacher_latex(node.symbol)} &= {teacher_latex(node.formula)}"
        if node.value is not None:
            row += f" {_latex_equals(node.value)}"
        forward.append(row)
    steps = [
        row for step in bp.steps if step.node in needed for row in _latex_step_rows(bp, step, lang)
    ]
    gradient = [
        rf"{_latex_partial(out, sp.Symbol(v))} &= {teacher_latex(g)}"
        for v, g in bp.gradient.items()
    ]
    footer = escape_text(verification_line(bp.verification, lang, mark=False))
    return "\n".join(
        [
            f"\\noindent {words('forward_key')}",
            "\\begin{align*}\n" + " \\\\\n".join(forward) + "\n\\end{align*}",
            f"\\noindent {words('backward_key')}",
            "\\begin{align*}\n"
            + " \\\\\n".join(
                [*steps, r"\text{%s:}" % escape_text(_msg("gradient", lang)), *gradient]
            )
            + f" \\\\\n& \\text{{{footer}}}\n\\end{{align*}}",
        ]
    )


# ----------------------------------------------------------------------------- Mermaid


def _mermaid_label(text: str) -> str:
    """Text for a quoted Mermaid label: quotes and markup characters as entity codes."""
    replacements = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "|": "#124;"}
    return "".join(replacements.get(ch, ch) for ch in text)


def _check_direction(direction: str) -> str:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    return direction


def _node_label(bp: Backprop, node: Node, direction: str) -> list[str]:
    if direction == "forward":
        parts = [node.name] if node.is_input else [f"{node.name} = {teacher_unicode(node.formula)}"]
        if node.value is not None:
            parts.append(_equals(node.value))
        return parts
    parts = [node.name, f"{_partial(bp.output, node.name)} = {teacher_unicode(node.adjoint)}"]
    if node.adjoint_value is not None:
        parts.append(_equals(node.adjoint_value))
    return parts


def _edge_label(edge: Edge) -> str:
    label = teacher_unicode(edge.local)
    if edge.value is not None and _plain_number(edge.value) != label:
        label += f" {_equals(edge.value)}"
    return label


def backprop_to_mermaid(bp: Backprop, direction: str = "forward") -> str:
    """A Mermaid flowchart: ``graph LR`` (forward) or ``graph RL`` (backward, local
    derivatives on the edges, ∂L/∂node in the nodes)."""
    _check_direction(direction)
    ids = {node.name: f"n{i}" for i, node in enumerate(bp.nodes)}
    lines = ["graph LR" if direction == "forward" else "graph RL"]
    for node in bp.nodes:
        label = "<br/>".join(_mermaid_label(p) for p in _node_label(bp, node, direction))
        lines.append(f'    {ids[node.name]}["{label}"]')
    for edge in bp.edges:
        if direction == "forward":
            lines.append(f"    {ids[edge.child]} --> {ids[edge.parent]}")
        else:
            label = _mermaid_label(_edge_label(edge))
            lines.append(f'    {ids[edge.parent]} -->|"{label}"| {ids[edge.child]}')
    lines.append("    classDef input fill:#e8f0fe,stroke:#4a6fa5")
    lines.append("    classDef output fill:#fde8e8,stroke:#a54a4a")
    inputs = ",".join(ids[n.name] for n in bp.nodes if n.is_input)
    if inputs:
        lines.append(f"    class {inputs} input")
    lines.append(f"    class {ids[bp.output]} output")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- DOT


def _dot_string(text: str) -> str:
    """A double-quoted DOT string; line breaks become centred ``\\n`` breaks."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def backprop_to_dot(bp: Backprop, direction: str = "forward") -> str:
    """A Graphviz digraph: nodes show their formula and adjoint, edges the local derivative.

    ``forward`` draws child → parent left to right; ``backward`` parent → child, right to left.
    """
    _check_direction(direction)
    forward = direction == "forward"
    lines = [
        "digraph backprop {",
        f"  rankdir={_dot_string('LR' if forward else 'RL')};",
        f"  node [shape={_dot_string('box')}, fontname={_dot_string('Helvetica')}];",
        f"  edge [fontname={_dot_string('Helvetica')}, fontsize=10];",
    ]
    for node in bp.nodes:
        parts = _node_label(bp, node, "forward") + _node_label(bp, node, "backward")[1:]
        label = "\n".join(parts)
        attrs = [f"label={_dot_string(label)}"]
        if node.is_input:
            attrs.append(f"shape={_dot_string('ellipse')}")
        if node.name == bp.output:
            attrs.append(f"peripheries={_dot_string('2')}")
        lines.append(f"  {_dot_string(node.name)} [{', '.join(attrs)}];")
    for edge in bp.edges:
        tail, head = (edge.child, edge.parent) if forward else (edge.parent, edge.child)
        label = _dot_string(_edge_label(edge))
        lines.append(f"  {_dot_string(tail)} -> {_dot_string(head)} [label={label}];")
    lines.append("}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- JSON


def _expr(expr: sp.Expr | None) -> dict[str, str] | None:
    if expr is None:
        return None
    return {"latex": teacher_latex(expr), "unicode": teacher_unicode(expr), "sympy": str(expr)}


def _num(value: sp.Expr | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"exact": str(value), "float": float(sp.N(value, 20)), "text": number_text(value)}


def backprop_to_dict(bp: Backprop) -> dict[str, Any]:
    """The graph, the backward pass and the gradient as plain data (``json.dumps`` takes it)."""
    values = bp.gradient_values
    book = load_rulebook()
    return {
        "schema": SCHEMA,
        "input": {"text": bp.source, **(_expr(bp.expr) or {})},
        "output": bp.output,
        "definitions": {name: _expr(f) for name, f in bp.definitions.items()},
        "wrt": [s.name for s in bp.wrt],
        "at": None if bp.at is None else {k: _num(v) for k, v in bp.at.items()},
        "nodes": [
            {
                "name": n.name,
                "kind": n.kind,
                "op": n.op,
                "defined": n.defined,
                "formula": _expr(n.formula),
                "named": _expr(n.named),
                "expr": _expr(n.expr),
                "children": list(n.children),
                "adjoint": _expr(n.adjoint),
                "value": _num(n.value),
                "adjoint_value": _num(n.adjoint_value),
            }
            for n in bp.nodes
        ],
        "edges": [
            {
                "parent": e.parent,
                "child": e.child,
                "local": _expr(e.local),
                "rule": e.rule,
                "rules": list(e.rules),
                "rule_name": {
                    lang: (book[e.rule].name(lang) if e.rule in book else e.rule)
                    for lang in LANGUAGES
                },
                "value": _num(e.value),
            }
            for e in bp.edges
        ],
        "steps": [
            {
                "node": s.node,
                "contributions": [
                    {
                        "parent": c.parent,
                        "local": _expr(c.local),
                        "local_named": _expr(c.local_named),
                        "adjoint": _expr(c.adjoint),
                        "term": _expr(c.term),
                        "value": _num(c.term_value),
                    }
                    for c in s.contributions
                ],
                "total": _expr(s.total),
                "simplified": _expr(s.simplified),
                "value": _num(s.value),
            }
            for s in bp.steps
        ],
        "adjoints": {name: _expr(a) for name, a in bp.adjoints.items()},
        "gradient": {
            name: {
                **(_expr(g) or {}),
                "in_inputs": _expr(bp.in_inputs(g)),
                "value": _num(values[name]) if values is not None else None,
            }
            for name, g in bp.gradient.items()
        },
        "verification": bp.verification.to_dict(),
    }
