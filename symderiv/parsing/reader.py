"""The entry points: ``parse``, ``parse_equation`` and their shared driver ``_read``.

``_read`` checks the text, dispatches to the plain or LaTeX front end, validates the
results, and makes sure only ParseError escapes.
"""

from __future__ import annotations

from contextlib import nullcontext

import sympy as sp

from symderiv.budget import WorkInterrupted, interrupt_after
from symderiv.errors import ParseError
from symderiv.parsing.checks import _check_text, is_latex
from symderiv.parsing.failures import _first_line, _is_foreign_error
from symderiv.parsing.limits import MAX_READ_SECONDS, _may_run_away
from symderiv.parsing.plain import _parse_plain
from symderiv.parsing.validate import _validate


def _read(text: str, latex: bool | None, *, equation: bool) -> list[sp.Expr]:
    """Shared driver: checks, dispatch, and the promise that only ParseError escapes.

    Text with many function names is read under :func:`interrupt_after`: SymPy's own
    automatic evaluation of nested ``sinh``/``cosh``/``tanh`` asks its assumption system
    questions whose cost doubles with each level (``tanh`` ten deep takes minutes).
    """
    _check_text(text)
    use_latex = is_latex(text) if latex is None else latex
    watch = interrupt_after(MAX_READ_SECONDS) if _may_run_away(text) else nullcontext()
    try:
        with watch:
            if use_latex:
                from symderiv.parsing.latex import _parse_latex  # loaded for LaTeX input only

                results = _parse_latex(text, equation=equation)
            else:
                results = _parse_plain(text, equation=equation)
            return [_validate(result, text) for result in results]
    except ParseError:
        raise
    except WorkInterrupted:
        raise ParseError(
            f"reading this expression took more than {MAX_READ_SECONDS:g} s of computing: "
            "its functions are nested too deeply for exact algebra",
            text,
            None,
        ) from None
    except RecursionError:
        raise ParseError("expression is nested too deeply", text, None) from None
    except Exception as exc:  # last line of defence for SymPy's and the library's errors
        if not _is_foreign_error(exc):
            raise  # e.g. the CLI's time limit: not a problem of the input
        raise ParseError(
            f"could not read the expression ({type(exc).__name__}: {_first_line(exc)})",
            text,
            None,
        ) from exc


def parse(text: str, *, latex: bool | None = None) -> sp.Expr:
    r"""Parse one expression typed as plain text or LaTeX into a SymPy expression.

    ``latex=None`` auto-detects (see :func:`is_latex`); True/False force a syntax. A
    top-level ``=`` is accepted only after an answer label such as ``f'(x) =`` or
    ``y =``, which is dropped. Raises :class:`ParseError` (with ``position``) on any
    problem.

    >>> parse("3 sin x cos x")
    3*sin(x)*cos(x)
    >>> parse(r"\sin^2 x + \log x")
    log(x) + sin(x)**2
    """
    return _read(text, latex, equation=False)[0]


def parse_equation(text: str, *, latex: bool | None = None) -> tuple[sp.Expr, sp.Expr]:
    """Parse ``lhs = rhs`` (e.g. an implicit curve ``x^2 + y^2 = 1``) into two expressions.

    >>> parse_equation("x y = 1")
    (x*y, 1)
    """
    left, right = _read(text, latex, equation=True)
    return left, right
