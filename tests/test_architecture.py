"""The architecture of docs/architecture.md holds: floors, file sizes, nothing outside the repo."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "symderiv"
MAX_LINES = 800


def test_import_contracts_are_kept() -> None:
    """The import-linter contracts in pyproject.toml (the floors and forbidden imports)."""
    pytest.importorskip("importlinter")
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports as l; raise SystemExit(l(no_cache=True))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_no_module_over_800_lines_without_a_reason() -> None:
    """A module over ~800 lines must say in its docstring why it is one piece."""
    too_long = []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_LINES and "one piece" not in text.split('"""')[1]:
            too_long.append(f"{path.relative_to(ROOT)}: {text.count(chr(10))} lines")
    assert not too_long, too_long


def test_nothing_points_outside_the_repository() -> None:
    """A user's clone has no ../shared: no file of the project may send them there."""
    offenders = []
    for path in [ROOT / "README.md", *ROOT.glob("docs/**/*.md"), *PACKAGE.rglob("*.py")]:
        if re.search(r"\.\./shared|shared/DESIGN", path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders


def test_architecture_document_names_every_package() -> None:
    """docs/architecture.md describes every subpackage and top-level module that exists."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    names = [p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    names += [p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"]
    missing = [n for n in names if f"`{n}" not in doc and f"{n}/" not in doc]
    assert not missing, f"not described in docs/architecture.md: {missing}"


def test_import_symderiv_loads_only_what_a_derivation_needs() -> None:
    """Start-up (speed issue item 5): the grader, worksheets (Jinja2) and multiprocessing
    load on first use, and the public names still resolve to the functions."""
    code = (
        "import sys, symderiv as sd\n"
        "heavy = [m for m in ('jinja2', 'multiprocessing', 'symderiv.grading',"
        " 'symderiv.worksheet', 'symderiv.taylor') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "import symderiv.taylor, symderiv.worksheet, symderiv.backprop\n"
        "assert callable(sd.taylor) and callable(sd.worksheet) and callable(sd.backprop)\n"
        "assert sd.taylor('sin(x)', order=3).polynomial == sd.parse('x - x^3/6')\n"
        "assert set(sd.__all__) <= set(dir(sd))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_every_package_ships_in_the_wheel() -> None:
    """pyproject.toml lists packages by hand (rules/ maps to symderiv.rules): a package
    missing there would work from a checkout and be absent from an installed copy."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in PACKAGE.rglob("__init__.py")}
    assert found <= listed, f"not in pyproject.toml's packages: {sorted(found - listed)}"
