"""``backprop-studio export``: a graph as PNG, SVG, PDF, an animated GIF, or a PyTorch script.

Headless: without a display Qt is told to draw offscreen, so the command runs on a server or in
CI. Pictures show a real run (values, gradients, gradient labels) unless ``--no-values``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..model.document_schema import MAX_STEPS
from .main import (
    EXIT_STATUS,
    CliError,
    add_source_arguments,
    load_source,
    positive_number,
    refuse_problems,
    usage_error,
    whole_number,
)
from .train import add_optimizer_arguments, training_overrides

FORMATS = ("png", "svg", "pdf", "gif", "py")
_APP = None  # the QApplication made for drawing, kept alive for the rest of the process


def add_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write the graph as PNG, SVG, PDF, an animated GIF or a PyTorch script",
        description="Draw the evaluated graph as the canvas shows it (PNG, SVG, PDF), animate its "
        "backward pass (GIF), or write it as standalone PyTorch code (.py). PNG and SVG keep the "
        "graph inside: open them again with the studio or 'backprop-studio eval'. A graph with "
        "a problem is refused as by eval (nothing is written); --no-values draws it unrun.",
        epilog=EXIT_STATUS,
    )
    add_source_arguments(p)
    p.add_argument(
        "-o", "--output", required=True, type=_output, help="OUT.png, .svg, .pdf, .gif or .py"
    )
    p.add_argument(
        "--scale", type=positive_number, default=2.0, help="PNG pixels per unit (default 2)"
    )
    p.add_argument("--no-values", action="store_true", help="draw the graph without running it")
    p.add_argument("--theme", choices=("light", "dark"), default="light", help="default: light")
    p.add_argument(
        "--transparent", action="store_true", help="PNG/SVG: no background behind the graph"
    )
    p.add_argument(
        "--width", type=whole_number(1, 20_000), help="GIF width in pixels (default: 100 %% size)"
    )
    p.add_argument(
        "--speed", type=positive_number, default=1.0, help="GIF speed (2 = twice as fast)"
    )
    p.add_argument(
        "--frames-per-step",
        type=whole_number(1, 20_000),
        default=6,
        help="GIF frames per step (default 6)",
    )
    p.add_argument(
        "--backward-only", action="store_true", help="GIF: skip the forward pass, start at the loss"
    )
    p.add_argument("--train", action="store_true", help=".py: add the training loop")
    train = p.add_argument_group(
        "with --train", "the training loop's settings (default: the file's, as train uses them)"
    )
    train.add_argument("--steps", type=whole_number(1, MAX_STEPS), help="how many updates")
    add_optimizer_arguments(train)
    p.add_argument(
        "--dtype", choices=("float64", "float32"), default=None, help="default: the file's"
    )
    p.set_defaults(handler=run_export)


def _output(text: str) -> Path:
    path = Path(text)
    kind = path.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise argparse.ArgumentTypeError(
            f"'{text}': the file name must end in .{', .'.join(FORMATS)}"
        )
    return path


TRAINING_OPTIONS = ("steps", "optimizer", "lr", "momentum", "clip")


def run_export(ns: argparse.Namespace) -> int:
    given = [f"--{key}" for key in TRAINING_OPTIONS if getattr(ns, key) is not None]
    if given and not (ns.train and ns.output.suffix.lower() == ".py"):
        usage_error(
            f"backprop-studio export: {given[0]} sets the training loop: it needs --train "
            "and an OUT.py (see 'backprop-studio export --help')"
        )
    graph, settings = load_source(ns)
    settings = training_overrides(ns, settings)
    out: Path = ns.output
    kind = out.suffix.lower().lstrip(".")
    if kind == "py":
        return _write_script(graph, settings, out, ns.train)
    _headless_qt()
    from ..canvas import export
    from ..canvas.flow import frames as export_flow
    from ..canvas.scene import GraphScene
    from ..canvas.style import DARK, LIGHT

    theme = DARK if ns.theme == "dark" else LIGHT
    trace = None
    if not ns.no_values or kind == "gif":
        from ..engine.autograd import evaluate

        trace = evaluate(graph, settings.get("dtype", "float64"))
        refuse_problems(trace)
    background = export.TRANSPARENT if ns.transparent else export.THEMED
    try:
        if kind == "gif":
            from ..app.export.gif import write_gif

            frames = export_flow.flow_frames(
                graph,
                trace,
                width=ns.width,
                speed=ns.speed,
                tweens=ns.frames_per_step,
                forward=not ns.backward_only,
                theme=theme,
            )
            stored = write_gif(frames, out)
            size = frames[0].image.size()
            print(f"wrote {out}: {stored} frames, {size.width()} × {size.height()}")
            return 0
        scene = GraphScene(theme=theme)
        scene.set_graph(graph)
        scene.show_trace(trace)
        if kind == "png":
            export.to_png(scene, out, scale=ns.scale, background=background, settings=settings)
        elif kind == "svg":
            export.to_svg(scene, out, background=background, settings=settings)
        else:
            export.to_pdf(scene, out)
        scene.set_graph(None)
    except export.ExportError as exc:
        raise CliError(str(exc)) from None
    print(f"wrote {out}")
    return 0


def _write_script(graph, settings: dict, out: Path, train: bool) -> int:
    from ..engine.codegen import CodegenError, to_script

    try:
        text = to_script(graph, settings, train=train, title=out.stem)
    except CodegenError as exc:
        raise CliError(str(exc)) from None
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write '{out}': {exc.strerror or exc}") from None
    print(f"wrote {out}: run it with '{Path(sys.executable).name} {out}'")
    return 0


def _headless_qt() -> None:
    """A QApplication to draw with; offscreen when there is no display to talk to."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    global _APP
    if QApplication.instance() is None:
        _APP = QApplication([sys.argv[0] if sys.argv else "backprop-studio"])
        _APP.setApplicationName("Backprop Studio")
