"""The ``symderiv`` command line: an argparse front end over the public API.

``app`` builds the parser and runs a command under the time limit; each command family
has a module of its own (``derive``, ``multivariate``, ``taylor``, ``backprop``,
``grading``, ``worksheet``), and ``common`` holds what they share.
"""

from symderiv.cli.app import build_parser, main
from symderiv.cli.common import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, EXIT_TIMEOUT

__all__ = ["EXIT_BAD_INPUT", "EXIT_CHECK_FAILED", "EXIT_OK", "EXIT_TIMEOUT", "build_parser", "main"]
