"""The LaTeX translator: the item tree into a SymPy expression.

Every atom (group, function argument, fraction part, exponent) is read here; only the
flat skeleton of placeholders and operators at one bracket level goes to the library,
which settles operator precedence. ``_parse_latex`` is the LaTeX front end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

import sympy as sp

from symderiv.errors import ParseError
from symderiv.parsing.checks import _check_nesting
from symderiv.parsing.failures import _error, _first_line, _is_foreign_error, _Refusal
from symderiv.parsing.labels import _split_equation, _stray_differential
from symderiv.parsing.latex_lexer import _LatexTokenizer, _strip_wrappers
from symderiv.parsing.latex_tree import (
    _build_tree,
    _Group,
    _is_cmd,
    _is_d,
    _is_name,
    _is_op,
    _item_pos,
)
from symderiv.parsing.lexer import _Name, _Tok
from symderiv.parsing.library import _library_error_position, _run_library
from symderiv.parsing.limits import (
    _MAX_LATEX_NESTING,
    _MAX_LIBRARY_OPERATORS,
    MAX_DERIVATIVE_ORDER,
    MAX_LATEX_DEPTH,
    _bounded,
    _divide,
    _is_zero_literal,
    _power,
)
from symderiv.parsing.names import (
    _FUNCS,
    _GREEK,
    _LETTER_FUNCTIONS,
    _SUBSCRIPTED,
    _apply,
    _apply_letter,
    _apply_power,
    _apply_subscripted,
    _build_sqrt,
    _Func,
)

# What separates arguments in a call: SymPy writes \Pi\left(n; x\middle| m\right).
_ARGUMENT_SEPARATORS = (",", ";", "\\middle|")


@dataclass
class _Part:
    """One element of the arithmetic skeleton handed to the library."""

    kind: str  # "val", "op" or "juxt"
    pos: int
    value: Any = None


class _LatexTranslator:
    """Turns the LaTeX item tree into a SymPy expression."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.depth = 0

    def fail(self, message: str, position: int | None) -> NoReturn:
        """Raise a ParseError about this text."""
        _error(message, self.text, position)

    @contextmanager
    def nest(self, position: int) -> Iterator[None]:
        """Count one level of nesting; refuse past ``_MAX_LATEX_NESTING``."""
        self.depth += 1
        if self.depth > _MAX_LATEX_NESTING:
            self.fail("expression is nested too deeply", position)
        try:
            yield
        finally:
            self.depth -= 1

    def guarded(self, position: int | None, build: Callable[..., sp.Expr], *args: Any) -> sp.Expr:
        """Run a builder, turning a refusal into a ParseError at ``position``."""
        try:
            return build(*args)
        except _Refusal as refusal:
            self.fail(str(refusal), position)

    # -- sequences -----------------------------------------------------------------

    def expr(self, items: list[Any], pos: int) -> sp.Expr:
        """A whole expression: our atoms, joined by the library's operator precedence."""
        if not items:
            self.fail("empty expression", pos)
        with self.nest(pos):
            parts = self.sequence(items)
        if len(parts) == 1:
            return parts[0].value
        return self.combine(parts)

    def sequence(self, items: list[Any]) -> list[_Part]:
        """Check operand/operator order and build each atom; return the skeleton."""
        parts: list[_Part] = []
        expect_operand, after_division, division_at = True, False, 0
        i = 0
        while i < len(items):
            item = items[i]
            if _is_op(item, "+", "-"):
                after_division = after_division and expect_operand
                parts.append(_Part("op", item.pos, item.text))
                expect_operand, i = True, i + 1
                continue
            if _is_op(item, "*", "/"):
                if expect_operand:
                    self.fail(f"missing operand before '{item.text}'", item.pos)
                parts.append(_Part("op", item.pos, item.text))
                after_division, division_at = item.text == "/", item.pos
                expect_operand, i = True, i + 1
                continue
            if isinstance(item, _Tok) and item.kind == "op":
                self.operator_error(item)
            if not expect_operand:
                if isinstance(item, _Tok) and item.kind == "num" and not _spaced_number(items, i):
                    self.fail("a number cannot follow a factor directly; use \\cdot", item.pos)
                if after_division:
                    self.fail(
                        "ambiguous implicit product after '/': use \\frac{a}{b} or brackets",
                        _item_pos(item),
                    )
                parts.append(_Part("juxt", _item_pos(item)))
            value, i = self.atom(items, i)
            after_slash = parts and parts[-1].kind == "op" and parts[-1].value == "/"
            if after_slash and _is_zero_literal(value):
                self.fail("division by zero", division_at)
            parts.append(_Part("val", _item_pos(item), value))
            expect_operand = False
        if expect_operand:
            last = parts[-1] if parts else None
            if last is None:
                self.fail("empty expression", None)
            self.fail(f"expression ends after '{last.value}'", last.pos)
        return parts

    def operator_error(self, tok: _Tok) -> NoReturn:
        """Explain an operator token that cannot appear where it is."""
        messages = {
            "^": "missing base before '^'",
            "_": "'_' must follow a letter directly, as in w_1",
            "=": "unexpected '='",
            ",": "unexpected ','",
            "'": "primes are only understood in an answer label like f'(x) = ...",
            "!": "factorials are not supported",
        }
        self.fail(messages.get(tok.text, f"unexpected '{tok.text}'"), tok.pos)

    def combine(self, parts: list[_Part]) -> sp.Expr:
        """Hand the skeleton to latex2sympy2_extended and rebuild its answer safely."""
        operators = sum(part.kind != "val" for part in parts)
        if operators > _MAX_LIBRARY_OPERATORS:
            self.fail(
                f"more than {_MAX_LIBRARY_OPERATORS} operators at one bracket level;"
                " group some terms in brackets",
                parts[0].pos,
            )
        values: dict[str, _Part] = {}
        chunks: list[tuple[str, int]] = []
        for part in parts:
            if part.kind == "val":
                name = f"P{len(values)}"
                values[name] = part
                chunks.append((rf"\variable{{{name}}}", part.pos))
            elif part.kind == "op":
                chunks.append(({"*": r"\cdot ", "/": "/"}.get(part.value, part.value), part.pos))
            else:
                chunks.append((" ", part.pos))
        latex = "".join(chunk for chunk, _ in chunks)
        try:
            raw = _run_library(latex)
        except ParseError:
            raise
        except Exception as exc:
            if not _is_foreign_error(exc):
                raise
            self.fail(
                f"the LaTeX reader could not combine these terms ({_first_line(exc)})",
                _library_error_position(exc, chunks),
            )
        return self.rebuild(raw, values)

    def rebuild(self, node: Any, values: dict[str, _Part]) -> sp.Expr:
        """Rebuild the library's unevaluated skeleton from our values (allow-listed)."""
        if isinstance(node, sp.Symbol) and node.name in values:
            return values[node.name].value
        if isinstance(node, sp.Integer):
            return node
        if isinstance(node, sp.Add):
            total = sp.Add(*(self.rebuild(arg, values) for arg in node.args))
            return self.guarded(_where(node, values), _bounded, total)
        if isinstance(node, sp.Mul):
            value: sp.Expr = sp.Integer(1)
            for arg in node.args:
                at = _where(arg, values)
                if isinstance(arg, sp.Pow) and arg.exp == -1:
                    value = self.guarded(at, _divide, value, self.rebuild(arg.base, values))
                else:
                    value = self.guarded(at, _bounded, value * self.rebuild(arg, values))
            return value
        if isinstance(node, sp.Pow) and node.exp == -1:
            return self.guarded(None, _divide, sp.Integer(1), self.rebuild(node.base, values))
        self.fail(f"unexpected {type(node).__name__} from the LaTeX reader", None)

    # -- atoms ---------------------------------------------------------------------

    def atom(self, items: list[Any], i: int) -> tuple[sp.Expr, int]:
        """One operand with its superscript: number, name, group, function, fraction..."""
        item = items[i]
        if isinstance(item, _Group):
            value, i = self.group(item), i + 1
        elif item.kind == "num":
            value, i = item.value, i + 1
        elif item.kind == "name" and item.value.kind == "func":
            value, i = self.function(items, i)
        elif item.kind == "name":
            value, i = self.name(items, i)
        elif _is_cmd(item, "frac"):
            value, i = self.fraction(items, i)
        elif _is_cmd(item, "sqrt"):
            value, i = self.root(items, i)
        elif _is_cmd(item, "partial"):
            self.fail(r"\partial is only understood in \frac{\partial}{\partial x}", item.pos)
        else:
            self.operator_error(item)
        return self.postfix(items, i, value)

    def postfix(self, items: list[Any], i: int, value: sp.Expr) -> tuple[sp.Expr, int]:
        """Apply a following ``^...``; refuse double superscripts, stray '_' and primes."""
        if i < len(items) and _is_op(items[i], "^"):
            caret = items[i]
            exponent, i = self.script(items, i, "superscript")
            value = self.guarded(caret.pos, _power, value, exponent)
            if i < len(items) and _is_op(items[i], "^"):
                self.fail("double superscript: use braces, as in x^{a^{b}}", items[i].pos)
        if i < len(items) and _is_op(items[i], "_"):
            self.fail("subscripts go directly on a letter, before any superscript", items[i].pos)
        return value, i

    def script(self, items: list[Any], i: int, what: str) -> tuple[sp.Expr, int]:
        """The value after ``^`` (or ``_`` for a log base) at ``items[i]``."""
        marker = items[i]
        if i + 1 >= len(items):
            self.fail(f"missing {what} after '{marker.text}'", marker.pos)
        item = items[i + 1]
        if isinstance(item, _Group) and item.kind in "{(":
            return self.expr(item.items, item.pos), i + 2
        if isinstance(item, _Tok) and item.kind == "num":
            if len(item.text) != 1:
                self.fail(f"ambiguous {what}: put it in braces, like x^{{{item.text}}}", item.pos)
            return item.value, i + 2
        if _is_name(item, "sym", "const"):
            if item.value.kind == "sym" and len(item.text) > 1 and item.text not in _GREEK:
                self.fail(f"ambiguous {what}: put it in braces, like x^{{{item.text}}}", item.pos)
            return self.symbol_value(item), i + 2
        if _is_op(item, "-", "+"):
            self.fail(f"a signed {what} needs braces, like x^{{-1}}", item.pos)
        self.fail(f"missing {what} after '{marker.text}' (use braces)", marker.pos)

    @staticmethod
    def symbol_value(tok: _Tok) -> sp.Expr:
        """The value of a symbol or constant token."""
        return tok.value.value if tok.value.kind == "const" else sp.Symbol(tok.value.name)

    def group(self, group: _Group) -> sp.Expr:
        """A bracketed group read on its own (so the library never sees nesting)."""
        if not group.items:
            self.fail("empty brackets", group.pos)
        value = self.expr(group.items, group.pos)
        return sp.Abs(value) if group.kind == "|" else value

    def name(self, items: list[Any], i: int) -> tuple[sp.Expr, int]:
        """A symbol (with subscript), a constant, or f(x) / \\sigma(x)."""
        tok = items[i]
        meaning: _Name = tok.value
        call = self.letter_call(items, i)
        if call is not None:
            return call
        after = items[i + 1] if i + 1 < len(items) else None
        if _is_op(after, "_") and not after.space:
            return sp.Symbol(f"{tok.text}_{self.subscript(items, i + 1)}"), i + 3
        if meaning.kind == "const":
            return meaning.value, i + 1
        if meaning.callable and isinstance(after, _Group) and after.kind == "(" and not after.space:
            args = self.call_args(after)
            if meaning.name in _FUNCS:
                return self.guarded(tok.pos, _apply, _FUNCS[meaning.name], args), i + 2
            return sp.Function(meaning.name)(*args), i + 2
        return sp.Symbol(meaning.name), i + 1

    def letter_call(self, items: list[Any], i: int) -> tuple[sp.Expr, int] | None:
        r"""SymPy's calls of letter-named functions, or None if ``items[i]`` starts none.

        ``W\left(x\right)`` (LambertW), ``J_{1}\left(x\right)`` (besselj),
        ``F\left(x\middle| m\right)``, ``\Gamma^{2}\left(x\right)``, ``f{\left(x \right)}``:
        a letter function needs ``\left(`` right after the name and its scripts (SymPy's
        form; ``W(x)`` stays a product), a callable name (``\Gamma``, ``f``) any ``(``; SymPy
        may wrap the call in braces (``f^{2}{\left(x \right)}``).
        """
        tok = items[i]
        letter = _LETTER_FUNCTIONS.get(tok.text)
        if letter is None and not tok.value.callable:
            return None
        scripts: dict[str, int] = {}
        j = i + 1
        while j + 1 < len(items) and _is_op(items[j], "^", "_") and items[j].text not in scripts:
            scripts[items[j].text], j = j, j + 2
        call = _call_group(items[j] if j < len(items) else None)
        if call is None or (letter is not None and not self.text.startswith("\\left", call.pos)):
            return None
        braced = call is not items[j]
        if letter is None and ("_" in scripts or not (scripts or braced)):
            return None  # \sigma_1 is a symbol; \Gamma(x) takes the usual callable path
        with self.nest(tok.pos):
            index = None
            if "_" in scripts:
                index, _ = self.script(items, scripts["_"], "subscript")
            args = self.call_args(call)
            if letter is not None:
                value = self.guarded(tok.pos, _apply_letter, letter, index, args)
            elif tok.value.name in _FUNCS:
                value = self.guarded(tok.pos, _apply, _FUNCS[tok.value.name], args)
            else:
                value = sp.Function(tok.value.name)(*args)
            if "^" in scripts:
                power, _ = self.script(items, scripts["^"], "power")
                value = self.guarded(items[scripts["^"]].pos, _power, value, power)
        return value, j + 1

    def subscript(self, items: list[Any], i: int) -> str:
        """The subscript after ``items[i]`` (an '_'): a digit, a letter, or ``{...}``."""
        underscore = items[i]
        item = items[i + 1] if i + 1 < len(items) else None
        if isinstance(item, _Tok) and item.kind == "num" and item.text.isdigit():
            if len(item.text) > 1:
                self.fail(f"ambiguous subscript: write _{{{item.text}}}", item.pos)
            return item.text
        if _is_name(item, "sym", "const") and (len(item.text) == 1 or item.text in _GREEK):
            return item.text
        if isinstance(item, _Group) and item.kind == "{" and item.items:
            parts = []
            for sub in item.items:
                digits = isinstance(sub, _Tok) and sub.kind == "num" and sub.text.isdigit()
                if digits or _is_name(sub, "sym", "const"):
                    parts.append(sub.text)
                else:
                    self.fail("a subscript must be letters or digits", _item_pos(sub))
            return "".join(parts)
        self.fail("'_' must be followed by a digit, a letter or {...}", underscore.pos)

    def call_args(self, group: _Group) -> list[sp.Expr]:
        """Comma-separated arguments inside a bracket group."""
        if not group.items:
            self.fail("a function needs an argument", group.pos)
        args, current, start = [], [], group.pos
        for item in group.items:
            if _is_op(item, *_ARGUMENT_SEPARATORS):
                args.append(self.expr(current, start))
                current, start = [], item.pos
            else:
                current.append(item)
        args.append(self.expr(current, start))
        return args

    def function(self, items: list[Any], i: int) -> tuple[sp.Expr, int]:
        r"""``\sin^2 x``, ``\log_2(x)``, ``\exp{x}``, ``\ln x`` ... with argument scoping.

        Also SymPy's forms: ``\sin^{\frac{3}{2}}{\left(x \right)}`` (any positive power),
        ``\operatorname{Li}_{2}\left(x\right)``, ``\operatorname{atan}_{2}{\left(y,x \right)}``.
        """
        tok = items[i]
        spec: _Func = tok.value.func
        power: sp.Expr | None = None
        base: sp.Expr | None = None
        index: sp.Expr | None = None
        with self.nest(tok.pos):
            j = i + 1
            while j < len(items) and _is_op(items[j], "^", "_"):
                mark = items[j]
                if mark.text == "_" and spec.name == "log" and base is None:
                    base, j = self.script(items, j, "log base")
                elif mark.text == "_" and tok.text in _SUBSCRIPTED and index is None:
                    index, j = self.script(items, j, "subscript")
                elif mark.text == "^" and power is None:
                    power, j = self.function_power(items, j)
                else:
                    self.fail(f"unexpected '{mark.text}' after {tok.text}", mark.pos)
            after = items[j] if j < len(items) else None
            if isinstance(after, _Group) and after.kind in "([":
                args, j = self.call_args(after), j + 1
            elif isinstance(after, _Group) and after.kind == "{":
                args, j = self.braced_args(after), j + 1
            else:
                arg, j = self.bare_argument(items, j, tok)
                args = [arg]
            if base is not None:
                if len(args) != 1:
                    self.fail("\\log_b takes one argument", tok.pos)
                args.append(base)
            if index is not None:
                value = self.guarded(tok.pos, _apply_subscripted, tok.text, index, args)
            else:
                value = self.guarded(tok.pos, _apply, spec, args)
            if power is not None:
                value = self.guarded(tok.pos, _apply_power, spec, value, args, power)
        return value, j

    def braced_args(self, group: _Group) -> list[sp.Expr]:
        r"""``{x}``, or SymPy's ``{\left(2,x \right)}``: a brace group around a call."""
        inner = group.items
        if len(inner) == 1 and isinstance(inner[0], _Group) and inner[0].kind == "(":
            return self.call_args(inner[0])
        return [self.group(group)]

    def function_power(self, items: list[Any], i: int) -> tuple[sp.Expr, int]:
        r"""The power in ``\sin^2``, ``\sin^{2}``, ``\sin^{\frac{3}{2}}`` or ``\sin^{-1}``."""
        return self.script(items, i, "power")

    def starts_function(self, items: list[Any], j: int) -> bool:
        """Does ``items[j]`` begin a function application or a derivative operator?"""
        item = items[j]
        if _is_name(item, "func"):
            return True
        if _is_name(item, "sym") and item.value.callable and j + 1 < len(items):
            after = items[j + 1]
            return isinstance(after, _Group) and after.kind == "(" and not after.space
        return _is_cmd(item, "frac") and self.derivative_operator(items, j) is not None

    def bare_argument(self, items: list[Any], j: int, func: _Tok) -> tuple[sp.Expr, int]:
        r"""The implicit product after ``\sin`` in ``\sin 2x``; stops at operators or a function."""
        negative = False
        if j < len(items) and _is_op(items[j], "+", "-"):
            negative, j = items[j].text == "-", j + 1
        factors: list[sp.Expr] = []
        while j < len(items):
            item = items[j]
            if isinstance(item, _Tok) and item.kind == "op":
                break
            if factors and self.starts_function(items, j):
                break
            if factors and isinstance(item, _Tok) and item.kind == "num":
                self.fail("a number cannot follow a factor directly; use \\cdot", item.pos)
            value, j = self.atom(items, j)
            factors.append(value)
        if not factors:
            self.fail(f"\\{func.text} needs an argument", func.end)
        value = sp.Mul(*factors)
        return (-value if negative else value), j

    def tex_argument(self, items: list[Any], j: int, owner: _Tok) -> tuple[list[Any], int]:
        r"""One TeX argument of ``\frac``/``\sqrt``: a ``{group}`` or a single token."""
        if j >= len(items):
            self.fail(f"\\{owner.text} is missing an argument", owner.pos)
        item = items[j]
        if isinstance(item, _Group) and item.kind == "{":
            return item.items, j + 1
        if isinstance(item, _Tok) and item.kind == "num" and item.text.isdigit():
            if len(item.text) > 1:  # TeX reads \frac12 as \frac{1}{2}
                first = _Tok("num", item.text[0], item.pos, item.pos + 1,
                             sp.Integer(int(item.text[0])), item.space)  # fmt: skip
                rest = _Tok("num", item.text[1:], item.pos + 1, item.end,
                            sp.Integer(int(item.text[1:])))  # fmt: skip
                items[j : j + 1] = [first, rest]
                item = first
            return [item], j + 1
        if _is_name(item, "sym", "const"):
            return [item], j + 1
        self.fail(f"put the argument of \\{owner.text} in braces", _item_pos(item))

    def fraction(self, items: list[Any], i: int) -> tuple[sp.Expr, int]:
        r"""``\frac{a}{b}``, or a derivative ``\frac{d}{dx}``, ``\frac{dy}{dx}``."""
        tok = items[i]
        operator = self.derivative_operator(items, i)
        if operator is not None:
            return self.apply_derivative(items, *operator)
        with self.nest(tok.pos):
            top, j = self.tex_argument(items, i + 1, tok)
            bottom, j = self.tex_argument(items, j, tok)
            numerator = self.expr(top, tok.pos)
            denominator = self.expr(bottom, tok.pos)
        return self.guarded(tok.pos, _divide, numerator, denominator), j

    def derivative_operator(
        self, items: list[Any], i: int
    ) -> tuple[int, list[Any], sp.Symbol, int, int] | None:
        r"""Match ``\frac{d^n ...}{dx^n}``: (pos, target items, variable, order, next index)."""
        if i + 2 >= len(items):
            return None
        top, bottom = items[i + 1], items[i + 2]
        if not (isinstance(top, _Group) and isinstance(bottom, _Group)):
            return None
        if top.kind != "{" or bottom.kind != "{" or not top.items or not _is_d(top.items[0]):
            return None
        order, rest = self.order_after(top.items, 1)
        if order is None or (rest < len(top.items) and _is_op(top.items[rest], *"+-*/=,")):
            return None
        found = self.differential(bottom.items)
        if found is None:
            return None
        var, bottom_order = found
        if bottom_order != order:
            self.fail("the orders in \\frac{d^n}{dx^n} must match", bottom.pos)
        if not 1 <= order <= MAX_DERIVATIVE_ORDER:
            self.fail(f"derivative order must be 1 to {MAX_DERIVATIVE_ORDER}", top.pos)
        return items[i].pos, top.items[rest:], var, order, i + 3

    def order_after(self, items: list[Any], k: int) -> tuple[int | None, int]:
        """Read an optional ``^n`` at ``items[k]``: (order, next index); order None if bad."""
        if k < len(items) and _is_op(items[k], "^"):
            if k + 1 >= len(items):
                return None, k
            item = items[k + 1]
            if isinstance(item, _Group) and item.kind == "{" and len(item.items) == 1:
                item = item.items[0]
            if isinstance(item, _Tok) and item.kind == "num" and item.value.is_Integer:
                return int(item.value), k + 2
            return None, k
        return 1, k

    def differential(self, items: list[Any]) -> tuple[sp.Symbol, int | None] | None:
        """Match a whole denominator ``dx``, ``dx^2``, ``dw_1``, ``\\partial x``."""
        if len(items) < 2 or not _is_d(items[0]) or not _is_name(items[1], "sym"):
            return None
        name, k = items[1].value.name, 2
        if k < len(items) and _is_op(items[k], "_"):
            name, k = f"{name}_{self.subscript(items, k)}", k + 2
        order, k = self.order_after(items, k)
        if k != len(items):
            return None
        return sp.Symbol(name), order

    def apply_derivative(
        self, items: list[Any], pos: int, target: list[Any], var: sp.Symbol, order: int, j: int
    ) -> tuple[sp.Expr, int]:
        """Build ``Derivative`` of the numerator's rest, a bracket group or the term's rest."""
        with self.nest(pos):
            if target:
                return sp.Derivative(self.expr(target, pos), (var, order)), j
            if j < len(items) and isinstance(items[j], _Group) and items[j].kind in "([":
                return sp.Derivative(self.group(items[j]), (var, order)), j + 1
            k = j
            if k < len(items) and _is_op(items[k], "+", "-"):
                k += 1
            while k < len(items) and not _is_op(items[k], "+", "-", "=", ","):
                k += 1
            if k == j:
                self.fail("d/dx needs something to differentiate", pos)
            return sp.Derivative(self.expr(items[j:k], pos), (var, order)), k

    def root(self, items: list[Any], i: int) -> tuple[sp.Expr, int]:
        r"""``\sqrt{x}``, ``\sqrt[n]{x}``, ``\sqrt x`` (also ``\sqrt(x)``)."""
        tok = items[i]
        j, index = i + 1, None
        with self.nest(tok.pos):
            if j < len(items) and isinstance(items[j], _Group) and items[j].kind == "[":
                index, j = self.group(items[j]), j + 1
            if j < len(items) and isinstance(items[j], _Group) and items[j].kind == "(":
                radicand, j = self.group(items[j]), j + 1
            else:
                inner, j = self.tex_argument(items, j, tok)
                radicand = self.expr(inner, tok.pos)
            if index is None:
                return self.guarded(tok.pos, _build_sqrt, radicand), j
            exponent = self.guarded(tok.pos, _divide, sp.Integer(1), index)
            return self.guarded(tok.pos, _power, radicand, exponent), j


def _call_group(item: Any) -> _Group | None:
    """The ``(`` group of a call right after a name: ``(x)``, or SymPy's ``{\\left(x \\right)}``."""
    if not isinstance(item, _Group) or item.space:
        return None
    if item.kind == "(":
        return item
    inner = item.items
    if item.kind == "{" and len(inner) == 1 and isinstance(inner[0], _Group):
        return inner[0] if inner[0].kind == "(" else None
    return None


def _where(node: sp.Basic, values: dict[str, _Part]) -> int | None:
    """Where the part of the skeleton ``node`` starts in the text (its first placeholder)."""
    found = [values[s.name].pos for s in node.free_symbols if s.name in values]
    return min(found, default=None)


def _spaced_number(items: list[Any], i: int) -> bool:
    """A number after a factor and a space is a product (``x 2^{x-1}``), unless the factor
    before is a number too (``1 000`` may be a digit group)."""
    previous = items[i - 1]
    return items[i].space and not (isinstance(previous, _Tok) and previous.kind == "num")


def _parse_latex(text: str, *, equation: bool) -> list[sp.Expr]:
    """LaTeX front end: wrappers, nesting bound, tokens, '=' handling, translation."""
    start, end = _strip_wrappers(text)
    _check_nesting(text, start, end, "{([", "})]", MAX_LATEX_DEPTH)
    tokens = _LatexTokenizer(text, start, end).run()
    results = []
    for run, run_end in _split_equation(text, tokens, start, end, equation=equation):
        items = _build_tree(text, run, run_end)
        stray = _stray_differential(items)
        if stray is not None:
            _error(f"stray differential d{items[-1].text}", text, stray.pos)
        results.append(_LatexTranslator(text).expr(items, start))
    return results
