"""The widgets of the message list: the user's turn and the answer with its route badge."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import DataTable, Markdown, Static
from textual.widgets.markdown import MarkdownStream

from tui.widgets.plan_tree import PlanTree
from agents.events import (
    AgentStarted,
    ChartResult,
    Error,
    Event,
    Notice,
    PlanNode,
    RouteDecided,
    TableResult,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnDone,
)


def badge_text(event: RouteDecided) -> str:
    return f"{event.agent} · {event.stage} · {event.confidence:.0%}"


class UserMessage(Static):
    DEFAULT_CSS = """
    UserMessage {
        margin: 1 0 0 0;
        padding: 0 1;
        border-left: thick $accent;
        color: $text;
    }
    """

    def __init__(self, text: str) -> None:
        super().__init__(Text(text), markup=False)
        self.text = text


class RouteBadge(Static):
    DEFAULT_CSS = """
    RouteBadge {
        width: auto;
        padding: 0 1;
        background: $primary-muted;
        color: $text;
        text-style: bold;
    }
    """


class NoticeLine(Static):
    DEFAULT_CSS = """
    NoticeLine { color: $text-warning; padding: 0 1; }
    NoticeLine.-info { color: $text-muted; }
    """


class ErrorLine(Static):
    DEFAULT_CSS = """
    ErrorLine { color: $text-error; padding: 0 1; text-style: bold; }
    """


class AnswerMessage(Vertical):
    """One answer: badge, streamed Markdown, then whatever else the agent sent."""

    DEFAULT_CSS = """
    AnswerMessage {
        height: auto;
        margin: 0 0 1 0;
        padding: 0 0 0 1;
    }
    AnswerMessage > Markdown {
        margin: 0;
        padding: 0 1;
    }
    AnswerMessage.-cancelled RouteBadge { background: $warning-muted; }
    AnswerMessage.-error RouteBadge { background: $error-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.badge = RouteBadge("routing…")
        self.body = Markdown("")
        self._stream: MarkdownStream | None = None
        self.text = ""
        self.errors: list[str] = []
        self.plan_tree: PlanTree | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.badge
        yield self.body

    def _markdown_stream(self) -> MarkdownStream:
        if self._stream is None:
            self._stream = Markdown.get_stream(self.body)
        return self._stream

    async def add(self, event: Event) -> None:
        """Show one event. Text goes through a MarkdownStream, which batches fast deltas so
        a quick model never floods the UI."""
        if isinstance(event, RouteDecided):
            self.badge.update(badge_text(event))
            threshold = f", threshold {event.threshold:.2f}" if event.threshold is not None else ""
            self.badge.tooltip = (
                f"{event.reason}\n{event.elapsed_ms:.1f} ms{threshold}\n"
                + ", ".join(f"{c.agent} {c.score:.2f}" for c in event.candidates[:6])
            )
        elif isinstance(event, AgentStarted):
            self.badge.tooltip = f"{self.badge.tooltip or ''}\n{event.backend} · {event.model}".strip()
        elif isinstance(event, TextDelta):
            self.text += event.text
            await self._markdown_stream().write(event.text)
        elif isinstance(event, Notice):
            await self.mount(NoticeLine(Text(event.message), classes=f"-{event.level}"))
        elif isinstance(event, Error):
            self.errors.append(event.message)
            self.add_class("-error")
            await self.mount(ErrorLine(Text(event.message)))
        elif isinstance(event, ToolCall):
            await self.mount(NoticeLine(Text(f"→ {event.tool}"), classes="-info"))
        elif isinstance(event, ToolResult) and not event.ok:
            await self.mount(NoticeLine(Text(f"✗ {event.tool}: {event.content[:200]}")))
        elif isinstance(event, TableResult):
            await self.mount(_table(event))
        elif isinstance(event, ChartResult) and event.text_chart:
            await self.mount(Static(Text(event.text_chart)))
        elif isinstance(event, PlanNode):
            if self.plan_tree is None:
                self.plan_tree = PlanTree("plan")
                await self.mount(self.plan_tree, before=self.body)
            self.plan_tree.add_event(event)
        elif isinstance(event, TurnDone):
            await self.finish(event.status)

    async def finish(self, status: str) -> None:
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        if status == "cancelled":
            self.add_class("-cancelled")
            self.badge.update(f"{self.badge.render()} · cancelled")
            await self.mount(NoticeLine(Text("Cancelled: the answer above is incomplete.")))


def _table(event: TableResult) -> DataTable:
    table: DataTable = DataTable(zebra_stripes=True, show_cursor=False)
    table.styles.height = min(len(event.rows) + 2, 15)
    table.add_columns(*event.columns)
    table.add_rows([["" if v is None else str(v) for v in row] for row in event.rows])
    return table
