"""``symderiv numeric``, ``gradcheck``, ``descend`` and ``fit``: numeric derivatives,
gradient checking, gradient descent (momentum, Newton) and training a model by hand."""

from __future__ import annotations

import argparse

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
from symderiv.optim import compare_descent, descend, fit, gradcheck, numeric_derivative
from symderiv.optim.common import parse_point
from symderiv.optim.descent import METHODS
from symderiv.optim.fit import LOSSES
from symderiv.optim.numeric_derivative import FIRST_ORDER, SECOND_ORDER


def cmd_numeric(args: argparse.Namespace) -> int:
    result = numeric_derivative(
        read_expression(args.expr),
        args.at,
        args.wrt,
        order=args.order,
        hs=args.h,
        methods=args.method,
    )
    print(render(result, args.format, args.lang))
    return exit_code_for(result)


def cmd_gradcheck(args: argparse.Namespace) -> int:
    result = gradcheck(read_expression(args.expr), args.at, args.wrt, args.gradient, h=args.h)
    print(render(result, args.format, args.lang))
    if result.verification.ok is False or not result.ok:
        return EXIT_CHECK_FAILED
    return EXIT_OK


def cmd_descend(args: argparse.Namespace) -> int:
    expr = read_expression(args.expr)
    options = dict(steps=args.steps, beta=args.beta, tol=args.tol, exact=args.exact)
    if args.compare:
        result = compare_descent(
            expr, args.start, args.compare, lr=args.lr, vars=args.wrt, **options
        )
    else:
        result = descend(expr, args.start, args.lr, method=args.method, vars=args.wrt, **options)
    print(render(result, args.format, args.lang))
    save_plot(result, args)
    return exit_code_for(result)


def cmd_fit(args: argparse.Namespace) -> int:
    init = parse_point(args.init) if args.init else None
    if init is not None and not isinstance(init, dict):
        init = dict(zip(args.params.split(","), init, strict=False))
    result = fit(
        read_expression(args.model),
        args.data,
        args.params,
        args.loss,
        args.lr,
        args.epochs,
        init=init,
        seed=args.seed,
        print_every=args.print_every,
    )
    print(render(result, args.format, args.lang))
    return exit_code_for(result)


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register ``numeric``, ``gradcheck``, ``descend`` and ``fit``."""
    numeric = commands.add_parser(
        "numeric", help="finite differences against the exact derivative, for a sweep of h"
    )
    numeric.add_argument("expr", help='the function, e.g. "sin(x)"; - reads stdin')
    numeric.add_argument("--at", required=True, help='the point: "2" or "x=1,y=2"')
    numeric.add_argument("--wrt", help="the variables, e.g. x,y (default: all)")
    numeric.add_argument("--order", type=int, choices=(1, 2), default=1)
    numeric.add_argument("--h", type=float, nargs="+", help="step sizes (default 1e-1 … 1e-13)")
    numeric.add_argument(
        "--method", nargs="+", choices=FIRST_ORDER + SECOND_ORDER, help="difference formulas"
    )
    add_output_options(numeric)
    numeric.set_defaults(run=cmd_numeric)

    check = commands.add_parser("gradcheck", help="check a gradient against central differences")
    check.add_argument("expr", help="the function; - reads stdin")
    check.add_argument("--at", required=True, help='the point: "2" or "x=1,y=2"')
    check.add_argument("--wrt", help="the variables, e.g. x,y (default: all)")
    check.add_argument(
        "--gradient", help='your own gradient formula, e.g. "2x + 3y, 3x + 2y" (default: derived)'
    )
    check.add_argument("--h", type=float, default=1e-5, help="finite-difference step (1e-5)")
    add_output_options(check)
    check.set_defaults(run=cmd_gradcheck)

    run = commands.add_parser("descend", help="gradient descent, momentum or Newton, step by step")
    run.add_argument("expr", help="the function to minimise; - reads stdin")
    run.add_argument("--from", dest="start", required=True, help='the start: "x=5" or "x=4,y=3"')
    run.add_argument("--wrt", help="the variables, e.g. x,y (default: all)")
    run.add_argument("--lr", help="learning rate (default 0.1; Newton: 1)")
    run.add_argument("--steps", type=int, default=100, help="step budget (default 100)")
    run.add_argument("--method", choices=METHODS, default="gd")
    run.add_argument("--beta", default="0.9", help="momentum coefficient (default 0.9)")
    run.add_argument("--tol", type=float, default=1e-6, help="stop when ‖∇f‖ ≤ tol (1e-6)")
    run.add_argument("--exact", action="store_true", help="exact fractions instead of floats")
    run.add_argument(
        "--compare",
        nargs="+",
        metavar="RUN",
        help="compare runs side by side: methods, learning rates or METHOD@LR (gd@0.05)",
    )
    add_output_options(run)
    add_plot_option(run)
    run.set_defaults(run=cmd_descend)

    train = commands.add_parser("fit", help="train a model by gradient descent, epoch by epoch")
    train.add_argument("model", help='the model, e.g. "w x + b"; - reads stdin')
    train.add_argument("--data", nargs="+", required=True, help="rows: inputs then target, 1,3 2,5")
    train.add_argument("--params", required=True, help="the parameters, e.g. w,b")
    train.add_argument("--loss", choices=LOSSES, default="mse")
    train.add_argument("--lr", default="0.01", help="learning rate (default 0.01)")
    train.add_argument("--epochs", type=int, default=200)
    train.add_argument("--seed", type=int, default=42, help="seed of the starting values (42)")
    train.add_argument("--init", help='starting values instead, e.g. "w=0,b=0"')
    train.add_argument("--print-every", type=int, help="print every n-th epoch (epochs/5)")
    add_output_options(train)
    train.set_defaults(run=cmd_fit)
