"""The printers of a Derivation, one per format, gathered for ``Derivation.to_*``."""

from symderiv.render.json import derivation_to_dict
from symderiv.render.latex import derivation_to_latex
from symderiv.render.markdown import derivation_to_markdown
from symderiv.render.text import derivation_to_text

__all__ = [
    "derivation_to_dict",
    "derivation_to_latex",
    "derivation_to_markdown",
    "derivation_to_text",
]
