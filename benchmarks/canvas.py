"""Canvas frame times on big graphs: build the scene, repaint a 1920×1080 view, pan, zoom, recolour.

Run offscreen:  QT_QPA_PLATFORM=offscreen python benchmarks/canvas.py [--nodes 1000 5000]

One card in ten shows a 6×6 tensor (heat maps of value and gradient, and thumbnails on its
out-edges) once a trace is shown; the repaints are measured with a trace shown. Each figure is
the median of a few runs, in milliseconds. "cold" repaints fill the item caches
(DeviceCoordinateCache), "warm" ones reuse them. DESIGN.md's reference: 1,000 nodes / 1,500 edges,
full repaint of the fitted scene ~8 ms on two cores.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from PySide6.QtWidgets import QApplication  # noqa: E402

from backprop_studio.canvas import CanvasView, GraphScene  # noqa: E402
from backprop_studio.canvas.style import (  # noqa: E402
    LAYOUT_LAYER_GAP,
    LAYOUT_ROW_GAP,
    LIGHT,
    NODE_WIDTH,
)
from backprop_studio.model.graph import Graph, Node  # noqa: E402
from backprop_studio.model.trace import Trace  # noqa: E402

BINARY = ("add", "sub", "mul")
WINDOW = 30


def build_graph(n_nodes: int, seed: int = 1) -> Graph:
    """A quarter leaves, the rest binary ops on earlier nodes: ``n`` nodes, ``1.5 n`` edges."""
    rng = random.Random(seed)
    g = Graph()
    n_leaves = n_nodes // 4
    for i in range(n_leaves):
        g.add_node(Node(f"p{i}", "param" if i % 2 else "data", value=rng.uniform(-2, 2)))
    names = g.names
    for i in range(n_nodes - n_leaves):
        name = f"n{i}"
        g.add_node(Node(name, BINARY[i % 3]))
        window = names[-WINDOW:]  # inputs come from recent nodes, as in a real expression
        a, b = rng.sample(window, 2)
        g.connect(a, name, "a")
        g.connect(b, name, "b")
        names.append(name)
    return g


def place(graph: Graph, grid: bool = False) -> str:
    """Lay the graph out with the model's layered layout when it exists (and ``grid`` is not
    asked for: the same picture for any version of the layout), else on a grid."""
    try:
        from backprop_studio.model.layout import layered_layout
    except ImportError:
        layered_layout = None
    if grid:
        layered_layout = None
    if layered_layout is not None:
        positions = layered_layout(graph, layer_gap=LAYOUT_LAYER_GAP, row_gap=LAYOUT_ROW_GAP)
        how = "layered_layout"
    else:
        cols = max(1, int(len(graph) ** 0.5))
        positions = {
            name: ((i % cols) * (NODE_WIDTH + 100), (i // cols) * 120.0)
            for i, name in enumerate(graph.names)
        }
        how = "grid"
    for name, pos in positions.items():
        graph.node(name).position = pos
    return how


TENSOR_EVERY = 10  # one card in ten holds a tensor: heat maps of its value and gradient
TENSOR_SIDE = 6


def fake_trace(graph: Graph, seed: int = 2) -> Trace:
    """Random numbers for every node and edge; every TENSOR_EVERY-th node is a 6×6 tensor, and
    so are the gradients on its out-edges (thumbnails on the edges)."""
    rng = random.Random(seed)
    edges = tuple(graph.edges)
    tensors = set(graph.names[::TENSOR_EVERY])

    def number(name: str):
        if name in tensors:
            side = range(TENSOR_SIDE)
            return [[rng.uniform(-3, 3) for _ in side] for _ in side]
        return rng.uniform(-3, 3)

    return Trace(
        output=graph.output,
        values={n: number(n) for n in graph.names},
        grads={n: number(n) for n in graph.names},
        shapes={n: (TENSOR_SIDE, TENSOR_SIDE) if n in tensors else () for n in graph.names},
        edges=edges,
        edge_grads=tuple(number(e.src) for e in edges),
    )


WARM_UP = 6  # new traces shown before the recolour is timed
RECOLOURS = 16  # new traces in all for it: WARM_UP, then the ones timed
CLOCK = time.perf_counter  # --cpu: time.process_time, steadier on a machine others share


def nudged(trace: Trace, factor: float) -> Trace:
    """The trace with every number scaled by ``factor``: a training step's small change."""

    def scale(value):
        if isinstance(value, list):
            return [scale(v) for v in value]
        return None if value is None else value * factor

    return replace(
        trace,
        values={n: scale(v) for n, v in trace.values.items()},
        grads={n: scale(v) for n, v in trace.grads.items()},
        edge_grads=tuple(scale(g) for g in trace.edge_grads),
    )


def ms(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = CLOCK()
        fn()
        times.append((CLOCK() - start) * 1000)
    return statistics.median(times)


def bench(app: QApplication, n_nodes: int, grid: bool = False) -> None:
    graph = build_graph(n_nodes)
    layout_ms: float | None = None
    how = place(graph, grid)
    if how == "layered_layout":
        from backprop_studio.model.layout import layered_layout

        layout_ms = ms(lambda: layered_layout(graph, layer_gap=LAYOUT_LAYER_GAP), repeat=3)

    scene = GraphScene(theme=LIGHT)
    build = ms(lambda: scene.set_graph(graph), repeat=3)
    scene.show_trace(fake_trace(graph, seed=1))
    view = CanvasView(scene)
    view.resize(1920, 1080)
    view.show()
    app.processEvents()
    view.fit_to_graph()
    app.processEvents()
    viewport = view.viewport()

    def repaint() -> None:
        viewport.repaint()

    cards = list(scene.node_items().values())

    def cold_repaint() -> None:  # every card re-renders its cache (its numbers changed)
        for card in cards:
            card.update()
        view.resetCachedContent()
        repaint()

    cold = ms(cold_repaint, repeat=3)
    warm = ms(repaint, repeat=9)

    whole = CanvasView(scene)  # the overview a fit showed before fits kept names readable
    whole.resize(1920, 1080)
    whole.show()
    whole.set_zoom(0.1)
    whole.centerOn(scene.itemsBoundingRect().center())
    app.processEvents()
    whole_warm = ms(whole.viewport().repaint)
    whole.hide()
    whole.setScene(None)  # the recolour below is measured for the fitted view alone

    near = CanvasView(scene)
    near.resize(1920, 1080)
    near.show()
    near.set_zoom(1.0)  # also sets the edges' widths for 100 % (the scene's views share them)
    near.centerOn(scene.node_item(graph.names[len(graph) // 2]))
    app.processEvents()
    near_warm = ms(near.viewport().repaint)
    direction = [1]

    def pan() -> None:  # Qt scrolls the pixels and paints the uncovered strip
        direction[0] = -direction[0]
        near.pan_by(40 * direction[0], 25 * direction[0])
        app.processEvents()

    def zoom() -> None:  # every visible card re-renders its cache at the new scale
        direction[0] = -direction[0]
        near.zoom_by(1.1 if direction[0] > 0 else 1 / 1.1)
        app.processEvents()

    pan_ms = ms(pan, repeat=8)
    zoom_ms = ms(zoom, repeat=8)
    near.close()
    near.setScene(None)
    view.fit_to_graph()  # the edges' width scale is the scene's: back to the fitted view's
    app.processEvents()
    # Every trace below is new, as each step of a training run is: two traces taken in turn
    # let the caches keyed by a number's text answer every card, as they never do in use.
    fresh = [fake_trace(graph, seed=2 + i) for i in range(RECOLOURS + 12)]
    traces = [fresh[0]]

    def next_trace() -> None:
        traces[0] = fresh.pop()
        scene.show_trace(traces[0])

    def recolour() -> None:  # a new trace changes every number and every edge: to the screen
        next_trace()
        app.processEvents()

    for _ in range(WARM_UP):  # as a run's first few steps: each card has seen a few numbers
        recolour()
        scene.flush_numbers()
    beside, recolours = [], []  # taken in turn, so that the ratio sees the machine as it is
    for _ in range(RECOLOURS - WARM_UP):
        beside.append(ms(repaint, repeat=1))
        recolours.append(ms(recolour, repeat=1))
    recolour_ms = statistics.median(recolours)
    ratio = recolour_ms / statistics.median(beside)
    catch_up = []  # what a new trace leaves for later: the cards and edges off screen
    for _ in range(4):
        recolour()
        catch_up.append(ms(scene.flush_numbers, repeat=1))
    catch_up_ms = statistics.median(catch_up)

    def recolour_items() -> None:  # the same without painting: what the items' setters cost
        next_trace()

    items_ms = ms(recolour_items, repeat=4)
    scene.flush_numbers()
    app.processEvents()
    steps = [nudged(traces[0], 1.0001), nudged(traces[0], 1.0002)]

    def step() -> None:  # numbers move by 0.01 %: most cards drawn small look the same
        steps.reverse()
        scene.show_trace(steps[0])
        app.processEvents()

    step_ms = ms(step, repeat=4)

    edges = len(graph.edges)
    print(f"\n{n_nodes} nodes, {edges} edges ({how} positions), view 1920×1080:")
    print(f"  scene construction (set_graph)     {build:8.1f} ms")
    print(f"  full repaint, fitted, cards redrawn {cold:7.1f} ms   (zoom {view.zoom:.2f})")
    print(f"  full repaint, fitted, cached       {warm:8.1f} ms")
    print(f"  full repaint at 10 %, cached       {whole_warm:8.1f} ms")
    print(f"  full repaint at 100 %, cached      {near_warm:8.1f} ms")
    print(f"  pan step at 100 % + paint          {pan_ms:8.1f} ms")
    print(f"  zoom step at 100 % + paint         {zoom_ms:8.1f} ms")
    print(
        f"  show_trace recolour, fitted, paint {recolour_ms:8.1f} ms   ({ratio:.2f}× a repaint"
        " between them)"
    )
    print(f"    of which show_trace (no paint)   {items_ms:8.1f} ms")
    print(f"  then off-screen items, in chunks   {catch_up_ms:8.1f} ms   (between frames)")
    print(f"  recolour by a training step, paint {step_ms:8.1f} ms")
    if layout_ms is None:
        print("  auto-layout                        (model.layout.layered_layout not available)")
    else:
        print(f"  auto-layout (layered_layout)       {layout_ms:8.1f} ms")
    view.close()
    scene.set_graph(None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--grid", action="store_true", help="grid positions, not the layout")
    parser.add_argument(
        "--cpu", action="store_true", help="CPU time of this process instead of wall time"
    )
    args = parser.parse_args(argv)
    if args.cpu:
        global CLOCK
        CLOCK = time.process_time
    app = QApplication.instance() or QApplication(sys.argv[:1])
    for n in args.nodes:
        bench(app, n, args.grid)


if __name__ == "__main__":
    main()
