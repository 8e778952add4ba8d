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
from ..model.slide_frame import DEFAULT_MIN_POINTS, MAX_POINTS, SlideFrame, parse_size
from .main import (
    EXIT_STATUS,
    CliError,
    add_source_arguments,
    load_source,
    number_between,
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
        "--background",
        choices=("theme", "white", "transparent"),
        default=None,
        help="PNG/SVG/PDF: behind the graph (default: the theme's canvas colour, white on a slide)",
    )
    p.add_argument(
        "--transparent",
        action="store_true",
        help="PNG/SVG/PDF: the same as --background transparent",
    )
    p.add_argument(
        "--slide",
        type=_frame,
        metavar="16:9|4:3|WxH",
        help="PNG/SVG/PDF: a slide of that frame (1920×1080, 1440×1080 or W×H pixels), the graph "
        "laid out afresh to fill it",
    )
    p.add_argument(
        "--min-text",
        type=_points,
        default=None,
        metavar="PT",
        help=f"with --slide: the smallest text in slide points, 2 px each at 1080 px tall "
        f"(default {DEFAULT_MIN_POINTS:g}; 0: any); a graph too big for it is refused",
    )
    p.add_argument(
        "--values-only",
        action="store_true",
        help='PNG/SVG/PDF: cards without the words "data" and "grad"',
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
        "--hold",
        type=_seconds,
        default=2.5,
        metavar="SECONDS",
        help="GIF: how long each finished chain-rule step and the last frame stay, at 1× "
        "(default 2.5: time to read the formula aloud)",
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


def _frame(text: str) -> tuple[int, int]:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


_HOLD = "'{text}': a hold is 0 to 600 seconds"
_seconds = number_between(0, 600, _HOLD, word=_HOLD)
_TEXT_SIZE = "'{text}': a text size is 0 to " + f"{MAX_POINTS:g} points"
_points = number_between(0, MAX_POINTS, _TEXT_SIZE, word=_TEXT_SIZE)


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
    picture = [f for f, on in (("--slide", ns.slide), ("--values-only", ns.values_only)) if on]
    if picture and ns.output.suffix.lower() in (".gif", ".py"):
        usage_error(
            f"backprop-studio export: {picture[0]} draws a picture: it needs an OUT.png, "
            ".svg or .pdf (see 'backprop-studio export --help')"
        )
    if ns.slide is None and ns.min_text is not None:
        usage_error("backprop-studio export: --min-text sizes a slide: it needs --slide")
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
    background = export.TRANSPARENT if ns.transparent else ns.background
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
                dwell_ms=ns.hold * 1000,
            )
            stored = write_gif(frames, out)
            size = frames[0].image.size()
            print(f"wrote {out}: {stored} frames, {size.width()} × {size.height()}")
            return 0
        if ns.slide is not None:
            return _write_slide(ns, graph, trace, settings, theme, background or export.WHITE)
        background = background or export.THEMED
        scene = GraphScene(theme=theme)
        scene.set_graph(graph)
        scene.show_trace(trace)
        only = ns.values_only
        if kind == "png":
            export.to_png(
                scene,
                out,
                scale=ns.scale,
                background=background,
                settings=settings,
                values_only=only,
            )
        elif kind == "svg":
            export.to_svg(scene, out, background=background, settings=settings, values_only=only)
        else:
            export.to_pdf(scene, out, background=background, values_only=only)
        scene.set_graph(None)
    except export.ExportError as exc:
        raise CliError(str(exc)) from None
    print(f"wrote {out}")
    return 0


def _write_slide(ns: argparse.Namespace, graph, trace, settings: dict, theme, background) -> int:
    from ..canvas import slide

    width, height = ns.slide
    points = DEFAULT_MIN_POINTS if ns.min_text is None else ns.min_text
    frame = SlideFrame(width, height, points, ns.values_only, background)
    laid = slide.lay_out(graph, trace, frame, theme)
    slide.write_slide(laid, ns.output, settings)
    laid.scene.set_graph(None)
    print(
        f"wrote {ns.output}: {width} × {height}, {laid.orientation}, "
        f"smallest text {laid.smallest_points:.1f} pt"
    )
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
