"""The plain-text parser: recursive descent over plain-text tokens.

Builds SymPy objects directly from SymPy classes (never from strings), following the
plain-text conventions in the package docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import sympy as sp

from symderiv.parsing.checks import _check_nesting
from symderiv.parsing.failures import _error, _Refusal
from symderiv.parsing.labels import _split_equation, _stray_differential
from symderiv.parsing.lexer import _Name, _Tok, _tokenize_plain
from symderiv.parsing.limits import (
    _MAX_NESTING,
    MAX_DEPTH,
    MAX_DERIVATIVE_ORDER,
    _bounded,
    _divide,
    _power,
)
from symderiv.parsing.names import _FUNCS, _apply, _apply_power, _Func


class _PlainParser:
    """Recursive-descent parser over plain-text tokens; builds SymPy objects directly."""

    def __init__(self, text: str, tokens: list[_Tok], end: int) -> None:
        self.text = text
        self.toks = [*tokens, _Tok("end", "", end, end)]
        self.i = 0
        self.depth = 0
        self.ctx: list[str] = []

    # -- helpers ------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> _Tok:
        """The token ``ahead`` places on (the end token if past it)."""
        return self.toks[min(self.i + ahead, len(self.toks) - 1)]

    def at(self, index: int) -> _Tok:
        """The token at absolute ``index`` (the end token if past it)."""
        return self.toks[min(index, len(self.toks) - 1)]

    def advance(self) -> _Tok:
        """Consume and return the current token."""
        tok = self.peek()
        self.i = min(self.i + 1, len(self.toks) - 1)
        return tok

    def fail(self, message: str, position: int | None) -> NoReturn:
        """Raise a ParseError about this text."""
        _error(message, self.text, position)

    @contextmanager
    def nest(self, position: int) -> Iterator[None]:
        """Count one level of syntax nesting; refuse past ``_MAX_NESTING``."""
        self.depth += 1
        if self.depth > _MAX_NESTING:
            self.fail("expression is nested too deeply", position)
        try:
            yield
        finally:
            self.depth -= 1

    def guarded(self, position: int, build: Callable[..., sp.Expr], *args: Any) -> sp.Expr:
        """Run a builder, turning a refusal into a ParseError at ``position``."""
        try:
            return build(*args)
        except _Refusal as refusal:
            self.fail(str(refusal), position)

    def in_bars(self) -> bool:
        """True if the innermost open bracket is an absolute-value bar."""
        return bool(self.ctx) and self.ctx[-1] == "|"

    def starts_factor(self, tok: _Tok) -> bool:
        """Can ``tok`` begin a factor of an implicit product?"""
        if tok.kind in ("num", "name"):
            return True
        return tok.is_op("(", "[") or (tok.is_op("|") and not self.in_bars())

    def starts_function(self) -> bool:
        """Is the current token a function application (which ends a bare argument)?"""
        tok, after = self.peek(), self.peek(1)
        if tok.kind != "name":
            return False
        if tok.value.kind == "func":
            return True
        return tok.value.callable and after.is_op("(") and not after.space

    def operand_error(self, tok: _Tok) -> NoReturn:
        """Explain why ``tok`` cannot start an operand."""
        if tok.kind == "end":
            previous = self.toks[self.i - 1] if self.i else None
            if previous is not None and previous.kind == "op":
                self.fail(f"expression ends after '{previous.text}'", previous.pos)
            self.fail("empty expression", tok.pos)
        if tok.is_op(")", "]"):
            if self.ctx:
                self.fail(f"missing expression before '{tok.text}'", tok.pos)
            self.fail(f"unbalanced '{tok.text}'", tok.pos)
        if tok.is_op("*", "/", "^"):
            self.fail(f"missing operand before '{tok.text}'", tok.pos)
        if tok.is_op("'"):
            self.fail("primes are only understood in an answer label like f'(x) = ...", tok.pos)
        if tok.is_op("_"):
            self.fail("'_' must follow a name directly, as in w_1", tok.pos)
        if tok.is_op("!"):
            self.fail("factorials are not supported", tok.pos)
        self.fail(f"unexpected '{tok.text}'", tok.pos)

    # -- grammar ------------------------------------------------------------------

    def parse(self) -> sp.Expr:
        """expression END"""
        value = self.expr()
        tok = self.peek()
        if tok.kind != "end":
            if tok.is_op(")", "]"):
                self.fail(f"unbalanced '{tok.text}'", tok.pos)
            if tok.is_op("|"):
                self.fail("unbalanced '|'", tok.pos)
            self.operand_error(tok)
        return value

    def expr(self) -> sp.Expr:
        """term (('+' | '-') term)*"""
        start = self.peek().pos
        terms = [self.term()]
        while self.peek().is_op("+", "-"):
            op = self.advance()
            rhs = self.term()
            terms.append(rhs if op.text == "+" else -rhs)
        return self.guarded(start, _bounded, sp.Add(*terms))

    def term(self) -> sp.Expr:
        """unary (('*' | '/') unary | implicit power)*"""
        value = self.unary()
        after_division = False
        while True:
            tok = self.peek()
            if tok.is_op("*"):
                self.advance()
                factor = self.unary()
                after_division = False
            elif tok.is_op("/"):
                self.advance()
                divisor = self.unary()
                factor = self.guarded(tok.pos, _divide, sp.Integer(1), divisor)
                after_division = True
            elif self.starts_factor(tok):
                if tok.kind == "num" and not self.spaced_number(tok):
                    self.fail("a number cannot follow a factor directly; use '*'", tok.pos)
                if after_division:
                    self.fail(
                        "ambiguous implicit product after '/': write (a/b)c or a/(bc)",
                        tok.pos,
                    )
                factor = self.power()
            else:
                return value
            # Multiply as we go, so a product whose numbers grow too large (10^299*10^299)
            # is refused at the factor that makes it so.
            value = self.guarded(tok.pos, _bounded, value * factor)

    def spaced_number(self, tok: _Tok) -> bool:
        """A number after a factor and a space is a product (``x 2^x``), unless the factor
        before is a number too (``1 2`` may be a digit group: write ``1*2`` or ``12``)."""
        previous = self.toks[self.i - 1]
        return tok.space and previous.kind != "num"

    def unary(self) -> sp.Expr:
        """('+' | '-') unary | power"""
        tok = self.peek()
        if tok.is_op("+", "-"):
            self.advance()
            with self.nest(tok.pos):
                value = self.unary()
            return -value if tok.text == "-" else value
        return self.power()

    def power(self) -> sp.Expr:
        """primary ('^' exponent)?"""
        base = self.primary()
        caret = self.peek()
        if not caret.is_op("^"):
            return base
        self.advance()
        start = self.i
        with self.nest(caret.pos):
            exponent = self.exponent()
        self.check_glued_exponent(start, caret)
        return self.guarded(caret.pos, _power, base, exponent)

    def exponent(self) -> sp.Expr:
        """('+' | '-') exponent | power   — right-associative"""
        tok = self.peek()
        if tok.is_op("+", "-"):
            self.advance()
            with self.nest(tok.pos):
                value = self.exponent()
            return -value if tok.text == "-" else value
        return self.power()

    def check_glued_exponent(self, start: int, caret: _Tok) -> None:
        """Refuse ``e^2x``/``x^2y``: a one-token exponent glued to what follows."""
        used = [tok for tok in self.toks[start : self.i] if not tok.is_op("+", "-")]
        after = self.peek()
        if len(used) != 1 or used[0].kind not in ("num", "name") or after.space:
            return
        glued_name = after.kind == "name" and after.value.kind != "func"
        if glued_name or after.is_op("("):
            exponent = self.text[caret.end : after.pos]
            self.fail(
                f"ambiguous exponent '^{exponent}{after.text}': write ^({exponent}{after.text})"
                f" for one exponent, or ^{exponent} {after.text} for a product",
                caret.pos,
            )

    def primary(self) -> sp.Expr:
        """number | name | function | '(' expr ')' | '[' expr ']' | '|' expr '|'"""
        tok = self.peek()
        if tok.kind == "num":
            self.advance()
            return tok.value
        if tok.is_op("(", "["):
            return self.group()
        if tok.is_op("|"):
            return self.bars()
        if tok.kind == "name":
            meaning: _Name = tok.value
            if meaning.kind == "func":
                return self.function()
            if meaning.name == "d" and meaning.kind == "sym":
                derivative = self.derivative()
                if derivative is not None:
                    return derivative
            return self.name()
        self.operand_error(tok)

    def group(self) -> sp.Expr:
        """'(' expr ')' or '[' expr ']'"""
        opener = self.advance()
        closer = ")" if opener.text == "(" else "]"
        with self.nest(opener.pos):
            if self.peek().is_op(closer):
                self.fail("empty brackets", opener.pos)
            self.ctx.append(opener.text)
            value = self.expr()
            self.ctx.pop()
        self.expect_close(opener, closer)
        return value

    def bars(self) -> sp.Expr:
        """'|' expr '|'  — absolute value"""
        opener = self.advance()
        with self.nest(opener.pos):
            self.ctx.append("|")
            value = self.expr()
            self.ctx.pop()
        self.expect_close(opener, "|")
        return sp.Abs(value)

    def expect_close(self, opener: _Tok, closer: str) -> None:
        """Consume ``closer`` or explain what is wrong."""
        tok = self.peek()
        if tok.is_op(closer):
            self.advance()
            return
        if tok.kind == "end":
            self.fail(f"'{opener.text}' is never closed", opener.pos)
        if tok.is_op(")", "]", "|"):
            self.fail(f"expected '{closer}' but found '{tok.text}'", tok.pos)
        self.operand_error(tok)

    def name(self) -> sp.Expr:
        """A symbol or constant, with an optional subscript; or f(x), sigma(x), ..."""
        tok = self.advance()
        meaning: _Name = tok.value
        after = self.peek()
        if after.is_op("_") and not after.space:
            self.advance()
            return sp.Symbol(f"{tok.text}_{self.subscript(after)}")
        if meaning.kind == "const":
            return meaning.value
        if meaning.callable and after.is_op("(") and not after.space:
            args = self.call_args(tok)
            if meaning.name in _FUNCS:
                return self.guarded(tok.pos, _apply, _FUNCS[meaning.name], args)
            return sp.Function(meaning.name)(*args)
        return sp.Symbol(meaning.name)

    def subscript(self, underscore: _Tok) -> str:
        """The text after '_': digits or one letter/Greek name, glued to it."""
        tok = self.peek()
        if tok.space or tok.kind == "end":
            self.fail("'_' must be followed directly by digits or a letter", underscore.pos)
        if tok.kind == "num" and tok.text.isdigit():
            self.advance()
            return tok.text
        if tok.kind == "name" and tok.value.kind in ("sym", "const"):
            self.advance()
            return tok.text
        self.fail("a subscript must be digits or a letter, as in w_1 or w_i", tok.pos)

    def call_args(self, func: _Tok) -> list[sp.Expr]:
        """'(' expr (',' expr)* ')' after a function name."""
        opener = self.advance()
        closer = ")" if opener.text == "(" else "]"
        with self.nest(opener.pos):
            if self.peek().is_op(closer):
                self.fail(f"{func.text}() needs an argument", opener.pos)
            self.ctx.append(opener.text)
            args = [self.expr()]
            while self.peek().is_op(","):
                self.advance()
                args.append(self.expr())
            self.ctx.pop()
        self.expect_close(opener, closer)
        return args

    def function(self) -> sp.Expr:
        """func ('_' base)? ('^' int)? ( '(' args ')' | bare-argument )"""
        tok = self.advance()
        spec: _Func = tok.value.func
        power: sp.Integer | None = None
        base: sp.Expr | None = None
        with self.nest(tok.pos):
            while True:
                after = self.peek()
                if after.is_op("_") and not after.space and spec.name == "log" and base is None:
                    self.advance()
                    base = self.log_base(after)
                elif after.is_op("^") and power is None:
                    self.advance()
                    power = self.function_power(after)
                elif after.is_op("_"):
                    self.fail(f"{tok.text} cannot take a subscript", after.pos)
                else:
                    break
            bracketed = self.peek().is_op("(", "[")
            args = self.call_args(tok) if bracketed else [self.bare_argument(tok)]
            if base is not None:
                if len(args) != 1:
                    self.fail("log_b takes one argument", tok.pos)
                args.append(base)
            value = self.guarded(tok.pos, _apply, spec, args)
            if power is not None:
                value = self.guarded(tok.pos, _apply_power, spec, value, args, power)
        return value

    def log_base(self, underscore: _Tok) -> sp.Expr:
        """The base in ``log_2 x`` or ``log_b(x)``."""
        tok = self.peek()
        if not tok.space and tok.kind == "num":
            self.advance()
            return tok.value
        if not tok.space and tok.kind == "name" and tok.value.kind in ("sym", "const"):
            self.advance()
            return tok.value.value if tok.value.kind == "const" else sp.Symbol(tok.text)
        self.fail("log_ must be followed directly by a number or a letter", underscore.pos)

    def function_power(self, caret: _Tok) -> sp.Integer:
        """The whole-number power in ``sin^2 x``, ``sin^(2) x`` or ``sin^-1 x``."""
        wrapped = self.peek().is_op("(")
        if wrapped:
            self.advance()
        sign = -1 if self.peek().is_op("-") else 1
        if self.peek().is_op("-", "+"):
            self.advance()
        tok = self.peek()
        if tok.kind != "num" or not tok.value.is_Integer:
            self.fail("a power on a function name must be a whole number, as in sin^2 x", caret.pos)
        self.advance()
        if wrapped:
            if not self.peek().is_op(")"):
                self.fail("expected ')'", self.peek().pos)
            self.advance()
        return sp.Integer(sign * int(tok.value))

    def bare_argument(self, func: _Tok) -> sp.Expr:
        """The implicit product after ``sin`` in ``sin 2x``; stops at * / + - ) or a function."""
        tok = self.peek()
        if (
            tok.kind == "end"
            or (tok.kind == "op" and tok.text not in "([|+-")
            or (tok.is_op("|") and self.in_bars())
        ):
            self.fail(f"{func.text} needs an argument", func.end)
        negative = False
        if tok.is_op("+", "-"):
            negative = tok.text == "-"
            self.advance()
        factors: list[sp.Expr] = []
        while True:
            tok = self.peek()
            if tok.kind == "end" or (tok.kind == "op" and tok.text not in "([|"):
                break
            if tok.is_op("|") and self.in_bars():
                break
            if factors and self.starts_function():
                break
            if factors and tok.kind == "num":
                self.fail("a number cannot follow a factor directly; use '*'", tok.pos)
            factors.append(self.power())
        if not factors:
            self.fail(f"{func.text} needs an argument", func.end)
        value = sp.Mul(*factors)
        return -value if negative else value

    def derivative(self) -> sp.Expr | None:
        """``d/dx <arg>``, ``d^n/dx^n <arg>`` or ``dy/dx``; None if this 'd' is a symbol."""
        at, j = self.at, self.i + 1
        order, target = 1, None
        if at(j).is_op("^") and at(j + 1).kind == "num" and at(j + 1).value.is_Integer:
            order, j = int(at(j + 1).value), j + 2
        if at(j).kind == "name" and not at(j).space and at(j).value.kind == "sym":
            target, j = at(j), j + 1
        if not at(j).is_op("/"):
            return None
        found = self.differential(j + 1)
        if found is None:
            return None
        var, j = found
        if at(j).is_op("^"):
            if at(j + 1).kind != "num" or at(j + 1).value != order:
                self.fail("the orders in d^n/dx^n must match", at(j).pos)
            j += 2
        elif order != 1:
            self.fail("the orders in d^n/dx^n must match", at(j).pos)
        d = self.peek()
        if not 1 <= order <= MAX_DERIVATIVE_ORDER:
            self.fail(f"derivative order must be 1 to {MAX_DERIVATIVE_ORDER}", d.pos)
        self.i = j
        if target is not None:
            return sp.Derivative(sp.Symbol(target.text), (var, order))
        with self.nest(d.pos):
            if self.peek().is_op("(", "["):
                arg = self.group()
            elif self.peek().kind == "end" or self.peek().is_op(")", "]", "+", "*", "/", ","):
                self.fail("d/dx needs something to differentiate", self.peek().pos)
            else:
                arg = self.term()
        return sp.Derivative(arg, (var, order))

    def differential(self, j: int) -> tuple[sp.Symbol, int] | None:
        """Match ``dx`` (or ``dw_1``) starting at token ``j``."""
        at = self.at
        d, var = at(j), at(j + 1)
        if d.kind != "name" or d.text != "d" or not d.word_start:
            return None
        if var.kind != "name" or var.word_start or var.value.kind != "sym":
            return None
        name, j = var.text, j + 2
        if at(j).is_op("_") and not at(j).space and at(j + 1).kind in ("num", "name"):
            name, j = f"{name}_{at(j + 1).text}", j + 2
        return sp.Symbol(name), j


def _parse_plain(text: str, *, equation: bool) -> list[sp.Expr]:
    """Plain-text front end: checks, tokens, '=' handling, parser."""
    _check_nesting(text, 0, len(text), "([", ")]", MAX_DEPTH)
    tokens = _tokenize_plain(text, 0, len(text))
    results = []
    for run, end in _split_equation(text, tokens, 0, len(text), equation=equation):
        stray = _stray_differential(run)
        if stray is not None:
            _error(f"stray differential d{run[-1].text}", text, stray.pos)
        results.append(_PlainParser(text, run, end).parse())
    return results
