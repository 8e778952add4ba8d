"""The in-house layout against igraph's Sugiyama layout and grandalf, on crossings, shape and time.

Run:  python benchmarks/layout.py [--nodes 10 100 1000] [--skip-grandalf-above 1000]

Needs ``igraph`` and ``grandalf`` (pip install -e ".[bench]"); they are only for this
comparison, the app does not depend on them. Every layout is drawn with the canvas's cards
(240 wide, the heights the card would have) turned left to right: a library's layer becomes a
column ``LAYER_GAP`` apart, its position in the layer a row ``ROW_GAP`` apart.

Columns:
  crossings   pairs of edges whose straight segments (output port → input port) cross
  aspect      width / height of the drawing (the canvas of a 1280×800 window is 1.45)
  zoom        the scale at which the whole drawing fits a 778×538 canvas with a 40 px margin
              (cards' names stay readable from 0.32 up: canvas/style.py FIT_MIN_ZOOM)
  ms          median wall time of the layout call
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from backprop_studio.model.gallery import EXAMPLES, build_graph
from backprop_studio.model.graph import Graph, Node
from backprop_studio.model.layout import LAYER_GAP, ROW_GAP, layered_layout
from backprop_studio.model.layout_blocks import card_heights

Position = tuple[float, float]
CARD_W = 240.0
VIEW = (778.0, 538.0)


def random_dag(n: int, seed: int = 7) -> Graph:
    """A fifth leaves, the rest binary ops on one of the 50 nodes before: n nodes, ~1.6 n edges."""
    rng = random.Random(seed)
    g = Graph()
    for i in range(n):
        if i < max(2, n // 5) or rng.random() < 0.1:
            g.add_node(Node(f"v{i}", "param", value=1.0))
            continue
        g.add_node(Node(f"v{i}", "add"))
        for port in ("a", "b"):
            g.connect(f"v{rng.randrange(max(0, i - 50), i)}", f"v{i}", port)
    return g


def in_house(graph: Graph, heights: dict[str, float]) -> dict[str, Position]:
    return layered_layout(graph, heights=heights)


def in_house_one_band(graph: Graph, heights: dict[str, float]) -> dict[str, Position]:
    return layered_layout(graph, heights=heights, aspect=None)


def igraph_sugiyama(graph: Graph, heights: dict[str, float]) -> dict[str, Position]:
    import igraph

    names = graph.names
    index = {n: i for i, n in enumerate(names)}
    g = igraph.Graph(n=len(names), edges=[(index[e.src], index[e.dst]) for e in graph.edges])
    g.to_directed()
    coords = g.layout_sugiyama()
    return {n: (coords[i][1] * LAYER_GAP, coords[i][0] * ROW_GAP) for i, n in enumerate(names)}


def grandalf_sugiyama(graph: Graph, heights: dict[str, float]) -> dict[str, Position]:
    from grandalf.graphs import Edge, Vertex
    from grandalf.graphs import Graph as GGraph
    from grandalf.layouts import SugiyamaLayout

    class View:
        def __init__(self, w: float, h: float) -> None:
            self.w, self.h, self.xy = w, h, (0.0, 0.0)

    vertices = {n: Vertex(n) for n in graph.names}
    for n, v in vertices.items():  # grandalf lays out top to bottom: swap width and height
        v.view = View(heights[n] + 30.0, CARD_W)
    g = GGraph(
        list(vertices.values()), [Edge(vertices[e.src], vertices[e.dst]) for e in graph.edges]
    )
    out: dict[str, Position] = {}
    top = 0.0
    for part in g.C:
        layout = SugiyamaLayout(part)
        layout.yspace = LAYER_GAP - CARD_W
        layout.init_all()
        layout.draw()
        ys = [v.view.xy[0] for v in part.sV]
        for v in part.sV:
            x, y = v.view.xy
            out[v.data] = (y - CARD_W / 2, top + x - min(ys))
        top += max(ys) - min(ys) + 2 * ROW_GAP
    return out


def crossings(graph: Graph, pos: dict[str, Position], heights: dict[str, float]) -> int:
    """Pairs of edges, drawn straight from output port to input port, that cross."""
    segs = []
    for e in graph.edges:
        (x0, y0), (x1, y1) = pos[e.src], pos[e.dst]
        segs.append((x0 + CARD_W, y0 + heights[e.src] / 2, x1, y1 + heights[e.dst] / 2))

    def ccw(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> float:
        return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)

    count = 0
    for i, (a, b, c, d) in enumerate(segs):
        lo_x, hi_x, lo_y, hi_y = min(a, c), max(a, c), min(b, d), max(b, d)
        for p, q, r, s in segs[i + 1 :]:
            if max(p, r) < lo_x or min(p, r) > hi_x or max(q, s) < lo_y or min(q, s) > hi_y:
                continue
            if {(a, b), (c, d)} & {(p, q), (r, s)}:
                continue  # edges that share a port meet, they do not cross
            d1, d2 = ccw(a, b, c, d, p, q), ccw(a, b, c, d, r, s)
            d3, d4 = ccw(p, q, r, s, a, b), ccw(p, q, r, s, c, d)
            if d1 * d2 < 0 and d3 * d4 < 0:
                count += 1
    return count


def shape(pos: dict[str, Position], heights: dict[str, float]) -> tuple[float, float]:
    """(aspect, the zoom at which the drawing fits the 1280×800 window's canvas)."""
    xs = [x for x, _ in pos.values()]
    w = max(xs) - min(xs) + CARD_W
    h = max(y + heights[n] for n, (_, y) in pos.items()) - min(y for _, y in pos.values())
    return w / h, min(VIEW[0] / (w + 80), VIEW[1] / (h + 80))


def timed(fn: Callable[[], dict[str, Position]], repeat: int) -> tuple[dict[str, Position], float]:
    times, out = [], {}
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - start) * 1000)
    return out, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--skip-grandalf-above", type=int, default=1000)
    args = parser.parse_args()
    layouts = {
        "in-house (bands)": in_house,
        "in-house (one band)": in_house_one_band,
        "igraph sugiyama": igraph_sugiyama,
        "grandalf sugiyama": grandalf_sugiyama,
    }
    cases = [(f"random {n}", random_dag(n)) for n in args.nodes]
    cases += [(e.name, build_graph(e)) for e in EXAMPLES if e.name in ("xor_mlp", "micrograd")]
    print(f"{'graph':14s} {'layout':20s} {'crossings':>9s} {'aspect':>7s} {'zoom':>6s} {'ms':>8s}")
    for label, graph in cases:
        heights = card_heights(graph)
        for name, fn in layouts.items():
            if name.startswith("grandalf") and len(graph) > args.skip_grandalf_above:
                continue
            repeat = 3 if len(graph) <= 100 else 1
            pos, ms = timed(lambda fn=fn, g=graph, h=heights: fn(g, h), repeat)
            aspect, zoom = shape(pos, heights)
            cross = crossings(graph, pos, heights)
            print(f"{label:14s} {name:20s} {cross:9d} {aspect:7.2f} {zoom:6.2f} {ms:8.1f}")


if __name__ == "__main__":
    main()
