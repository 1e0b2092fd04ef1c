"""The exceptions symderiv raises on purpose."""

from __future__ import annotations


class SymderivError(Exception):
    """Base class: every error symderiv raises deliberately is one of these."""


class ParseError(SymderivError, ValueError):
    """Input text that cannot be read.

    ``position`` is the 0-based column in ``text`` where the problem was found (None when
    it is about the input as a whole, e.g. its length); ``str(error)`` says what and where.
    """

    def __init__(self, message: str, text: str = "", position: int | None = None) -> None:
        self.message = message
        self.text = text
        self.position = position
        super().__init__(self._format())

    def _format(self) -> str:
        if self.position is None or not self.text or "\n" in self.text:
            where = "" if self.position is None else f" (at column {self.position + 1})"
            return f"{self.message}{where}"
        caret = " " * self.position + "^"
        return f"{self.message} at column {self.position + 1}\n  {self.text}\n  {caret}"


class DerivationError(SymderivError, ValueError):
    """A request the engine cannot carry out (e.g. the variable is ambiguous)."""
