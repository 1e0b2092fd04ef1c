"""Compile a worksheet's ``.tex`` to PDF with latexmk (pdflatex for English, xelatex for Korean).

Logs stay beside the output. On failure the error names the engine and quotes the relevant
lines of the LaTeX log (each ``!`` line and a few after it); without TeX the error says how
to install it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from symderiv.worksheet.spec import WorksheetError

INSTALL_HINT = (
    "install TeX Live, e.g. on Debian/Ubuntu: sudo apt-get install -y --no-install-recommends "
    "texlive-latex-extra texlive-xetex texlive-lang-korean lmodern latexmk fonts-nanum"
)
#: Auxiliary files removed after a successful build (the .log is kept).
AUX_SUFFIXES = (".aux", ".fls", ".fdb_latexmk", ".xdv", ".out")
TIMEOUT = 300.0


class TexError(WorksheetError):
    """TeX is missing, or the document did not compile."""


def tex_available(engine: str) -> bool:
    """True when ``engine`` (``pdflatex`` or ``xelatex``) is on the PATH."""
    return shutil.which(engine) is not None


def log_excerpt(log: str, after: int = 4, limit: int = 40) -> str:
    """The lines of a LaTeX log that start with ``!``, each with a few lines after it."""
    lines = log.splitlines()
    picked: list[str] = []
    for index, line in enumerate(lines):
        if line.startswith("!"):
            picked.extend(lines[index : index + 1 + after])
            picked.append("")
    if not picked:
        picked = lines[-12:]
    return "\n".join(picked[:limit]).rstrip()


_OVERFULL = re.compile(r"^Overfull \\hbox \(([\d.]+)pt too wide\)", re.M)


def overfull_boxes(log: str, limit: float = 3.0) -> list[float]:
    """How far (pt) each line of the document that is wider than the page by more than
    ``limit`` sticks out, from the LaTeX log."""
    return [width for width in map(float, _OVERFULL.findall(log)) if width > limit]


def _command(engine: str, tex: Path) -> list[list[str]]:
    flags = ["-interaction=nonstopmode", "-halt-on-error"]
    if shutil.which("latexmk"):
        mode = "-xelatex" if engine == "xelatex" else "-pdf"
        return [["latexmk", mode, *flags, "-silent", tex.name]]
    # No latexmk: two engine runs settle the points table and page count.
    return [[engine, *flags, tex.name]] * 2


def compile_pdf(tex: Path, engine: str = "pdflatex", *, timeout: float = TIMEOUT) -> Path:
    """Compile ``tex`` in its own directory; return the PDF path or raise :class:`TexError`."""
    if engine not in ("pdflatex", "xelatex"):
        raise TexError(f"unknown TeX engine {engine!r}")
    if not tex_available(engine):
        raise TexError(f"{engine} was not found: {INSTALL_HINT}")
    tex = Path(tex).resolve()
    try:
        return _compile(tex, engine, timeout)
    except BaseException:
        # Stopped (an error, the CLI's --timeout, Ctrl-C): leave no half-built PDF and no
        # auxiliary files beside the .tex; a failure's log stays for the message.
        for suffix in (*AUX_SUFFIXES, ".pdf"):
            tex.with_suffix(suffix).unlink(missing_ok=True)
        raise


def _compile(tex: Path, engine: str, timeout: float) -> Path:
    log = tex.with_suffix(".log")
    for command in _command(engine, tex):
        try:
            done = subprocess.run(
                command,
                cwd=tex.parent,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise TexError(f"{engine} did not finish {tex.name} in {timeout:g} s") from None
        if done.returncode != 0:
            text = (
                log.read_text(encoding="utf-8", errors="replace")
                if log.exists()
                else (done.stdout + done.stderr)
            )
            raise TexError(f"{engine} failed on {tex} (log: {log}):\n{log_excerpt(text)}")
    pdf = tex.with_suffix(".pdf")
    if not pdf.exists():
        raise TexError(f"{engine} produced no PDF for {tex} (log: {log})")
    for suffix in AUX_SUFFIXES:
        tex.with_suffix(suffix).unlink(missing_ok=True)
    return pdf
