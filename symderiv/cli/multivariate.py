"""Subcommands grad, jacobian, hessian, critical and implicit for the ``symderiv`` CLI.

``symderiv.cli.build_parser`` calls :func:`add_commands` with its subparsers object; the
helpers every command shares come from ``symderiv.cli.common``. Output formats,
languages and exit codes are those of ``diff``: 0 success, 1 a numeric check failed,
2 bad input, 3 time limit.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import sympy as sp

from symderiv.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    add_output_options,
    add_plot_option,
    exit_code_for,
    read_expression,
    render,
    save_plot,
)
from symderiv.cli.inputs import check_variables, parse_pairs, split_names
from symderiv.engine import DETAIL_LEVELS
from symderiv.multivariate import (
    combine_verifications,
    gradient,
    hessian,
    jacobian,
    point_values,
)
from symderiv.multivariate.critical import DEFAULT_TIME_BUDGET, critical_points
from symderiv.multivariate.implicit import implicit
from symderiv.notation import latex_str, unicode_str
from symderiv.render.json import expression_dict


def parse_point(text: str) -> dict[str, str]:
    """``"x=1,y=2"`` as ``{"x": "1", "y": "2"}`` (values checked to be numbers, read later)."""
    return parse_pairs(text, "--at")


def _vector_line(name: str, values: tuple[sp.Expr, ...], fmt: str) -> str:
    if fmt == "latex":
        body = r" \\ ".join(latex_str(v) for v in values)
        return f"\\[ {name} = \\begin{{pmatrix}} {body} \\end{{pmatrix}} \\]"
    if fmt == "markdown":
        return f"${name} = ({', '.join(latex_str(v) for v in values)})$"
    return f"{name} = ({', '.join(unicode_str(v) for v in values)})"


def _point_label(point: dict[sp.Symbol, sp.Expr], fmt: str) -> str:
    show = unicode_str if fmt == "text" else latex_str
    return ", ".join(f"{show(k)} = {show(v)}" for k, v in point.items())


def _checked(args: argparse.Namespace) -> str:
    """EXPR, with the names of ``--vars`` checked against it."""
    text = read_expression(args.expr)
    if args.vars:
        check_variables([text], split_names(args.vars), "--vars", args.lang, note=False)
    return text


def cmd_grad(args: argparse.Namespace) -> int:
    g = gradient(_checked(args), args.vars, detail=args.detail, verify=not args.no_verify)
    save_plot(g, args)
    if args.at is None:
        print(render(g, args.format, args.lang))
        return exit_code_for(g)
    point = point_values(parse_point(args.at), g.vars, g.params)
    values = g.at(point)
    if args.format == "json":
        data = g.to_dict()
        data["at"] = {
            "point": {str(k): expression_dict(v) for k, v in point.items()},
            "value": [expression_dict(v) for v in values],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render(g, args.format, args.lang))
        label = _point_label(point, args.format)
        name = r"\nabla f" if args.format != "text" else "∇f"
        print(_vector_line(f"{name}({label})", values, args.format))
    return exit_code_for(g)


def cmd_jacobian(args: argparse.Namespace) -> int:
    exprs = [read_expression(e) for e in args.exprs]
    j = jacobian(exprs, args.vars, detail=args.detail, verify=not args.no_verify)
    if args.at is None:
        print(render(j, args.format, args.lang))
        return exit_code_for(j)
    point = point_values(parse_point(args.at), j.vars, j.params)
    matrix = j.at(point)
    if args.format == "json":
        data = j.to_dict()
        data["at"] = {
            "point": {str(k): expression_dict(v) for k, v in point.items()},
            "value": [
                [expression_dict(matrix[i, k]) for k in range(matrix.cols)]
                for i in range(matrix.rows)
            ],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        from symderiv.render.multivariate import matrix_latex, matrix_text

        print(render(j, args.format, args.lang))
        label = _point_label(point, args.format)
        if args.format == "text":
            print(f"J({label}) =")
            print("\n".join(matrix_text(matrix)))
        else:
            print(f"$$J({label}) = {matrix_latex(matrix)}$$")
    return exit_code_for(j)


def cmd_hessian(args: argparse.Namespace) -> int:
    h = hessian(_checked(args), args.vars, detail=args.detail, verify=not args.no_verify)
    save_plot(h, args)
    if args.at is None:
        print(render(h, args.format, args.lang))
        return exit_code_for(h)
    c = h.classify(
        parse_point(args.at), higher_order=not args.no_higher_order, require_critical=False
    )
    if args.format == "json":
        data = {
            "schema": "symderiv.hessian_at/1",
            "hessian": h.to_dict(),
            "classification": c.to_dict(),
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render(h, args.format, args.lang))
        print()
        print(render(c, args.format, args.lang))
    verdict = combine_verifications([h.verification, c.verification])
    return EXIT_CHECK_FAILED if verdict.ok is False else EXIT_OK


def cmd_critical(args: argparse.Namespace) -> int:
    points = critical_points(
        _checked(args),
        args.vars,
        time_budget=args.budget,
        numeric=not args.no_numeric,
        detail=args.detail,
        verify=not args.no_verify,
    )
    print(render(points, args.format, args.lang))
    save_plot(points, args)
    return exit_code_for(points)


def cmd_implicit(args: argparse.Namespace) -> int:
    d = implicit(
        read_expression(args.equation),
        y=args.dep,
        x=args.wrt,
        detail=args.detail,
        verify=not args.no_verify,
    )
    print(render(d, args.format, args.lang))
    return exit_code_for(d)


def _common(parser: argparse.ArgumentParser, *, vars: bool = True) -> None:
    if vars:
        parser.add_argument(
            "--vars",
            help="the variables in order, e.g. x,y (default: all symbols, "
            "natural order x1 < x2 < x10); other symbols are parameters",
        )
    parser.add_argument("--detail", choices=DETAIL_LEVELS, default="normal")
    parser.add_argument("--no-verify", action="store_true", help="skip the numeric check")
    add_output_options(parser)


def add_commands(commands: Any) -> None:
    """Add grad, jacobian, hessian, critical and implicit to the ``symderiv`` subparsers."""
    grad = commands.add_parser("grad", help="gradient, each partial step by step")
    grad.add_argument("expr", help='the function, e.g. "x^2 + 3 x y + y^2"; - reads stdin')
    grad.add_argument("--at", help="evaluate at a point, e.g. x=1,y=2 (exact)")
    _common(grad)
    add_plot_option(grad)
    grad.set_defaults(run=cmd_grad)

    jac = commands.add_parser("jacobian", help="Jacobian matrix of several functions")
    jac.add_argument("exprs", nargs="+", help="the component functions, one per argument")
    jac.add_argument("--at", help="evaluate at a point, e.g. x1=1,x2=0")
    _common(jac)
    jac.set_defaults(run=cmd_jacobian)

    hes = commands.add_parser("hessian", help="Hessian matrix; with --at, classify the point")
    hes.add_argument("expr", help="the function; - reads stdin")
    hes.add_argument("--at", help="classify this point, e.g. x=0,y=0")
    hes.add_argument(
        "--no-higher-order", action="store_true", help="stop at the second-derivative test"
    )
    _common(hes)
    add_plot_option(hes)
    hes.set_defaults(run=cmd_hessian)

    crit = commands.add_parser("critical", help="critical points, solved and classified")
    crit.add_argument("expr", help="the function; - reads stdin")
    crit.add_argument(
        "--budget",
        type=float,
        default=DEFAULT_TIME_BUDGET,
        help=f"seconds for SymPy's solver (default {DEFAULT_TIME_BUDGET:g}), then a numeric search",
    )
    crit.add_argument(
        "--no-numeric", action="store_true", help="no numeric search when the solver fails"
    )
    _common(crit)
    add_plot_option(crit)
    crit.set_defaults(run=cmd_critical)

    imp = commands.add_parser("implicit", help="dy/dx by implicit differentiation")
    imp.add_argument("equation", help='the curve, e.g. "x^2 + y^2 = 1"; - reads stdin')
    imp.add_argument("--dep", default="y", help="the dependent variable (default y)")
    imp.add_argument("--wrt", default="x", help="the independent variable (default x)")
    _common(imp, vars=False)
    imp.set_defaults(run=cmd_implicit)
