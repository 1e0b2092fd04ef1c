"""What the worker processes compute: one function per API endpoint, by name.

Each task takes the endpoint's validated arguments as plain values and returns what the
endpoint sends back: the result's own ``to_dict()`` (plus the value at a point where asked),
SVG text for a figure, or the bytes of a worksheet .zip. Text reaches SymPy only through
symderiv's parser (``sd.parse`` and the public functions that use it). Runs inside
:mod:`symderiv.web.workers`; errors become ``("error", {error, column})`` replies.
"""

from __future__ import annotations

import importlib.util
import io
import json
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import sympy as sp

import symderiv as sd
from symderiv.errors import ParseError, SymderivError

__all__ = ["TASKS", "error_body", "run_task"]


def error_body(exc: BaseException) -> dict[str, Any]:
    """``{error, column}`` for a refused input; column is 1-based, None for the whole input."""
    if isinstance(exc, ParseError):
        column = None if exc.position is None else exc.position + 1
        where = "" if column is None else f" (at column {column})"
        return {"error": f"{exc.message}{where}", "column": column}
    if isinstance(exc, RecursionError):
        return {"error": "the expression is nested too deeply", "column": None}
    if isinstance(exc, MemoryError):
        return {"error": "the computation needs too much memory", "column": None}
    return {"error": str(exc) or type(exc).__name__, "column": None}


def _expr_dict(expr: sp.Expr) -> dict[str, str]:
    return {"latex": sp.latex(expr), "sympy": sp.sstr(expr)}


def parse_task(args: Mapping[str, Any]) -> dict[str, Any]:
    expr = sd.parse(args["text"])
    names = sorted(s.name for s in expr.free_symbols)
    return {**_expr_dict(expr), "variables": names}


def derive_task(args: Mapping[str, Any]) -> dict[str, Any]:
    d = sd.derive(args["expr"], args.get("var"), args.get("order", 1), detail=args["detail"])
    return d.to_dict()


def gradient_task(args: Mapping[str, Any]) -> dict[str, Any]:
    g = sd.gradient(args["expr"], args.get("vars"), detail=args["detail"])
    out = g.to_dict()
    if args.get("at"):
        out["value_at"] = [_expr_dict(v) for v in g.at(args["at"])]
    return out


def jacobian_task(args: Mapping[str, Any]) -> dict[str, Any]:
    return sd.jacobian(args["exprs"], args.get("vars"), detail=args["detail"]).to_dict()


def hessian_task(args: Mapping[str, Any]) -> dict[str, Any]:
    h = sd.hessian(args["expr"], args.get("vars"), detail=args["detail"])
    out = h.to_dict()
    if args.get("at"):
        out["classification"] = h.classify(args["at"]).to_dict()
    return out


def critical_task(args: Mapping[str, Any]) -> dict[str, Any]:
    budget = float(args.get("time_budget", 5.0))
    c = sd.critical_points(args["expr"], args.get("vars"), time_budget=budget, detail="brief")
    return c.to_dict()


def implicit_task(args: Mapping[str, Any]) -> dict[str, Any]:
    return sd.implicit(args["equation"], y=args["y"], x=args["x"], detail=args["detail"]).to_dict()


def taylor_task(args: Mapping[str, Any]) -> dict[str, Any]:
    at = args.get("at", "0")
    t = sd.taylor(
        args["expr"],
        args.get("var"),
        at=at,
        order=args["order"],
        vars=args.get("vars"),
        detail=args["detail"],
    )
    return t.to_dict()


def backprop_task(args: Mapping[str, Any]) -> dict[str, Any]:
    b = sd.backprop(args["expr"], args.get("wrt"), args.get("at"), defs=args.get("defs"))
    return b.to_dict()


def _hide_expected(row: dict[str, Any]) -> dict[str, Any]:
    """A verdict without the expected answer (its own or any entry's)."""
    row = {k: v for k, v in row.items() if k != "expected"}
    if row.get("entries"):
        row["entries"] = [{k: v for k, v in e.items() if k != "expected"} for e in row["entries"]]
    return row


def grade_task(args: Mapping[str, Any]) -> dict[str, Any]:
    verdict = sd.grade(
        dict(args["problem"]),
        args["answer"],
        lang=args["lang"],
        abs_tol=args.get("abs_tol"),
        rel_tol=args.get("rel_tol"),
    ).to_dict()
    return verdict if args.get("reveal_expected") else _hide_expected(verdict)


def grade_steps_task(args: Mapping[str, Any]) -> dict[str, Any]:
    return sd.grade_steps(dict(args["problem"]), list(args["lines"]), lang=args["lang"]).to_dict()


def worksheet_task(args: Mapping[str, Any]) -> bytes:
    """A .zip of sheet/key .tex (and .pdf when asked) and answers .json per variant.

    A spec given as text is read as TOML here, never taken for a file name.
    """
    spec = args["spec"]
    if isinstance(spec, str):
        try:
            spec = tomllib.loads(spec)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"the worksheet spec is not valid TOML: {exc}") from exc
    buffer = io.BytesIO()
    with (
        tempfile.TemporaryDirectory(prefix="worksheet-") as tmp,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for variant in range(args["variants"]):
            ws = sd.worksheet(spec, seed=args["seed"], variant=variant, lang=args.get("sheet_lang"))
            letter = ws.letter
            for key, stem in ((False, f"sheet-{letter}"), (True, f"key-{letter}")):
                archive.writestr(f"{stem}.tex", ws.to_latex(key=key))
                if args.get("pdf"):
                    pdf = ws.build_pdf(Path(tmp), key=key, stem=stem)
                    archive.write(pdf, f"{stem}.pdf")
            answers = json.dumps(ws.answers(), ensure_ascii=False, indent=2) + "\n"
            archive.writestr(f"answers-{letter}.json", answers)
    return buffer.getvalue()


_RESULTS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "derivative": lambda a: sd.derive(a["expr"], a.get("var"), a.get("order", 1)),
    "gradient": lambda a: sd.gradient(a["expr"], a.get("vars")),
    "hessian": lambda a: sd.critical_points(a["expr"], a.get("vars"), time_budget=5.0),
    "taylor": lambda a: sd.taylor(a["expr"], a.get("var"), at=a.get("at", "0"), order=a["order"]),
    "backprop": lambda a: sd.backprop(a["expr"], a.get("wrt"), a.get("at"), defs=a.get("defs")),
}


def plot_available(plotter: str) -> bool:
    """True when the plotting function's module (and matplotlib) can be imported."""
    module = plotter.partition(":")[0]
    try:
        return all(importlib.util.find_spec(m) for m in (module, "matplotlib"))
    except (ImportError, ValueError):
        return False


def plot_task(args: Mapping[str, Any]) -> str:
    """The figure of a result as SVG text, drawn by the server's plotter (``symderiv.plot``)."""
    plotter = args["plotter"]
    if not plot_available(plotter):
        raise LookupError("figures are not available on this server")
    module, _, name = plotter.partition(":")
    plot = getattr(importlib.import_module(module), name)
    result = _RESULTS[args["kind"]](args)
    options: dict[str, Any] = {"lang": args["lang"]}
    if args["kind"] == "derivative" and args.get("point") is not None:
        options["at"] = sd.parse(args["point"])
    figure = None
    for tried in (options, {"lang": args["lang"]}, {}):  # drawings without some options
        try:
            figure = plot(result, **tried)
            break
        except TypeError:
            if not tried:
                raise
    out = io.StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(figure)
    return out.getvalue()


TASKS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "parse": parse_task,
    "derive": derive_task,
    "gradient": gradient_task,
    "jacobian": jacobian_task,
    "hessian": hessian_task,
    "critical_points": critical_task,
    "implicit": implicit_task,
    "taylor": taylor_task,
    "backprop": backprop_task,
    "grade": grade_task,
    "grade_steps": grade_steps_task,
    "worksheet": worksheet_task,
    "plot": plot_task,
    "ping": lambda args: "pong",
}


def run_task(name: str, args: Mapping[str, Any]) -> tuple[str, Any]:
    """("ok", value) or ("error", {error, column}); never raises for a refused input."""
    task = TASKS.get(name)
    if task is None:
        return ("error", {"error": f"unknown task {name!r}", "column": None})
    try:
        return ("ok", task(args))
    except (SymderivError, ValueError, TypeError, KeyError, LookupError) as exc:
        return ("error", error_body(exc))
    except (RecursionError, MemoryError, OverflowError, ZeroDivisionError) as exc:
        return ("error", error_body(exc))
    except Exception as exc:  # a bug: report it without a traceback, keep the worker
        return ("fail", f"{type(exc).__name__}: {exc}")
