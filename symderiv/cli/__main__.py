"""``python -m symderiv.cli``: the same as the ``symderiv`` command."""

import sys

from symderiv.cli import main

sys.exit(main())
