r"""Break long equations of an answer key so they fit the page.

LaTeX cannot break a line of an ``align*`` row, so a row wider than the text is cut into
several at its top-level ``+`` and ``-`` signs (never inside braces or a ``\left … \right``
pair); a left side that alone is too wide gets its own row, and its outer ``\left[ … \right]``
becomes ``\bigl[ … \bigr]`` so it may be cut too. Widths are estimated from the LaTeX
source in "units" of about one letter.
"""

from __future__ import annotations

import re

#: Units that fit on a row of a solution box (A4, 2.2 cm margins, ``\small``).
ROW_UNITS = 58.0

_COMMAND = re.compile(r"\\([A-Za-z]+|.)")
_ZERO = {"left", "right", "displaystyle", "small", "footnotesize", "bigl", "bigr", "Bigl", "Bigr"}
_WIDE = {"quad": 2.0, "qquad": 4.0, ",": 0.3, " ": 0.5, ";": 0.5, "!": 0.0}


def _group(text: str, start: int) -> tuple[str, int]:
    """The ``{…}`` group opening at ``text[start]`` and the index after it."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{" and (index == 0 or text[index - 1] != "\\"):
            depth += 1
        elif text[index] == "}" and text[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index], index + 1
    return text[start + 1 :], len(text)


def math_width(latex: str) -> float:
    """Estimated width of a formula, in units of about one letter."""
    width, index = 0.0, 0
    while index < len(latex):
        ch = latex[index]
        if ch == "\\":
            match = _COMMAND.match(latex, index)
            assert match is not None
            name = match.group(1)
            index = match.end()
            if name in ("frac", "dfrac") and index < len(latex) and latex[index] == "{":
                top, index = _group(latex, index)
                bottom, index = _group(latex, index) if index < len(latex) else ("", index)
                width += max(math_width(top), math_width(bottom)) + 0.6
            elif name == "text" and index < len(latex) and latex[index] == "{":
                inner, index = _group(latex, index)
                width += 0.9 * len(inner)
            elif name in _ZERO:
                continue
            else:
                width += _WIDE.get(name, 1.2)
        elif ch in "^_":
            index += 1
            if index < len(latex) and latex[index] == "{":
                inner, index = _group(latex, index)
            else:
                inner, index = latex[index : index + 1], index + 1
            width += 0.7 * math_width(inner)
        elif ch in "{} &":
            index += 1
        elif ch in "+-=<>":
            width += 2.0
            index += 1
        else:
            width += 1.0
            index += 1
    return width


def _cuts(latex: str, signs: str = "+-") -> list[int]:
    """Positions of the ``signs`` outside braces and ``\\left … \\right`` pairs (a space
    among the signs: the spaces between the factors of a product)."""
    cuts, depth, index = [], 0, 0
    while index < len(latex):
        if latex.startswith("\\left", index) and not latex.startswith("\\leftarrow", index):
            depth += 1
            index += 5
            continue
        if latex.startswith("\\right", index) and not latex.startswith("\\rightarrow", index):
            depth -= 1
            index += 6
            continue
        ch = latex[index]
        if ch == "\\":
            index += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == " " and ch in signs and depth == 0 and 0 < index < len(latex) - 1:
            if latex[index - 1] not in "+-=" and latex[index + 1] not in "+-=":
                cuts.append(index)
        elif ch in signs and depth == 0 and latex[index - 1 : index] == " " and index > 1:
            cuts.append(index)
        index += 1
    return cuts


def _pack(latex: str, cuts: list[int], units: float) -> list[str]:
    pieces: list[str] = []
    start = 0
    last_fit: int | None = None
    for cut in [*cuts, len(latex)]:
        if math_width(latex[start:cut]) > units and last_fit is not None and last_fit > start:
            pieces.append(latex[start:last_fit].strip())
            start = last_fit
        last_fit = cut
    pieces.append(latex[start:].strip())
    return [p for p in pieces if p]


_FRACTION = re.compile(r"(?P<sign>[+-] )?\\frac\{")


def _split_product(piece: str, units: float) -> list[str]:
    r"""A too-wide ``± \frac{A}{B}`` as ``± \frac{1}{B}`` times A, cut between A's factors
    (continued with ``\cdot``); any other piece unchanged."""
    match = _FRACTION.match(piece)
    if match is None:
        return [piece]
    top, end = _group(piece, match.end() - 1)
    bottom, end = _group(piece, end) if end < len(piece) else ("", end)
    if end != len(piece) or not bottom or math_width(bottom) > units / 2:
        return [piece]
    sign = match.group("sign") or ""
    factors = _pack(top, _cuts(top, " "), units - 6)
    if len(factors) < 2:
        return [piece]
    head = f"{sign}\\frac{{1}}{{{bottom}}} {factors[0]}"
    return [head, *(f"\\cdot {f}" for f in factors[1:])]


def _split_factors(piece: str, units: float) -> list[str]:
    r"""A too-wide ``± A B C`` (a product) cut between its top-level factors, each row
    after the first continued with ``\cdot``."""
    sign, body = (piece[:2], piece[2:]) if piece[:2] in ("+ ", "- ") else ("", piece)
    factors = _pack(body, _cuts(body, " "), units - 6)
    if len(factors) < 2:
        return [piece]
    for i in range(len(factors) - 1):  # a \cdot left at the end of a row opens the next
        if factors[i].endswith("\\cdot"):
            factors[i] = factors[i][: -len("\\cdot")].rstrip()
    rest = [f if f.startswith("\\cdot") else f"\\cdot {f}" for f in factors[1:]]
    return [sign + factors[0], *rest]


def split_sum(latex: str, units: float = ROW_UNITS) -> list[str]:
    """``latex`` cut at top-level signs into pieces of at most ``units`` (when it can be);
    a fraction still too wide is cut between the factors of its numerator, and any other
    product between its factors."""
    out: list[str] = []
    for piece in _pack(latex, _cuts(latex), units):
        if math_width(piece) <= units:
            out.append(piece)
            continue
        parts = _split_product(piece, units)
        out.extend(_split_factors(piece, units) if parts == [piece] else parts)
    return out


def _loosen(latex: str) -> str:
    r"""The outer ``\left[ … \right]`` (or parentheses) of ``latex`` as ``\bigl … \bigr``."""
    for opening, closing in (("\\left[", "\\right]"), ("\\left(", "\\right)")):
        start = latex.find(opening)
        end = latex.rfind(closing)
        if start >= 0 and end > start:
            return (
                latex[:start]
                + "\\bigl"
                + opening[5:]
                + latex[start + len(opening) : end]
                + "\\bigr"
                + closing[6:]
                + latex[end + len(closing) :]
            )
    return latex


def break_row(row: str, units: float = ROW_UNITS) -> list[str]:
    """One ``align*`` row (``lhs &= rhs`` or ``&= rhs``) as rows that fit ``units``."""
    if math_width(row) <= units:
        return [row]
    lhs, sep, rhs = row.partition("&=")
    if not sep:
        return [row]
    rows: list[str] = []
    if math_width(lhs) > units / 3:
        head = split_sum(_loosen(lhs.strip()), units - 4) if math_width(lhs) > units else [lhs]
        rows.append(f"& {head[0].strip()}")
        rows.extend(f"&\\qquad {piece}" for piece in head[1:])
        lhs = ""
    pieces = split_sum(rhs.strip(), units - math_width(lhs) - 4)
    rows.append(f"{lhs.rstrip()} &= {pieces[0]}")
    rows.extend(f"&\\qquad {piece}" for piece in pieces[1:])
    return rows


def fit_align(latex: str, units: float = ROW_UNITS) -> str:
    """Every ``align*`` environment of ``latex`` with its long rows broken.

    The text rows that end an environment (``& \\text{…}``: what was held constant, the
    numeric check) leave it and follow as a small paragraph, which can wrap.
    """

    def fit(match: re.Match[str]) -> str:
        rows = match.group(2).split(" \\\\\n")
        notes: list[str] = []
        while len(rows) > 1 and (text := re.fullmatch(r"\s*& \\text\{(.*)\}\s*", rows[-1], re.S)):
            notes.insert(0, text.group(1))
            rows.pop()
        left = math_width(rows[0].partition("&")[0])
        left = 0.0 if left > units / 3 else left
        broken: list[str] = []
        for index, row in enumerate(rows):
            has_lhs = row.partition("&")[0].strip() != ""
            broken.extend(break_row(row, units if has_lhs or index == 0 else units - left))
        body = match.group(1) + " \\\\\n".join(broken) + match.group(3)
        if notes:
            body += "\n\\par{\\footnotesize\\noindent " + "; ".join(notes) + "\\par}"
        return body

    pattern = r"(\\begin\{align\*\}\n)(.*?)(\n\\end\{align\*\})"
    return re.sub(pattern, fit, latex, flags=re.S)


#: Units an inline answer may take: the row less the "Answer:" label before it.
ANSWER_UNITS = ROW_UNITS - 10


def display_answer(latex: str, units: float = ANSWER_UNITS) -> str:
    """An answer (``lhs = rhs``, or items joined by ``,\\quad``): inline when it fits, else
    an ``align*`` with one item per row and long sums broken."""
    if math_width(latex) <= units:
        return f"$\\displaystyle {latex}$"
    rows: list[str] = []
    for item in latex.split(r",\quad "):
        lhs, sep, rhs = item.partition(" = ")
        rows.extend(break_row(f"{lhs} &= {rhs}", units) if sep else [f"& {item}"])
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"
