"""The exceptions symderiv raises on purpose."""

from __future__ import annotations


class SymderivError(Exception):
    """Base class: every error symderiv raises deliberately is one of these."""


class ParseError(SymderivError, ValueError):
    """Input text that cannot be read.

    ``position`` is the 0-based column in ``text`` where the problem was found (None when
    it is about the input as a whole, e.g. its length); ``str(error)`` says what and where.
    ``localized(lang)`` says the same in the user's language, and ``key`` names the kind
    of message (its English template, such as ``"{a} is undefined"``).
    """

    def __init__(self, message: str, text: str = "", position: int | None = None) -> None:
        self.message = message
        self.text = text
        self.position = position
        super().__init__(self._format(message, "en"))

    @property
    def key(self) -> str | None:
        """The English template this message is an instance of (None if none is known)."""
        from symderiv.error_messages import message_key

        return message_key(self.message)

    def localized(self, lang: str = "en") -> str:
        """What and where, in ``lang`` ("en" or "ko"); untranslated parts stay English."""
        if lang == "en":
            return str(self)
        from symderiv.error_messages import localize

        return self._format(localize(self.message, lang), lang)

    def _format(self, message: str, lang: str) -> str:
        if self.position is None:
            return message
        if lang == "en":
            where = f"at column {self.position + 1}"
        else:
            from symderiv.error_messages import column_text

            where = column_text(self.position + 1, lang)
        if not self.text or "\n" in self.text:
            return f"{message} ({where})"
        caret = " " * self.position + "^"
        joined = f"{message} {where}" if lang == "en" else f"{message} ({where})"
        return f"{joined}\n  {self.text}\n  {caret}"


class DerivationError(SymderivError, ValueError):
    """A request the engine cannot carry out (e.g. the variable is ambiguous)."""
