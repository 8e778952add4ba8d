"""File ▸ Export and Edit ▸ Copy Image: the dialogs around the free export functions.

``ExportActions.write(kind, path, options)`` does the work without asking anything, so tests
and scripts drive it directly; the menu entries first ask for options and a file name. What is
exported is what the canvas shows: the last run's values and gradients, the selection or all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QMimeData
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from ...canvas import export, slide
from ...canvas.flow.frames import DWELL_MS, flow_frames
from ...canvas.scene import GraphScene
from ...canvas.style import DARK, LIGHT
from ...document import Document
from ...model.document_io import DocumentError
from ...model.slide_frame import DEFAULT_MIN_POINTS, PRESETS, SlideFrame
from ..editor.canvas_trace import CanvasTrace
from ..training.controller import TrainingController

if TYPE_CHECKING:  # the engine package loads torch: never at start-up
    from ...engine.train_history import TrainingHistory
    from ...plots.fit_plot import FitPlot

KINDS = {  # kind → (menu text, file filter, suffix)
    "png": ("&Image (PNG)…", "PNG image (*.png)", ".png"),
    "svg": ("&Vector Image (SVG)…", "SVG image (*.svg)", ".svg"),
    "pdf": ("&PDF…", "PDF document (*.pdf)", ".pdf"),
    "gif": ("&Animated Backward Pass (GIF)…", "Animated GIF (*.gif)", ".gif"),
    "py": ("Py&Torch Code…", "Python script (*.py)", ".py"),
    "loss_plot": ("&Loss Plot…", "PNG image (*.png);;SVG image (*.svg)", ".png"),
    "fit_plot": ("&Fit View…", "PNG image (*.png);;SVG image (*.svg)", ".png"),
    "loss_csv": ("Loss &History (CSV)…", "CSV table (*.csv)", ".csv"),
}


DRAWING, CUSTOM = "drawing", "custom"


@dataclass(frozen=True)
class ExportOptions:
    """What the options dialog asks; the defaults suit a slide."""

    selection: bool = False  # only the selected nodes (and the edges between them)
    scale: float = 2.0  # PNG pixels per canvas unit (the drawing's own size)
    background: str = export.WHITE  # or export.THEMED, export.TRANSPARENT (PNG, SVG, PDF)
    theme: str = "canvas"  # "canvas", "light" or "dark"
    frame: str = DRAWING  # DRAWING: as drawn; "16:9", "4:3" or CUSTOM: laid out for a slide
    frame_size: tuple[int, int] = (1920, 1080)  # the CUSTOM frame, in pixels
    min_points: float = DEFAULT_MIN_POINTS  # a slide's smallest text, in slide points
    values_only: bool = False  # cards without the words "data" and "grad"
    width: int | None = None  # GIF width in pixels (None: 100 %)
    speed: float = 1.0  # GIF, as the canvas animation's speed
    frames_per_step: int = 6  # GIF
    hold: float = DWELL_MS / 1000  # GIF: seconds each finished edge step is held, at 1×
    forward: bool = True  # GIF: play the forward pass first, as the canvas does
    train: bool = False  # PyTorch code: add the training loop
    cursor: bool = False  # loss plot: keep the mark of the iteration the timeline shows


def export_menu(exports: ExportActions, menu: QMenu) -> dict[str, QAction]:
    """Fill File ▸ Export with entries that ask ``exports`` for options and a file name."""
    acts = {}
    for kind, (text, _filter, _suffix) in KINDS.items():
        if kind == "loss_plot":
            menu.addSeparator()
        action = QAction(text, menu)
        action.triggered.connect(lambda _checked=False, k=kind: exports.ask(k))
        menu.addAction(action)
        acts[f"export_{kind}"] = action
    return acts


class ExportActions:
    """The export menu's behaviour: what the canvas shows, the document, the loss history."""

    def __init__(
        self,
        parent: QWidget,
        document: Callable[[], Document],
        scene: GraphScene,
        canvas: CanvasTrace,
        training: TrainingController,
        say: Callable[..., None],
        fit: FitPlot | None = None,
    ) -> None:
        self.parent, self.document, self.scene = parent, document, scene
        self.fit = fit
        self.canvas, self.training, self.say = canvas, training, say
        self.last_options = ExportOptions()
        self.slide_note = ""  # how the last slide was laid out, for the status line
        self.last_folder: Path | None = None  # where the last export went

    # ---- interactive ---------------------------------------------------------------------
    def ask(self, kind: str) -> Path | None:
        """Options (where there are any), then a file name, then write; None when cancelled."""
        from .dialog import ask_options

        if kind in ("png", "svg", "pdf", "gif", "py", "loss_plot"):
            has_selection = bool(self.scene.selected_members())
            options = ask_options(self.parent, kind, self.last_options, has_selection)
            if options is None:
                return None
            self.last_options = options
        else:
            options = self.last_options
        _text, filters, suffix = KINDS[kind]
        start = str(self._default_path(suffix))
        path, chosen = QFileDialog.getSaveFileName(self.parent, "Export", start, filters)
        if not path:
            return None
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".svg" if "SVG" in chosen else suffix)
        if not self.write(kind, target, options, report=True):
            return None
        self.last_folder = target.parent
        return target

    def _default_path(self, suffix: str) -> Path:
        """Beside the document, named after it; an untitled one (an example, a picture's graph)
        goes where the last export went, else the home folder — not the process's working
        folder, which for a desktop launch is anywhere."""
        doc = self.document()
        stem = doc.path.stem if doc.path else _file_stem(doc.title)
        folder = self.last_folder or (doc.path.parent if doc.path else Path.home())
        return (folder / stem).with_suffix(suffix)

    # ---- the work ------------------------------------------------------------------------
    def write(
        self, kind: str, path: Path, options: ExportOptions | None = None, report: bool = False
    ) -> bool:
        """Write ``kind`` to ``path``; failures are dialogs when ``report``, else raised."""
        options = options or ExportOptions()
        self.slide_note = ""
        try:
            self._write(kind, Path(path), options)
        except (export.ExportError, DocumentError, OSError, ValueError) as exc:
            if not report:
                raise
            QMessageBox.warning(self.parent, "Cannot export", f"{Path(path).name}: {exc}")
            return False
        if report:
            self.say(f"Exported {path}{self.slide_note}", 8000)
        return True

    def _write(self, kind: str, path: Path, options: ExportOptions) -> None:
        names = self.scene.selected_members() if options.selection else None
        theme = {"light": LIGHT, "dark": DARK}.get(options.theme)
        background = options.background
        settings = self.document().settings
        shown = self._shown_iteration()
        if kind in ("png", "svg", "pdf") and options.frame != DRAWING:
            laid = self.lay_out_slide(options, names, theme)
            slide.write_slide(laid, path, settings, shown)
            self.slide_note = (
                f" ({laid.frame.width} × {laid.frame.height}, {laid.orientation}, "
                f"smallest text {laid.smallest_points:.1f} pt)"
            )
            return
        common = dict(background=background, names=names, theme=theme)
        common.update(settings=settings, description=shown, values_only=options.values_only)
        if kind == "png":
            export.to_png(self.scene, path, scale=options.scale, **common)
        elif kind == "svg":
            export.to_svg(self.scene, path, **common)
        elif kind == "pdf":
            export.to_pdf(
                self.scene,
                path,
                names=names,
                theme=theme,
                background=background,
                values_only=options.values_only,
            )
        elif kind == "gif":
            self._write_gif(path, options, theme)
        elif kind == "py":
            self._write_code(path, options)
        elif kind == "loss_plot":
            self._history()
            _write_plot(self.training.loss_plot, path, "Loss", options.cursor)
        elif kind == "fit_plot":
            if self.fit is None or not self.fit.shows_something():
                raise export.ExportError(
                    "the Fit view shows nothing: open a graph bound to a dataset (Help ▸ Examples)"
                )
            _write_plot(self.fit.plot, path, "Fit")
        elif kind == "loss_csv":
            path.write_text(loss_csv(self._history()), encoding="utf-8")
        else:
            raise ValueError(f"unknown export '{kind}'")

    def lay_out_slide(self, options: ExportOptions, names: list[str] | None, theme) -> slide.Slide:
        """What the canvas shows, laid out afresh for the options' slide frame."""
        graph = self.scene.graph
        if graph is None:
            raise export.ExportError("there is nothing to export: the canvas is empty")
        width, height = PRESETS.get(options.frame, options.frame_size)
        frame = SlideFrame(
            width, height, options.min_points, options.values_only, options.background
        )
        return slide.lay_out(graph, self.scene.trace, frame, theme or self.scene.theme, names)

    def _shown_iteration(self) -> str | None:
        """ "iteration k of n" while the timeline shows an earlier iteration than the latest,
        whose numbers the picture then shows and embeds; else None."""
        training = self.training
        history = training.history
        if training.shown is None or history is None:
            return None
        return f"iteration {training.shown} of {history.iteration}"

    def _write_gif(self, path: Path, options: ExportOptions, theme) -> None:
        from .gif import write_gif

        graph = self.document().graph
        trace = self.canvas.trace
        if trace is None or trace.older_than(graph.revision):
            raise export.ExportError("evaluate the graph first (F5): the animation plays a run")
        frames = flow_frames(
            graph,
            trace,
            width=options.width,
            speed=options.speed,
            tweens=options.frames_per_step,
            forward=options.forward,
            theme=theme or self.scene.theme,
            dwell_ms=options.hold * 1000,
        )
        write_gif(frames, path)

    def _write_code(self, path: Path, options: ExportOptions) -> None:
        from ...engine.codegen import CodegenError, to_script

        try:
            settings = self.document().settings
            text = to_script(self.document().graph, settings, train=options.train, title=path.stem)
        except CodegenError as exc:
            raise export.ExportError(str(exc)) from None
        path.write_text(text, encoding="utf-8")

    def _history(self) -> TrainingHistory:
        history = self.training.history
        if history is None or not len(history.loss_curve()[0]):
            raise export.ExportError("there is no loss history yet: train the graph first")
        return history

    # ---- clipboard -------------------------------------------------------------------------
    def copy_image(self) -> bool:
        """The selection (or else the whole graph) as a picture at 2×, for crisp pasting, and
        as SVG (``image/svg+xml``) for programs that take vectors; the PNG and SVG flavours
        carry the graph inside, like an exported file."""
        names = self.scene.selected_members() or None
        settings = self.document().settings
        try:
            image = export.render_image(self.scene, 2.0, export.THEMED, names)
            png = export.to_png(self.scene, scale=2.0, names=names, settings=settings)
            svg = export.to_svg(self.scene, names=names, settings=settings)
        except export.ExportError as exc:
            self.say(str(exc), 5000)
            return False
        mime = QMimeData()
        mime.setImageData(image)
        mime.setData("image/png", QByteArray(png))
        mime.setData("image/svg+xml", QByteArray(svg.encode("utf-8")))
        QGuiApplication.clipboard().setMimeData(mime)
        what = "the selection" if names else "the graph"
        self.say(f"Copied {what} as an image", 4000)
        return True


def _write_plot(plot, path: Path, title: str, cursor: bool = False) -> None:
    """A plot widget as SVG (by the suffix) or PNG."""
    from ...plots.export import plot_image, plot_svg

    if path.suffix.lower() == ".svg":
        path.write_text(plot_svg(plot, title, cursor), encoding="utf-8")
    elif not plot_image(plot, cursor=cursor).save(str(path), "PNG"):
        raise export.ExportError(f"cannot write '{path}'")


def loss_csv(history: TrainingHistory) -> str:
    """``iteration,loss`` per kept iteration (every ``stride``-th of a long run), exact floats."""
    iterations, losses = history.loss_curve()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["iteration", "loss"])
    for it, loss in zip(iterations, losses):
        writer.writerow([int(it), repr(float(loss))])
    return out.getvalue()


def _file_stem(title: str) -> str:
    """'The seed story (example)' → 'the-seed-story'; 'graph' when nothing usable is left."""
    words = "".join(c if c.isalnum() else " " for c in title.split("(")[0].lower()).split()
    return "-".join(words)[:60] or "graph"
