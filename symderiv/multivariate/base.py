"""The base class of this package's results: they print through ``symderiv.render.multivariate``."""

from __future__ import annotations

from typing import ClassVar

from symderiv import steps


class Printable(steps.Printable):
    """Results of this module print through ``symderiv.render.multivariate``."""

    printers: ClassVar[tuple[str, str]] = ("symderiv.render.multivariate", "")
