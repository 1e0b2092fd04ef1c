"""Computation graphs and backpropagation: graph shape, adjoints, gradients, printers, CLI."""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import shlex
import shutil
import subprocess
import sys

import pytest
import sympy as sp

from symderiv.backprop import AdjointStep, Backprop, backprop
from symderiv.cli.backprop import add_commands
from symderiv.cli.common import EXIT_OK
from symderiv.errors import DerivationError, SymderivError
from symderiv.functions import sigmoid, to_elementary
from symderiv.render.graph import _mermaid_label

a, b, h, w, x, y, z = sp.symbols("a b h w x y z")
w1, w2, b1, b2, yhat = sp.symbols("w1 w2 b1 b2 yhat")

LOGISTIC = "-(y log(a) + (1-y) log(1-a))"
LOGISTIC_DEFS = {"a": "sigmoid(z)", "z": "w x + b"}
AT = "--at=x=2, y=1, w=0.5, b=0.1"
TWO_LAYER_DEFS = {"yhat": "w2 tanh(h) + b2", "h": "w1 x + b1"}


@pytest.fixture(scope="module")
def logistic() -> Backprop:
    return backprop(LOGISTIC, defs=LOGISTIC_DEFS, wrt=["w", "b"])


def same(expr: sp.Expr, expected: sp.Expr) -> bool:
    """Equal as functions: symbolically when cheap, else at a few generic points."""
    difference = sp.expand(expr - expected)
    if difference == 0:
        return True
    symbols = sorted(difference.free_symbols, key=str)
    for shift in (0.0, 0.37, 0.81):
        point = {s: sp.Float(0.4123 + 0.29 * i + shift, 30) for i, s in enumerate(symbols)}
        d = sp.N(to_elementary(difference).xreplace(point), 30)
        scale = max(1, abs(sp.N(to_elementary(expected).xreplace(point), 30)))
        if abs(d) > 1e-20 * scale:
            return False
    return True


def check_graph_invariants(bp: Backprop) -> None:
    """Names unique, children before parents, one node per distinct sub-expression,
    edges exactly the parent-child pairs."""
    names = [n.name for n in bp.nodes]
    assert len(set(names)) == len(names)
    seen: set[str] = set()
    for node in bp.nodes:
        assert set(node.children) <= seen, node.name
        seen.add(node.name)
    exprs = [n.expr for n in bp.nodes if not n.is_input]
    assert len(set(exprs)) == len(exprs)
    assert {(e.parent, e.child) for e in bp.edges} == {
        (n.name, c) for n in bp.nodes for c in n.children
    }
    assert len(bp.edges) == sum(len(n.children) for n in bp.nodes)
    assert bp.nodes[-1].name == bp.output
    assert [s.node for s in bp.steps] == list(reversed(names))


# ------------------------------------------------------------------- canonical examples


def test_logistic_graph(logistic):
    bp = logistic
    check_graph_invariants(bp)
    assert [n.name for n in bp.nodes] == shlex.split("w x b y v1 z a v2 v3 v4 v5 v6 v7 L")
    assert len(bp.edges) == 15
    assert [n.name for n in bp.inputs] == ["w", "x", "b", "y"]
    node_a, node_z = bp.node("a"), bp.node("z")
    assert node_a.defined and node_z.defined and not bp.node("v1").defined
    assert node_a.formula == sigmoid(z) and node_a.children == ("z",)
    assert node_z.formula == sp.Symbol("v1") + b
    assert bp.definitions == {"a": sigmoid(z), "z": w * x + b}
    (edge,) = bp.edges_into("a")
    assert edge.child == "z" and edge.rule == "sigmoid"
    assert edge.local == a * (1 - a)  # σ′ written with the node's own name
    assert edge.derivation is not None and edge.derivation.rule_ids[0] == "sigmoid"
    assert {e.parent for e in bp.edges_out_of("a")} == {"v2", "v5"}  # a is used twice
    assert len(bp.edges_out_of("y")) == 2
    assert bp.node("v4").formula == 1 - y  # the constant 1 is folded, not a node


def test_logistic_adjoints_read_naturally(logistic):
    bp = logistic
    assert bp.gradient == {"w": (a - y) * x, "b": a - y}
    assert bp.adjoints["z"] == a - y
    assert bp.adjoints["a"] == -y / a + (1 - y) / (1 - a)
    step_a = bp.step("a")
    assert isinstance(step_a, AdjointStep)
    assert [c.parent for c in step_a.contributions] == ["v5", "v2"]
    assert step_a.total == -y / a + (1 - y) / (1 - a)
    step_z = bp.step("z")
    assert step_z.contributions[0].local == a * (1 - a)
    assert step_z.simplified == a - y and step_z.total != step_z.simplified
    assert bp.adjoints["L"] == 1 and bp.step("L").contributions == ()
    assert bp.verification.ok is True
    loss = -(y * sp.log(sigmoid(w * x + b)) + (1 - y) * sp.log(1 - sigmoid(w * x + b)))
    assert bp.expr == loss
    for var in (w, b):
        assert same(bp.gradient_in_inputs[var.name], sp.diff(loss, var))


def test_x_sin_x_adds_two_contributions():
    bp = backprop("x sin(x)")
    check_graph_invariants(bp)
    assert len(bp.nodes) == 3 and len(bp.edges) == 3
    assert {e.parent for e in bp.edges_out_of("x")} == {"v1", "L"}
    step = bp.step("x")
    assert [c.term for c in step.contributions] == [sp.sin(x), x * sp.cos(x)]
    assert step.total == sp.sin(x) + x * sp.cos(x)
    assert bp.gradient == {"x": sp.sin(x) + x * sp.cos(x)}
    text = bp.to_text()
    assert "∂L/∂x = ∂L/∂L·∂L/∂x + ∂L/∂v1·∂v1/∂x" in text
    assert "= 1·sin(x) + x·cos(x)" in text
    assert "= sin(x) + x·cos(x)" in text


def test_two_layer_network_with_named_nodes():
    bp = backprop("(yhat - y)^2", defs=TWO_LAYER_DEFS)
    check_graph_invariants(bp)
    assert len(bp.nodes) == 13 and len(bp.edges) == 12
    assert bp.node("yhat").defined and bp.node("h").defined
    (edge,) = bp.edges_into("v2")
    assert edge.rule == "tanh" and edge.local == 1 - sp.Symbol("v2") ** 2
    error = 2 * (yhat - y)
    assert same(bp.adjoints["yhat"], error)
    assert same(bp.gradient["b2"], error)
    assert same(bp.gradient["w2"], error * sp.tanh(h))
    assert same(bp.gradient["w1"], error * w2 * (1 - sp.tanh(h) ** 2) * x)
    assert same(bp.gradient["y"], -error)
    loss = (w2 * sp.tanh(w1 * x + b1) + b2 - y) ** 2
    for var in (w1, b1, w2, b2, x, y):
        assert same(bp.gradient_in_inputs[var.name], sp.diff(loss, var))
    assert bp.verification.ok is True


def test_two_layer_network_without_names():
    bp = backprop("(w2 tanh(w1 x + b1) + b2 - y)^2")
    check_graph_invariants(bp)
    assert len(bp.nodes) == 12 and len(bp.edges) == 11
    assert bp.node("v5").children == ("b2", "v4", "y")  # one n-ary sum node
    loss = (w2 * sp.tanh(w1 * x + b1) + b2 - y) ** 2
    for var in (w1, b1, w2, b2, x, y):
        assert same(bp.gradient[var.name], sp.diff(loss, var))


# ------------------------------------------------------------------- granularity


@pytest.mark.parametrize(
    ("text", "formulas"),
    [
        ("1 - y", {"L": "1 - y"}),
        ("sin(2x)", {"L": "sin(2*x)"}),
        ("x/y", {"L": "x/y"}),
        ("3 x y + sin(x y)", {"v1": "x*y", "v2": "sin(v1)", "L": "3*v1 + v2"}),
        ("exp(-x) + x^2", {"v1": "x**2", "v2": "exp(-x)", "L": "v1 + v2"}),
        ("x^x", {"L": "x**x"}),
    ],
)
def test_granularity(text, formulas):
    bp = backprop(text)
    check_graph_invariants(bp)
    assert {n.name: str(n.formula) for n in bp.nodes if not n.is_input} == formulas


def test_shared_subexpression_is_one_node():
    bp = backprop("sin(x y) + x y")
    assert [n.name for n in bp.nodes if n.op == "mul"] == ["v1"]
    assert {e.parent for e in bp.edges_out_of("v1")} == {"v2", "L"}
    assert same(bp.gradient["x"], y * sp.cos(x * y) + y)


def test_trivial_graphs():
    bp = backprop("x")
    assert [n.name for n in bp.nodes] == ["x"] and bp.output == "x"
    assert bp.gradient == {"x": 1} and bp.edges == ()
    constant = backprop("5")
    assert constant.gradient == {} and constant.verification.ok is None


def test_sympy_input_and_wrt_forms():
    bp = backprop(x**2 * y, wrt="x, y")
    assert bp.gradient == {"x": 2 * x * y, "y": x**2}
    assert backprop(x**2 * y, wrt=[y]).gradient == {"y": x**2}
    assert backprop(x**2 * y, wrt=["q"]).gradient == {"q": 0}
    assert backprop(x**2 * y, name="J").output == "J"


def test_defs_given_as_sympy_and_multiletter_names():
    bp = backprop((yhat - y) ** 2, defs={"yhat": w * x})
    assert bp.node("yhat").formula == w * x
    assert same(bp.gradient["w"], 2 * (yhat - y) * x)


# ------------------------------------------------------------------- gradient = sympy.diff


def _random_expression(
    rng: random.Random, symbols: list[sp.Symbol], depth: int, pool: list[sp.Expr]
) -> sp.Expr:
    """+, *, powers, sin, exp, log(1 + u²), tanh, sigmoid; sometimes a repeated sub-tree."""
    if pool and rng.random() < 0.15:
        return rng.choice(pool)
    if depth == 0 or rng.random() < 0.2:
        s = rng.choice(symbols)
        return s if rng.random() < 0.7 else rng.choice([2, 3, -1, sp.Rational(1, 2)]) * s

    def sub() -> sp.Expr:
        return _random_expression(rng, symbols, depth - 1, pool)

    op = rng.choice(["add", "add", "mul", "mul", "pow", "sin", "exp", "log", "tanh", "sigmoid"])
    if op == "add":
        e = sp.Add(*(sub() for _ in range(rng.choice([2, 2, 3]))))
    elif op == "mul":
        e = sp.Mul(*(sub() for _ in range(rng.choice([2, 2, 3]))))
    elif op == "pow":
        e = sub() ** rng.choice([2, 3, -1])
    elif op == "sin":
        e = sp.sin(sub())
    elif op == "exp":
        e = sp.exp(sub() / 3)
    elif op == "log":
        e = sp.log(1 + sub() ** 2)
    elif op == "tanh":
        e = sp.tanh(sub())
    else:
        e = sigmoid(sub())
    pool.append(e)
    return e


def _random_expressions(count: int, seed: int = 5) -> list[sp.Expr]:
    rng = random.Random(seed)
    names = sp.symbols("x y z w")
    out: list[sp.Expr] = []
    while len(out) < count:
        e = _random_expression(rng, list(names[: rng.choice([2, 3, 4])]), 3, [])
        if len(e.free_symbols) >= 2:
            out.append(e)
    return out


@pytest.mark.parametrize("expr", _random_expressions(32), ids=lambda e: str(e)[:40])
def test_gradient_equals_sympy_diff(expr):
    bp = backprop(expr)
    check_graph_invariants(bp)
    assert set(bp.gradient) == {s.name for s in expr.free_symbols}
    for var in expr.free_symbols:
        assert same(bp.gradient_in_inputs[var.name], sp.diff(expr, var)), var
    assert bp.verification.ok is True
    # each adjoint is the sum over the parents of adjoint × local derivative
    for step in bp.steps:
        if step.contributions:
            assert same(step.simplified, sp.Add(*(c.term for c in step.contributions)))


def test_random_expressions_cover_two_to_four_variables():
    counts = {len(e.free_symbols) for e in _random_expressions(32)}
    assert counts == {2, 3, 4}


# ------------------------------------------------------------------- numeric mode


def test_numeric_mode_exact():
    bp = backprop(LOGISTIC, defs=LOGISTIC_DEFS, at={"x": 2, "y": 1, "w": "1/2", "b": "0.1"})
    values = bp.values
    assert values is not None
    assert values["w"] == sp.Rational(1, 2) and values["b"] == sp.Rational(1, 10)
    assert values["v1"] == 1 and values["z"] == sp.Rational(11, 10)
    assert values["a"] == sigmoid(sp.Rational(11, 10))
    grads = bp.gradient_values
    assert grads is not None
    assert sp.simplify(grads["w"] - 2 * (sigmoid(sp.Rational(11, 10)) - 1)) == 0
    assert sp.simplify(grads["b"] - (sigmoid(sp.Rational(11, 10)) - 1)) == 0
    text = bp.to_text()
    assert "at x = 2, y = 1, w = 1/2, b = 1/10" in text
    assert "≈ -0.49948" in text


def test_numeric_mode_rational_values_stay_rational():
    bp = backprop("x^2 y + x y", at={"x": 2, "y": "1/3"})
    assert all(isinstance(v, sp.Rational) for v in bp.values.values())
    assert all(isinstance(v, sp.Rational) for v in bp.adjoint_values.values())
    assert bp.gradient_values == {"x": sp.Rational(5, 3), "y": 6}


def test_numeric_mode_floats_match_the_symbolic_gradient():
    point = {"x": 2, "y": 1, "w": 0.5, "b": 0.1}
    bp = backprop(LOGISTIC, defs=LOGISTIC_DEFS, at=point)
    assert all(v.has(sp.Float) or v.is_Integer for v in bp.adjoint_values.values())
    subs = {sp.Symbol(k): v for k, v in point.items()}
    for name, g in bp.gradient_in_inputs.items():
        expected = float(sp.N(to_elementary(g).xreplace(subs)))
        assert float(bp.gradient_values[name]) == pytest.approx(expected, rel=1e-12)
    assert float(bp.gradient_values["w"]) == pytest.approx(-0.4994797888, rel=1e-9)
    step = bp.step("x")
    assert step.value == bp.node("x").adjoint_value
    assert all(c.term_value is not None for c in step.contributions)
    assert all(e.value is not None for e in bp.edges)


def test_numeric_mode_refusals():
    with pytest.raises(DerivationError, match="missing: y"):
        backprop("x y", at={"x": 1})
    with pytest.raises(DerivationError, match="not an input"):
        backprop("x y", at={"x": 1, "y": 2, "q": 3})
    with pytest.raises(DerivationError, match="not a finite real number"):
        backprop("log(x)", at={"x": -1})
    with pytest.raises(DerivationError, match="must be a number"):
        backprop("x", at={"x": "y"})


# ------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"expr": "a + x", "defs": {"a": "b + x", "b": "a y"}}, "cycle"),
        ({"expr": "x", "defs": {"a": "x + 1"}}, "defined but not used"),
        ({"expr": "a + x", "defs": {"a": "x"}}, "must be an operation"),
        ({"expr": "L + x", "name": "L"}, "choose another name"),
        ({"expr": "a + x", "defs": {"a": "x^2"}, "wrt": "a"}, "not an input"),
        ({"expr": "d/dx x^2"}, "already contains a derivative"),
    ],
)
def test_refusals(kwargs, message):
    with pytest.raises(DerivationError, match=message):
        backprop(**kwargs)


# ------------------------------------------------------------------- Mermaid and DOT

_MERMAID_LINE = {
    "node": re.compile(r'^    (n\d+)\["([^"]*)"\]$'),
    "forward": re.compile(r"^    (n\d+) --> (n\d+)$"),
    "backward": re.compile(r'^    (n\d+) -->\|"([^"|]*)"\| (n\d+)$'),
    "classdef": re.compile(r"^    classDef \w+ [\w#:,.-]+$"),
    "class": re.compile(r"^    class (n\d+(?:,n\d+)*) \w+$"),
}


def check_mermaid(text: str, direction: str) -> tuple[set[str], int]:
    lines = text.splitlines()
    assert lines[0] == ("graph LR" if direction == "forward" else "graph RL")
    ids: set[str] = set()
    edges = 0
    for line in lines[1:]:
        if m := _MERMAID_LINE["node"].match(line):
            assert m.group(1) not in ids
            ids.add(m.group(1))
            assert "#" not in re.sub(r"#(\w+);", "", m.group(2))
        elif m := _MERMAID_LINE[direction].match(line):
            ends = (m.group(1), m.group(m.lastindex))
            assert set(ends) <= ids
            edges += 1
        elif m := _MERMAID_LINE["class"].match(line):
            assert set(m.group(1).split(",")) <= ids
        else:
            assert _MERMAID_LINE["classdef"].match(line), line
    return ids, edges


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_mermaid_is_well_formed(logistic, direction):
    ids, edges = check_mermaid(logistic.to_mermaid(direction), direction)
    assert len(ids) == len(logistic.nodes) and edges == len(logistic.edges)


def test_mermaid_backward_labels_edges_with_local_derivatives(logistic):
    text = logistic.to_mermaid("backward")
    assert 'n6 -->|"a(1 - a)"| n5' in text  # a → z
    assert 'n6["a<br/>∂L/∂a = (1 - y)/(1 - a) - y/a"]' in text


def test_mermaid_escapes_quotes_and_markup():
    assert _mermaid_label('say "x" | <b> #1') == "say #quot;x#quot; #124; #lt;b#gt; #35;1"
    odd = sp.Symbol('q"')
    bp = backprop(odd * sp.sin(odd), verify=False, at={'q"': 1})
    for direction in ("forward", "backward"):
        check_mermaid(bp.to_mermaid(direction), direction)
    with pytest.raises(ValueError, match="direction"):
        bp.to_mermaid("sideways")


def _parse_dot(text: str) -> tuple[set[str], int]:
    pydot = pytest.importorskip("pydot")
    graphs = pydot.graph_from_dot_data(text)
    assert graphs is not None and len(graphs) == 1
    graph = graphs[0]
    names = {n.get_name().strip('"') for n in graph.get_nodes()} - {"node", "edge", "graph"}
    return names, len(graph.get_edges())


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pydot's use of pyparsing
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_dot_parses(direction):
    for bp in (
        backprop(LOGISTIC, defs=LOGISTIC_DEFS, at={"x": 2, "y": 1, "w": 0.5, "b": 0.1}),
        backprop(sp.Symbol('q"') * sp.Symbol("r\\"), verify=False),
    ):
        names, edges = _parse_dot(bp.to_dot(direction))
        assert len(names) == len(bp.nodes) and edges == len(bp.edges)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_dot_renders_with_graphviz(logistic):
    for direction in ("forward", "backward"):
        run = subprocess.run(
            ["dot", "-Tsvg"],
            input=logistic.to_dot(direction),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        assert "<svg" in run.stdout


# ------------------------------------------------------------------- text, LaTeX, Markdown, JSON


def test_text_table_and_steps(logistic):
    text = logistic.to_text()
    lines = text.splitlines()
    assert lines[0] == (
        "Backpropagation through the computation graph of L = -(y·ln(a) + (1 - y)·ln(1 - a))"
    )
    assert "  where a = σ(z), z = b + wx" in lines
    assert any(
        re.match(r"^  a +σ\(z\) +∂a/∂z = a\(1 - a\) +derivative of the sigmoid", ln) for ln in lines
    )
    assert "  ∂L/∂a = ∂L/∂v5·∂v5/∂a + ∂L/∂v2·∂v2/∂a" in lines
    assert "  ∂L/∂w = x(a - y)" in lines
    assert lines[-1].startswith("✓ checked against finite differences")


def test_text_in_korean(logistic):
    text = logistic.to_text("ko")
    for word in ("계산 그래프", "역전파", "연쇄 법칙", "순전파", "국소 도함수", "∂L/∂노드"):
        assert word in text
    assert "그래디언트" in text
    with pytest.raises(ValueError, match="language"):
        logistic.to_text("fr")


def test_latex_structure(logistic):
    latex = logistic.to_latex()
    assert latex.startswith("\\[\n\\begin{array}{llll}")
    assert "\\end{array}\n\\]\n\\begin{align*}" in latex
    assert latex.endswith("\\end{align*}")
    assert "\\frac{\\partial L}{\\partial a} &= " in latex
    assert "\\partial a/\\partial z = a \\left(1 - a\\right)" in latex


@pytest.mark.tex
@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_compiles_with_amsmath(tmp_path, logistic):
    bodies = [
        logistic.to_latex(),
        backprop("(yhat - y)^2", defs=TWO_LAYER_DEFS).to_latex(),
        backprop(LOGISTIC, defs=LOGISTIC_DEFS, at={"x": 2, "y": 1, "w": "1/2", "b": 1}).to_latex(),
        backprop("x sin(x)", at={"x": 2}).to_latex(),
    ]
    document = "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
    document += "\n\n".join(bodies) + "\n\\end{document}\n"
    (tmp_path / "b.tex").write_text(document, encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "b.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-2000:]


def test_markdown_and_jupyter(logistic):
    md = logistic._repr_markdown_()
    assert md.startswith("**Backpropagation through the computation graph of $L = ")
    assert "```mermaid\ngraph RL\n" in md
    assert "| $a$ | $\\sigma\\left(z\\right)$ |" in md
    assert "\\begin{aligned}" in md
    assert logistic._repr_latex_() == logistic.to_latex()
    assert str(logistic) == logistic.to_text()


def test_json_round_trip(logistic):
    data = json.loads(json.dumps(logistic.to_dict()))
    assert data["schema"] == "symderiv.backprop/1"
    assert data["input"]["text"] == LOGISTIC
    assert data["output"] == "L" and data["wrt"] == ["w", "b"]
    assert len(data["nodes"]) == 14 and len(data["edges"]) == 15
    assert data["gradient"]["w"]["sympy"] == "x*(a - y)"
    assert data["gradient"]["b"]["in_inputs"]["sympy"] == "-y + sigmoid(b + w*x)"
    edge = next(e for e in data["edges"] if e["parent"] == "a")
    assert edge["rule"] == "sigmoid" and edge["local"]["sympy"] == "a*(1 - a)"
    assert edge["rule_name"]["ko"]
    step = next(s for s in data["steps"] if s["node"] == "a")
    assert [c["parent"] for c in step["contributions"]] == ["v5", "v2"]
    assert data["definitions"]["a"]["sympy"] == "sigmoid(z)"
    assert data["verification"]["ok"] is True and data["at"] is None
    numeric = backprop("x sin(x)", at={"x": 2}).to_dict()
    assert numeric["at"]["x"]["exact"] == "2"
    assert numeric["gradient"]["x"]["value"]["float"] == pytest.approx(0.0770038, rel=1e-5)


# ------------------------------------------------------------------- CLI


def run_cli(argv: list[str], capsys, stdin: str | None = None, monkeypatch=None):
    """Through add_commands on a fresh parser, with cli.main's error handling."""
    parser = argparse.ArgumentParser(prog="symderiv")
    commands = parser.add_subparsers(dest="command", required=True)
    add_commands(commands)
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    args = parser.parse_args(argv)
    try:
        code = args.run(args)
    except SymderivError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 2
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_text(capsys):
    code, out, err = run_cli(
        ["backprop", LOGISTIC, "--def=a=sigmoid(z)", "--def=z=w x + b", "--wrt=w,b", AT],
        capsys,
    )
    assert code == EXIT_OK and err == ""
    assert "∂L/∂w = x(a - y) ≈ -0.49948" in out
    assert "∂L/∂z = ∂L/∂a·∂a/∂z" in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "mermaid", "dot", "latex", "json"])
def test_cli_formats(fmt, capsys):
    code, out, _ = run_cli(["backprop", "x sin(x)", "--format", fmt, "--lang", "ko"], capsys)
    assert code == EXIT_OK
    first = out.splitlines()[0]
    expected = {
        "text": "L = x·sin(x)의 계산 그래프와 역전파",
        "markdown": "**",
        "mermaid": "graph RL",
        "dot": "digraph backprop {",
        "latex": "\\[",
        "json": "{",
    }[fmt]
    assert first.startswith(expected)
    if fmt == "json":
        assert json.loads(out)["gradient"]["x"]["sympy"] == "x*cos(x) + sin(x)"


def test_cli_direction_name_and_stdin(capsys, monkeypatch):
    code, out, _ = run_cli(
        shlex.split("backprop - --format mermaid --direction forward --name J --no-verify"),
        capsys,
        "x^2 + x\n",
        monkeypatch,
    )
    assert code == EXIT_OK
    assert out.startswith("graph LR") and "J = v1 + x" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["backprop", "x^"], "ends after"),
        (["backprop", "x y", "--at", "x=1"], "missing: y"),
        (["backprop", "x y", "--at", "x"], "name=value"),
        (["backprop", "a x", "--def", "a"], "NAME=EXPR"),
        (["backprop", "a x", "--def", "a=x+1", "--def", "a=x"], "defined twice"),
    ],
)
def test_cli_bad_input(argv, message, capsys):
    code, out, err = run_cli(argv, capsys)
    assert code == 2 and out == ""
    assert message in err


def test_cli_through_main_when_registered(capsys):
    from symderiv import cli

    parser = cli.build_parser()
    choices = next(a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "backprop" not in choices:
        pytest.skip("backprop is not registered in symderiv.cli yet")
    assert cli.main(["backprop", "x sin(x)", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["output"] == "L"
    assert cli.main(["backprop", "x y", "--at", "x=1"]) == cli.EXIT_BAD_INPUT
