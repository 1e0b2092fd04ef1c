"""The guard around latex2sympy2_extended.

The library is imported lazily, called under a lock, and its module-level state is saved
and restored around each call; ``_library_error_position`` maps its error column back to
the original text.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from symderiv.errors import ParseError


def _library_error_position(exc: BaseException, chunks: Sequence[tuple[str, int]]) -> int | None:
    """Map the library's ``~~~^`` column marker back to a position in the original text."""
    lines = str(exc).splitlines()
    if len(lines) < 3 or not lines[-1].endswith("^"):
        return None
    column, offset = len(lines[-1]) - 1, 0
    for chunk, pos in chunks:
        offset += len(chunk)
        if column < offset:
            return pos
    return chunks[-1][1] if chunks else None


class _LibraryState:
    """Saves latex2sympy2_extended's module-level state and restores it afterwards.

    Version 1.11 keeps its assignment tables (``variances``, ``var``) per call, but older
    versions kept them at module level, and every version has module-level mutable
    tables (``GREEK_LETTER_MAP`` ...). We snapshot the bindings of every non-generated
    ``latex2sympy2_extended`` module and the converter class, plus a copy of each mutable
    container, and put back anything a call added, rebound or mutated. ANTLR's DFA caches
    (class attributes of the generated parser) are deliberately left alone: they memoise
    grammar decisions and do not change results.
    """

    _CONTAINERS = (dict, list, set)

    def __init__(self) -> None:
        self.saved: list[tuple[Any, dict[str, Any], dict[str, Any]]] = []

    @staticmethod
    @functools.cache
    def owners() -> tuple[Any, ...]:
        """Modules (and the converter class) whose state we guard; found once, after import."""
        owners: list[Any] = []
        for name, module in list(sys.modules.items()):
            if module is None or not name.startswith("latex2sympy2_extended"):
                continue
            if name.startswith("latex2sympy2_extended.gen"):
                continue
            owners.append(module)
            converter = getattr(module, "_Latex2Sympy", None)
            if isinstance(converter, type):
                owners.append(converter)
        return tuple(owners)

    def __enter__(self) -> _LibraryState:
        for owner in self.owners():
            bindings = {k: v for k, v in vars(owner).items() if not k.startswith("__")}
            contents = {k: v.copy() for k, v in bindings.items() if type(v) in self._CONTAINERS}
            self.saved.append((owner, bindings, contents))
        return self

    def __exit__(self, *exc_info: object) -> None:
        for owner, bindings, contents in self.saved:
            current = vars(owner)
            for key in [k for k in current if not k.startswith("__") and k not in bindings]:
                delattr(owner, key)
            for key, value in bindings.items():
                if current.get(key) is not value:
                    setattr(owner, key, value)
            for key, content in contents.items():
                container = bindings[key]
                if container != content:
                    container.clear()
                    if isinstance(container, list):
                        container.extend(content)
                    else:
                        container.update(content)


_LIBRARY_LOCK = threading.Lock()


@functools.cache
def _library() -> tuple[Callable[..., Any], Any]:
    """Import latex2sympy2_extended lazily (plain-text users never pay for ANTLR)."""
    from latex2sympy2_extended import latex2sympy
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig

    config = ConversionConfig(
        interpret_as_mixed_fractions=False,
        interpret_simple_eq_as_assignment=False,
        interpret_contains_as_eq=False,
        lowercase_symbols=False,
    )
    return latex2sympy, config


def _run_library(skeleton: str) -> Any:
    """One guarded, serialised call of latex2sympy on a skeleton of placeholders."""
    try:
        latex2sympy, config = _library()
    except ImportError as exc:
        raise ParseError("LaTeX input needs the latex2sympy2_extended package", "", None) from exc
    with _LIBRARY_LOCK, _LibraryState():
        return latex2sympy(skeleton, normalization_config=None, conversion_config=config)
