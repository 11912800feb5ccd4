"""PlanTree: the planner's search tree, drawn live from PlanNode events.

A Textual `Tree` that grows as events arrive (a node may be announced several times as its state
changes: proposed → kept / pruned → chosen; the same line is updated in place). Nodes can be
collapsed; the chosen path is highlighted and `c` folds everything else away. The Tree draws only
the lines on screen, so a tree of hundreds of nodes stays cheap; events for a node whose parent
has not arrived yet wait until it does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from agents.events import PlanNode

try:  # the style that makes a click on the ▶ icon toggle the node, as in Textual's own labels
    from textual.widgets._tree import TOGGLE_STYLE
except ImportError:  # pragma: no cover - a Textual without it
    TOGGLE_STYLE = Style.from_meta({"toggle": True})

# Marks and styles per state; "chosen" wins over everything, "pruned" fades out.
STATE_MARKS: dict[str, tuple[str, str]] = {
    "proposed": ("…", "italic"),
    "kept": ("•", ""),
    "pruned": ("✗", "dim strike"),
    "chosen": ("★", "bold green"),
}
LABEL_CHARS = 100


def plan_label(event: PlanNode) -> Text:
    mark, style = STATE_MARKS.get(event.state, ("?", ""))
    first_line = event.text.strip().splitlines()[0] if event.text.strip() else "(empty)"
    if len(first_line) > LABEL_CHARS:
        first_line = first_line[: LABEL_CHARS - 1] + "…"
    label = Text(f"{mark} ", style=style)
    label.append(first_line, style=style)
    if event.score is not None:
        label.append(f"  {event.score:.2f}", style="cyan" if event.state != "pruned" else "dim")
    if event.tokens or event.ms:
        label.append(f"  {event.tokens} tok · {event.ms / 1000:.1f} s", style="dim")
    return label


class PlanTree(Tree[PlanNode]):
    """Feed it with `add_event` / `add_events`; `chosen_path()` lists the chosen node ids."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "show_chosen", "Chosen path only", show=True),
        Binding("e", "expand_everything", "Expand all", show=True),
    ]
    DEFAULT_CSS = """
    PlanTree {
        height: auto;
        max-height: 20;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, label: str = "plan", **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(label, **kwargs)
        self.guide_depth = 3
        self._by_id: dict[str, TreeNode[PlanNode]] = {}
        self._waiting: dict[str, list[PlanNode]] = {}  # parent id → children that came first
        self._labels: dict[str, Text] = {}  # node id → label of its latest event

    def __len__(self) -> int:
        return len(self._by_id)

    def add_events(self, events: Iterable[PlanNode]) -> None:
        for event in events:
            self.add_event(event)

    async def load(self, events: Iterable[PlanNode], chunk: int = 50) -> None:
        """Draw a stored tree (a reloaded chat): only each node's last state, `chunk` nodes at a
        time with a yield to the event loop between, so typing is never held up."""
        latest: dict[str, PlanNode] = {}
        for event in events:  # dict order keeps first appearance: parents before children
            latest[event.node_id] = event
        batch = list(latest.values())
        for start in range(0, len(batch), chunk):
            self.add_events(batch[start : start + chunk])
            await asyncio.sleep(0)

    def add_event(self, event: PlanNode) -> None:
        known = self._by_id.get(event.node_id)
        if known is not None:
            if known.data == event:
                return
            # A state change: repaint this one line. (Tree.set_label would queue a callback per
            # call and rescan the visible lines each time; a search sends hundreds of updates.)
            known.data = event
            self._labels[event.node_id] = plan_label(event)
            known.refresh()
            if event.state == "chosen":
                self._reveal(known)
            return
        label = plan_label(event)
        self._labels[event.node_id] = label
        if event.parent_id is None:
            node = self.root
            node.data = event
            node.set_label(label)
            node.expand()
        else:
            parent = self._by_id.get(event.parent_id)
            if parent is None:
                self._waiting.setdefault(event.parent_id, []).append(event)
                return
            parent.allow_expand = True
            node = parent.add(label, data=event, expand=True, allow_expand=False)
        self._by_id[event.node_id] = node
        for child in self._waiting.pop(event.node_id, []):
            self.add_event(child)

    def label_of(self, node_id: str) -> Text:
        """The node's current label (its latest event), as drawn."""
        return self._labels[node_id]

    def render_label(self, node: TreeNode[PlanNode], base_style: Style, style: Style) -> Text:
        """Draw from the node's latest event rather than the label it was added with."""
        node_id = node.data.node_id if node.data is not None else None
        label = self._labels[node_id].copy() if node_id in self._labels else Text(str(node.label))
        label.stylize(style)
        if node.allow_expand:
            prefix = (self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE, base_style + TOGGLE_STYLE)
        else:
            prefix = ("", base_style)
        return Text.assemble(prefix, label)

    def node_for(self, node_id: str) -> TreeNode[PlanNode] | None:
        return self._by_id.get(node_id)

    def chosen_path(self) -> list[str]:
        return [i for i, n in self._by_id.items() if n.data is not None and n.data.state == "chosen"]

    def _reveal(self, node: TreeNode[PlanNode]) -> None:
        current: TreeNode[PlanNode] | None = node.parent
        while current is not None:
            if not current.is_expanded:
                current.expand()
            current = current.parent

    def action_show_chosen(self) -> None:
        """Fold every branch off the chosen path, so the answer's reasoning reads top to bottom."""
        chosen = set(self.chosen_path())
        for node_id, node in self._by_id.items():
            if node_id in chosen:
                node.expand()
            elif node.children:
                node.collapse()

    def action_expand_everything(self) -> None:
        self.root.expand_all()
