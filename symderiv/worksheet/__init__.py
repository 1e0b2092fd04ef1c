"""Worksheets: randomised problem sets with verified, worked answer keys (LaTeX, PDF, Markdown).

>>> from symderiv.worksheet import worksheet
>>> ws = worksheet({"sections": [{"problems": [{"bank": "chain-rule", "count": 2}]}]}, seed=1)
>>> len(ws.problems), all(p.verified for p in ws.problems)
(2, True)
"""

from symderiv.worksheet.banks import BANKS, Bank
from symderiv.worksheet.build import worksheet
from symderiv.worksheet.document import Worksheet
from symderiv.worksheet.problem import Problem
from symderiv.worksheet.spec import Spec, WorksheetError, load_spec

__all__ = [
    "BANKS",
    "Bank",
    "Problem",
    "Spec",
    "Worksheet",
    "WorksheetError",
    "load_spec",
    "worksheet",
]
