"""Frame times of the backward animation on a ~200-node graph, offscreen, 1920×1080 view.

Run:  QT_QPA_PLATFORM=offscreen python benchmarks/animation.py [--nodes 200] [--frames 8]

A frame is ``GradientFlow.apply(k, progress)`` plus a synchronous repaint of the viewport: what
the QVariantAnimation tick costs. "Step" frames are the ones where a step completes (cards and
edges change); the others only move the marks. Goal: under 16 ms per frame (60 fps). The last
figure plays the animation on its real timer for a few seconds and counts the frames it drew.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

sys.path.insert(0, os.path.dirname(__file__))

from canvas import build_graph, place  # noqa: E402  (benchmarks/canvas.py)
from PySide6.QtCore import QElapsedTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from backprop_studio.canvas import CanvasView, GraphScene  # noqa: E402
from backprop_studio.canvas.flow.player import GradientFlow  # noqa: E402
from backprop_studio.canvas.style import LIGHT  # noqa: E402
from backprop_studio.engine.autograd import evaluate  # noqa: E402
from backprop_studio.model.graph import Graph, Node  # noqa: E402


def connected_graph(n_nodes: int) -> Graph:
    """benchmarks/canvas.py's random graph, its sinks summed into one loss through tanh so that
    every node gets a gradient and the values stay finite."""
    base = n_nodes
    while True:  # shrink the random part until it and the summing chain make ``n_nodes``
        graph = build_graph(base)
        sinks = [n.name for n in graph if not graph.edges_from(n.name)]
        if base + 2 * len(sinks) - 1 <= n_nodes or base < 10:
            break
        base -= 2
    total = None
    for i, sink in enumerate(sinks):
        squashed = f"t{i}"
        graph.add_node(Node(squashed, "tanh"))
        graph.connect(sink, squashed, "a")
        if total is None:
            total = squashed
            continue
        name = f"acc{i}"
        graph.add_node(Node(name, "add"))
        graph.connect(total, name, "a")
        graph.connect(squashed, name, "b")
        total = name
    graph.set_output(total)
    return graph


def stats(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    return (
        f"median {statistics.median(times):6.2f}   p95 {p95:6.2f}   max {times[-1]:6.2f} ms"
        f"   ({len(times)} frames)"
    )


def measure(app: QApplication, view: CanvasView, flow: GradientFlow, frames: int) -> None:
    moving, stepping = [], []
    viewport = view.viewport()
    flow.apply(0, 0.0)
    app.processEvents()
    for k in range(flow.count):
        for f in range(1, frames):
            start = time.perf_counter()
            flow.apply(k, f / frames)
            viewport.repaint()
            moving.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        flow.apply(k + 1, 0.0)
        viewport.repaint()
        stepping.append((time.perf_counter() - start) * 1000)
    slowest = sorted(range(len(stepping)), key=stepping.__getitem__)[-3:]
    kinds = ", ".join(f"{flow.plan.steps[k].kind} {stepping[k]:.1f} ms" for k in reversed(slowest))
    print(f"  marks moving (apply + repaint)     {stats(moving)}")
    print(f"  a step completes (apply + repaint) {stats(stepping)}")
    print(f"  slowest step frames: {kinds}")


def played(app: QApplication, flow: GradientFlow, seconds: float) -> None:
    ticks = []
    clock = QElapsedTimer()
    flow._anim.valueChanged.connect(lambda _v: ticks.append(clock.elapsed()))
    flow.apply(0, 0.0)
    flow.set_speed(4.0)
    clock.start()
    flow.play()
    while clock.elapsed() < seconds * 1000:
        app.processEvents()
    flow.pause()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    fps = len(ticks) / seconds
    worst = max(gaps) if gaps else float("nan")
    print(
        f"  on its timer at 4×, {seconds:.0f} s: {fps:5.1f} frames/s, "
        f"median gap {statistics.median(gaps):.0f} ms, worst {worst:.0f} ms"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--frames", type=int, default=8, help="frames measured per step")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    graph = connected_graph(args.nodes)
    place(graph)
    trace = evaluate(graph)
    assert trace.ok, trace.error
    scene = GraphScene(theme=LIGHT)
    scene.set_graph(graph)
    scene.show_trace(trace)
    flow = GradientFlow(scene)
    assert flow.load(trace)
    n_edges = len(flow.plan.edge_order)
    print(
        f"{len(graph)} nodes, {len(graph.edges)} edges, {flow.count} steps "
        f"({flow.plan.forward_count} forward, {n_edges} edges backward), view 1920×1080:"
    )
    for label, zoom in (("fitted", None), ("100 %", 1.0)):
        view = CanvasView(scene)
        view.resize(1920, 1080)
        view.show()
        app.processEvents()
        view.fit_to_graph()
        if zoom is not None:
            view.set_zoom(zoom)
        app.processEvents()
        print(f" {label} (zoom {view.zoom:.2f}):")
        measure(app, view, flow, args.frames)
        if zoom is None:
            played(app, flow, 3.0)
        view.close()
        app.processEvents()
    flow.stop()


if __name__ == "__main__":
    main()
