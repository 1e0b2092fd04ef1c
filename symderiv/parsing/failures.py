"""How the parsing package reports problems.

``_Refusal`` is raised by builders for a value we will not build (too large, undefined);
the caller knows the position and turns it into a ParseError. ``_error`` raises that
ParseError, the one exception type the package lets out. ``_describe`` and
``_first_line`` make characters and foreign exceptions readable in messages.
"""

from __future__ import annotations

from typing import NoReturn

from symderiv.errors import ParseError

#: Exception types that SymPy or the LaTeX library raise on input they cannot handle; the
#: parser turns these (and only these) into ParseError. Anything else — a time limit, a
#: KeyboardInterrupt, MemoryError — passes through untouched.
_FOREIGN_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    TypeError,
    ArithmeticError,
    LookupError,
    AttributeError,
    RuntimeError,
    AssertionError,
)


def _is_foreign_error(exc: BaseException) -> bool:
    """True for an error of SymPy or the LaTeX library about the input (see above).

    latex2sympy2_extended raises bare ``Exception`` for syntax errors, so that exact type
    counts too; subclasses of Exception defined elsewhere (a caller's time limit) do not.
    """
    return type(exc) is Exception or isinstance(exc, _FOREIGN_ERRORS)


class _Refusal(Exception):
    """A value we will not build (too large, undefined); callers add the position."""


def _error(message: str, text: str, position: int | None) -> NoReturn:
    """Raise the one exception type this package lets out."""
    raise ParseError(message, text, position)


def _describe(c: str) -> str:
    """A readable name for a character in an error message."""
    if c.isprintable() and not c.isspace():
        return f"'{c}'"
    return f"character U+{ord(c):04X}"


def _first_line(exc: BaseException) -> str:
    """The first line of an exception message, shortened."""
    line = (str(exc).splitlines() or [type(exc).__name__])[0]
    return line[:80]
