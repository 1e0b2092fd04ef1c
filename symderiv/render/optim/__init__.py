"""Printers of the lesson's numeric and optimisation results (``symderiv.optim``).

``blocks`` is a small document model (headings, paragraphs, formulas, tables) printed as
text, LaTeX and Markdown; ``descent``, ``fit`` and ``numeric`` build each result's document
and JSON; ``common`` holds what they share.
"""
