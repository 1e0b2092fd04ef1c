"""The picture of a computation graph: Graphviz's ``dot`` lays out the DOT that
``Backprop.to_dot()`` writes, and matplotlib draws it (boxes, ellipses, curved edges with
their local derivatives), so the graph is a Figure like every other picture."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path as MplPath

from symderiv.backprop import Backprop
from symderiv.plot.evaluate import PlotError
from symderiv.plot.style import LATIN_FONT, OKABE_ITO, finish, label, math, new_figure

#: Seconds ``dot`` may take.
DOT_TIMEOUT = 30
#: Widest figure, in inches; wider graphs are scaled down.
MAX_WIDTH = 12.0
#: Graphviz's default font size, in points.
DOT_FONT_SIZE = 14.0
GRAPH_FORMATS = ("svg", "png", "pdf")


@dataclass(frozen=True)
class LaidNode:
    name: str
    x: float
    y: float
    width: float
    height: float
    label: str
    shape: str


@dataclass(frozen=True)
class LaidEdge:
    tail: str
    head: str
    points: tuple[tuple[float, float], ...]
    label: str
    label_at: tuple[float, float] | None


def _dot(lang: str) -> str:
    path = shutil.which("dot")
    if path is None:
        raise PlotError(label("no_dot", lang))
    return path


def _run_dot(source: str, fmt: str, lang: str) -> bytes:
    try:
        done = subprocess.run(
            [_dot(lang), f"-T{fmt}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PlotError(f"dot took longer than {DOT_TIMEOUT} s") from exc
    if done.returncode != 0:
        raise PlotError("dot failed: " + done.stderr.decode("utf-8", "replace").strip())
    return done.stdout


def _source(bp: Backprop, direction: str, vertical: bool = False) -> str:
    # Lay out with the font we draw with, so the labels fit their boxes.
    text = re.sub(r'fontname="[^"]*"', f'fontname="{LATIN_FONT}"', bp.to_dot(direction))
    if vertical:
        text = re.sub(
            r'rankdir="(LR|RL)"',
            lambda m: 'rankdir="%s"' % ("TB" if m.group(1) == "LR" else "BT"),
            text,
        )
    return text


def layout(bp: Backprop, direction: str = "forward", lang: str = "en"):
    """Graphviz's layout of ``bp``'s graph: (width, height, nodes, edges) in inches. A long
    chain that would not fit the page across is laid out top to bottom instead."""
    laid = _layout(_source(bp, direction), lang)
    if laid[0] > MAX_WIDTH and laid[0] > 3 * laid[1]:
        vertical = _layout(_source(bp, direction, vertical=True), lang)
        if vertical[0] < laid[0]:
            return vertical
    return laid


def _layout(source: str, lang: str):
    text = _run_dot(source, "plain", lang).decode("utf-8")
    nodes: list[LaidNode] = []
    edges: list[LaidEdge] = []
    width = height = 0.0
    for line in text.splitlines():
        parts = shlex.split(line, posix=True)
        if not parts:
            continue
        if parts[0] == "graph":
            width, height = float(parts[2]), float(parts[3])
        elif parts[0] == "node":
            x, y, w, h = (float(v) for v in parts[2:6])
            nodes.append(LaidNode(parts[1], x, y, w, h, parts[6].replace("\\n", "\n"), parts[8]))
        elif parts[0] == "edge":
            n = int(parts[3])
            coords = [float(v) for v in parts[4 : 4 + 2 * n]]
            points = tuple(zip(coords[::2], coords[1::2], strict=True))
            rest = parts[4 + 2 * n :]
            has_label = len(rest) >= 5
            edges.append(
                LaidEdge(
                    parts[1],
                    parts[2],
                    points,
                    rest[0].replace("\\n", "\n") if has_label else "",
                    (float(rest[1]), float(rest[2])) if has_label else None,
                )
            )
    return width, height, nodes, edges


def plot_backprop(
    bp: Backprop, *, lang: str = "en", direction: str = "forward", title: str | None = None
) -> Figure:
    """The computation graph of ``bp`` (each node with its formula and ∂L/∂node, each edge
    with its local derivative), laid out by Graphviz ``dot``.

    Raises PlotError when ``dot`` is not installed. Artists carry gids "node-<name>" and
    "edge-<tail>-<head>".
    """
    width, height, nodes, edges = layout(bp, direction, lang)
    scale = min(1.0, MAX_WIDTH / max(width, 1e-9))
    fig = new_figure(figsize=(max(width * scale, 3.0), max(height * scale, 1.0) + 0.7))
    ax = fig.subplots()
    size = DOT_FONT_SIZE * scale
    for node in nodes:
        output = node.name == bp.output
        if node.shape == "ellipse":
            patch = Ellipse((node.x, node.y), node.width, node.height)
        else:
            patch = FancyBboxPatch(
                (node.x - node.width / 2, node.y - node.height / 2),
                node.width,
                node.height,
                boxstyle="round,pad=0,rounding_size=0.06",
            )
        patch.set(
            facecolor="#e8f1f8" if not output else "#fbe3d2",
            linewidth=2 if output else 1,
            edgecolor=OKABE_ITO["blue"] if not output else OKABE_ITO["vermillion"],
            gid=f"node-{node.name}",
        )
        ax.add_patch(patch)
        ax.text(
            node.x, node.y, node.label, ha="center", va="center", fontsize=size, linespacing=1.25
        )
    for edge in edges:
        pts = np.array(edge.points)
        codes = [MplPath.MOVETO] + [MplPath.CURVE4] * (len(pts) - 1)
        arrow = FancyArrowPatch(
            path=MplPath(pts, codes),
            arrowstyle="-|>",
            mutation_scale=12,
            color="#444444",
            linewidth=1.1,
            gid=f"edge-{edge.tail}-{edge.head}",
        )
        ax.add_patch(arrow)
        if edge.label_at is not None:
            ax.text(
                *edge.label_at,
                edge.label,
                ha="center",
                va="center",
                fontsize=size * 0.75,
                color=OKABE_ITO["vermillion"],
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
            )
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.suptitle(title or label("title_graph", lang, f=math(bp.expr, "L")))
    return finish(fig, lang)


def save_graph(bp: Backprop, path: str | Path, direction: str = "forward", lang: str = "en"):
    """Write ``bp``'s graph as Graphviz draws it itself (SVG, PNG or PDF by the suffix)."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in GRAPH_FORMATS:
        raise PlotError(f"cannot write a graph as {path.suffix!r}: use .svg, .png or .pdf")
    path.write_bytes(_run_dot(_source(bp, direction), fmt, lang))
    return path
