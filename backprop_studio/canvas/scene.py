"""GraphScene: mirrors a Graph as items and turns gestures into intents carrying ids.

The scene listens to the graph's signals and follows every change (including undo and redo,
which arrive the same way). It reads the graph to ask ``can_connect`` and ``analyse`` but never
changes it: a gesture ends in a Qt signal, the app pushes a command, the graph emits, and the
scene mirrors the result. One path, one direction, for every edit.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QBrush

from backprop_studio.model.attrs import op_symbol
from backprop_studio.model.graph import Analysis, Edge, Graph, Node
from backprop_studio.model.lesson_conceal import conceal
from backprop_studio.model.trace import Trace

from . import style
from .block_mirror import BlockMirror
from .far_sheets import FarSheets
from .interactions import NewEdgeDrag, NodeDrag
from .items import moves
from .items.block import BlockItem
from .items.edge import EdgeItem
from .items.editor import TitleEditor
from .items.node import NodeItem
from .items.port import PortItem
from .scene_events import SceneEvents
from .style import Theme
from .trace_display import CardNumbers, TraceDisplay, edge_flows


class GraphScene(SceneEvents):
    """Node name → NodeItem, Edge → EdgeItem, kept in step with one Graph."""

    connect_requested = Signal(str, str, str)  # src, dst, port
    nodes_moved = Signal(dict)  # {name: ((old x, old y), (new x, new y))}, once per drag
    node_drop_requested = Signal(str, QPointF)  # op, scene position
    edge_drop_on_empty = Signal(str, QPointF)  # src, scene position
    input_drop_on_empty = Signal(str, str, QPointF)  # dst, port, scene position
    delete_requested = Signal(list, list)  # node names, Edges (not touching those nodes)
    rename_requested = Signal(str, str)  # old, new
    status_message = Signal(str)  # why a gesture was refused
    hover_status = Signal(str)  # the whole problem of the card under the mouse, "" off it
    display_reset = Signal()  # items are about to be refilled (new graph or trace): drop overlays
    cards_changed = Signal()  # cards were added, removed, moved or resized (not only recoloured)
    block_toggle_requested = Signal(str, bool)  # block name, collapse (True) or expand (False)
    template_drop_requested = Signal(str, QPointF)  # block template key, scene position

    def __init__(self, parent: object | None = None, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.theme = theme or style.current_theme()
        self.setBackgroundBrush(QBrush(self.theme.background))
        self._graph: Graph | None = None
        self._nodes: dict[str, NodeItem] = {}
        self._edges: dict[Edge, EdgeItem] = {}
        self._edge_width_scale = 1.0
        self._trace: Trace | None = None
        self._hidden: frozenset[tuple[str, str]] = frozenset()  # numbers a lesson's task asks for
        self._unconcealed: Trace | None = None
        self._edge_labels = True
        self._values_only = False
        self._gesture: NewEdgeDrag | None = None
        self._drag: NodeDrag | None = None
        self._editor: TitleEditor | None = None
        self._hover_text = ""
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        self._blocks = BlockMirror(self, self._nodes, self._edges, self.block_toggle_requested.emit)
        self._blocks.theme = self.theme
        self._display = TraceDisplay(self._nodes, self._edges, self._rects_in_sight, self)
        self._display.resized.connect(self.cards_changed)
        self._sheets = FarSheets(self, self._rects_in_sight)

    # ---- the graph -----------------------------------------------------------------------
    @property
    def graph(self) -> Graph | None:
        """The mirrored graph, to read only (``can_connect``, ``analyse``)."""
        return self._graph

    def set_graph(self, graph: Graph | None) -> None:
        """Mirror ``graph`` (None: an empty scene); forget the previous graph and its items."""
        self.display_reset.emit()
        if self._graph is not None:
            for signal, slot in self._slots(self._graph):
                signal.disconnect(slot)
        self._cancel_gestures()
        self._blocks.attach(None)
        for item in self._edges.values():
            item.detach()
            self.removeItem(item)
        for item in self._nodes.values():
            self.removeItem(item)
        self._nodes.clear()
        self._edges.clear()
        moves.moved()  # (what was in sight went)
        self._trace = None
        self._graph = graph
        if graph is None:
            self.cards_changed.emit()
            return
        for node in graph:
            self._add_node_item(node)
        for edge in graph.edges:
            self._add_edge_item(edge)
        for signal, slot in self._slots(graph):
            signal.connect(slot)
        self._blocks.attach(graph)
        self.refresh()

    def _slots(self, graph: Graph) -> list:
        return [
            (graph.node_added, self._on_node_added),
            (graph.node_removed, self._on_node_removed),
            (graph.node_changed, self._on_node_changed),
            (graph.node_renamed, self._on_node_renamed),
            (graph.edge_added, self._on_edge_added),
            (graph.edge_removed, self._on_edge_removed),
            (graph.changed, self._refresh_timer.start),
        ]

    def _add_node_item(self, node: Node) -> NodeItem:
        item = NodeItem(node.name, node.op, self.theme, node.inputs)
        item.set_label(node.label)
        item.set_symbol(op_symbol(node.spec, node.attrs))
        item.setPos(*node.position)
        item.set_values_only(self._values_only)
        if node.is_leaf:
            item.set_data(node.value)
            item.set_trained(node.trained)
        self._nodes[node.name] = item
        self.addItem(item)
        self._sheets.offer_card(item)
        return item

    def _add_edge_item(self, edge: Edge) -> EdgeItem:
        item = EdgeItem(edge, self._nodes[edge.src], self._nodes[edge.dst], self.theme)
        item.set_show_label(self._edge_labels)
        item.set_width_scale(self._edge_width_scale)
        self._edges[edge] = item
        self.addItem(item)
        self._sheets.offer_edge(item)
        return item

    def _on_node_added(self, node: Node, index: int) -> None:
        self._add_node_item(node)

    def _on_node_removed(self, node: Node, index: int) -> None:
        item = self._nodes.pop(node.name, None)
        if item is not None:
            moves.moved()
            if self._editor is not None and self._editor.parentItem() is item:
                self._editor.cancel()
            self.removeItem(item)

    def _on_node_changed(self, node: Node, attr: str) -> None:
        item = self._nodes.get(node.name)
        if item is None:
            return
        if attr == "position":
            if (item.pos().x(), item.pos().y()) != node.position:
                item.setPos(*node.position)
        elif attr == "label":
            item.set_label(node.label)
        elif attr == "op":
            item.set_op(node.op)
        elif attr == "attrs":
            item.set_symbol(op_symbol(node.spec, node.attrs))
            if node.is_leaf:
                item.set_trained(node.trained)
        elif attr == "value" and node.is_leaf:
            item.set_data(node.value, item.grad)

    def _on_node_renamed(self, old: str, new: str) -> None:
        item = self._nodes.pop(old)
        self._nodes[new] = item
        moves.moved()  # (a card of that name went, one of the new name came)
        item.set_name(new)
        for edge, edge_item in list(self._edges.items()):
            if old in (edge.src, edge.dst):
                renamed = edge.renamed(old, new)
                del self._edges[edge]
                edge_item.edge = renamed
                self._edges[renamed] = edge_item
        self._blocks.sync_nodes(new)

    def _on_edge_added(self, edge: Edge, index: int) -> None:
        self._add_edge_item(edge)
        self._blocks.sync_nodes(edge.src, edge.dst)

    def _on_edge_removed(self, edge: Edge, index: int) -> None:
        item = self._edges.pop(edge, None)
        if item is not None:
            moves.moved()
            item.detach()
            self.removeItem(item)
        self._blocks.sync_nodes(edge.src, edge.dst)

    # ---- what the items show ---------------------------------------------------------------
    def show_trace(self, trace: Trace | None) -> None:
        """Show a run's values, gradients and per-edge gradients (None: the graph's own values)."""
        self.display_reset.emit()
        self._unconcealed = trace
        self._trace = conceal(trace, self._hidden) if trace is not None else None
        trace = self._trace
        for view in self.views():
            expect = getattr(view, "expect_full_repaint", None)
            if expect is not None:
                expect()
        self._sheets.touch_all()
        self._show(edge_flows(trace))

    def keep_trace(self, trace: Trace) -> None:
        """``trace`` has the numbers on show (of a newer revision): it is remembered without
        refilling the items, so what plays over them (an animation) goes on."""
        self._unconcealed = trace
        self._trace = conceal(trace, self._hidden)

    @property
    def trace(self) -> Trace | None:
        return self._trace

    def set_hidden(self, hidden: frozenset[tuple[str, str]]) -> None:
        """Take the (node, "value" | "grad") numbers out of every card and edge, not just out of
        sight (a lesson's open task); the empty set shows the run's numbers again."""
        if hidden != self._hidden:
            self._hidden = frozenset(hidden)
            self.show_trace(self._unconcealed)

    def refresh(self) -> None:
        """Re-read values, shapes, problems and the output from the graph and the shown trace."""
        self._show(None)

    @property
    def pending_numbers(self) -> int:
        """How many cards and edges a big graph's new trace has not reached yet."""
        return self._display.pending

    def flush_numbers(self) -> None:
        """Fill the cards and edges a big graph's new trace has not reached yet (they follow a
        chunk at a time after the ones in sight): an export draws every item."""
        self._display.flush()

    def _show(self, flows: Mapping | None) -> None:
        self._refresh_timer.stop()
        graph, trace = self._graph, self._trace
        analysis = graph.analyse() if graph is not None else Analysis()  # once per revision
        self._display.show(CardNumbers.of(graph, trace, analysis), flows)
        if flows is None:  # an edit (a new size says so itself: the display's ``resized``)
            self.cards_changed.emit()

    def _rects_in_sight(self) -> list[QRectF]:
        """What each shown view of the scene has on screen, in scene coordinates."""
        rects = []
        for view in self.views():
            port = view.viewport()
            if view.isVisible() and not port.rect().isEmpty():
                rects.append(view.mapToScene(port.rect()).boundingRect())
        return rects

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setBackgroundBrush(QBrush(theme.background))
        for item in self._nodes.values():
            item.set_theme(theme)
        for edge in self._edges.values():
            edge.set_theme(theme)
        self._blocks.theme = theme
        for block in self._blocks.items().values():
            block.set_theme(theme)
        for view in self.views():
            view.resetCachedContent()  # the cached grid background has the old colours

    def set_edge_labels(self, show: bool) -> None:
        """Show or hide the gradient number in the middle of each edge."""
        self._edge_labels = show
        for item in self._edges.values():
            item.set_show_label(show)

    @property
    def values_only(self) -> bool:
        return self._values_only

    def set_values_only(self, values_only: bool) -> None:
        """Cards write their numbers without the words "data" and "grad" (for slides)."""
        self._values_only = values_only
        for item in self._nodes.values():
            item.set_values_only(values_only)

    # ---- lookups ---------------------------------------------------------------------------
    @property
    def edge_width_scale(self) -> float:
        return self._edge_width_scale

    @property
    def far(self) -> bool:
        return self._sheets.far

    def set_far(self, far: bool) -> None:
        """Zoomed out (``far``), two sheets paint the plain cards and the edge lines, each in
        one call (``items/far_sheet.py``); the view sets it from its zoom, exports clear it."""
        self._sheets.set_far(far, self._nodes.values(), self._edges.values())

    def set_edge_width_scale(self, scale: float) -> None:
        """Widen every edge by ``scale`` (the view sets it from its zoom; exports reset it)."""
        if scale != self._edge_width_scale:
            self._edge_width_scale = scale
            for item in self._edges.values():
                item.set_width_scale(scale)

    def node_item(self, name: str) -> NodeItem:
        return self._nodes[name]

    def edge_item(self, edge: Edge) -> EdgeItem:
        return self._edges[edge]

    def node_items(self) -> dict[str, NodeItem]:
        return dict(self._nodes)

    def edge_items(self) -> dict[Edge, EdgeItem]:
        return dict(self._edges)

    def block_items(self) -> dict[str, BlockItem]:
        return self._blocks.items()

    def selected_blocks(self) -> list[str]:
        """Collapsed block cards in the selection (an expanded frame is not selectable)."""
        return [i.name for i in self.selectedItems() if isinstance(i, BlockItem)]

    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem):
                return item
        return None

    def port_at(self, pos: QPointF) -> PortItem | None:
        for item in self.items(pos):
            if isinstance(item, PortItem):
                return item
        return None

    def selected_names(self) -> list[str]:
        return [i.name for i in self.selectedItems() if isinstance(i, NodeItem)]

    def selected_members(self) -> list[str]:
        """The selected nodes, with the members of each selected collapsed block: the card
        stands for its nodes, so copy, duplicate, delete and export act on them."""
        names = self.selected_names()
        for block in self.selectedItems():
            if isinstance(block, BlockItem):
                names += [m for m in block.members if m not in names]
        return names

    def selected_edges(self) -> list[Edge]:
        return [i.edge for i in self.selectedItems() if isinstance(i, EdgeItem)]

    def select_names(self, names: list[str]) -> None:
        """Select these nodes; one hidden in a collapsed block selects the block's card."""
        self.clearSelection()
        for name in names:
            item = self._nodes.get(name)
            if item is not None and not item.isVisible() and item.block_item is not None:
                item.block_item.setSelected(True)
            elif item is not None:
                item.setSelected(True)

    # ---- intents ---------------------------------------------------------------------------
    def request_delete(self) -> None:
        """Emit ``delete_requested`` for the selection (edges of deleted nodes go with them)."""
        names = self.selected_members()
        gone = set(names)
        edges = [e for e in self.selected_edges() if e.src not in gone and e.dst not in gone]
        if names or edges:
            self.delete_requested.emit(names, edges)

    def begin_rename(self, name: str) -> TitleEditor:
        """Open the inline title editor of ``name``; Enter emits ``rename_requested``."""
        self._cancel_gestures()
        item = self._nodes[name]
        self._editor = item.begin_rename(lambda new: self._commit_rename(item, new))
        return self._editor

    def _commit_rename(self, item: NodeItem, new: str) -> None:
        self._editor = None
        old = item.name
        if not new or new == old:
            return
        problem = self._graph.rename_problem(old, new) if self._graph is not None else None
        if problem:
            self.status_message.emit(problem)
            return
        self.rename_requested.emit(old, new)

    def _cancel_gestures(self) -> None:
        if self._gesture is not None:
            self._gesture.cancel()
            self._gesture = None
        self._drag = None
        if self._editor is not None:
            self._editor.cancel()
            self._editor = None
