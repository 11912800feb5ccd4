"""The widgets of the message list: the user's turn and the answer with its route card.

An answer is built only from the turn's events, through `AnswerMessage.add`, both while the
turn runs and when a stored chat is reloaded, so a reloaded answer looks like the live one.
An answer can take focus (Tab, or up/down between answers); its keys copy its text or its last
code block (OSC 52, so it works over SSH), open its chart, toggle its route card, and retry it.
"""

from __future__ import annotations

import re

from rich.markdown import Markdown as RichMarkdown
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Markdown, Static
from textual.widgets.markdown import MarkdownStream

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
    TurnStarted,
)
from tui.widgets.checklist import STEP_TOOL_PREFIX, StepChecklist, parse_checklist
from tui.widgets.plan_tree import PlanTree
from tui.widgets.results import ChartView, SourcesList, TableView, is_sources
from tui.widgets.route_card import RouteCard

_CODE_BLOCK = re.compile(r"^\s*(```|~~~)[^\n]*\n(.*?)^\s*\1\s*$", re.DOTALL | re.MULTILINE)
STEP_DETAIL_CHARS = 80


def last_code_block(markdown: str) -> str | None:
    """The body of the last fenced code block in `markdown`, without its fences."""
    blocks = [m.group(2) for m in _CODE_BLOCK.finditer(markdown)]
    return blocks[-1].rstrip("\n") if blocks else None


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


class NoticeLine(Static):
    DEFAULT_CSS = """
    NoticeLine { color: $text-warning; padding: 0 1; }
    NoticeLine.-info { color: $text-muted; }
    """


class ErrorLine(Horizontal):
    """An error sentence, with a Retry button when trying again can help."""

    DEFAULT_CSS = """
    ErrorLine { height: auto; margin: 1 0 0 0; }
    ErrorLine > Static { width: 1fr; color: $text-error; padding: 0 1; text-style: bold; }
    ErrorLine > Button { margin: 0 1; }
    """

    def __init__(self, event: Error) -> None:
        super().__init__()
        self.event = event

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text(self.event.message))
        if self.event.retryable:
            yield Button("Retry", variant="warning", compact=True, classes="retry")


class AnswerText(Static):
    """A finished answer's Markdown, drawn by Rich in one widget.

    Textual's Markdown widget, which the answer streams into, costs about 700 KB per answer
    (a parser and a widget per block); chats of hundreds of answers kept open all day would
    hold hundreds of MB. Rich draws the same Markdown from one renderable for about 30 KB.
    """

    DEFAULT_CSS = """
    AnswerText { padding: 0 1; }
    """

    def __init__(self, text: str) -> None:
        super().__init__(RichMarkdown(text, code_theme="monokai", inline_code_lexer="text"))
        self.text = text


class AnswerMessage(Vertical, can_focus=True):
    """One answer: route card, streamed Markdown, then whatever else the agent sent."""

    DEFAULT_CSS = """
    AnswerMessage {
        height: auto;
        margin: 0 0 1 0;
        padding: 0;
        border-left: blank;
    }
    AnswerMessage:focus { border-left: thick $secondary; background: $boost; }
    AnswerMessage > Markdown {
        margin: 0;
        padding: 0 1;
    }
    """
    BINDINGS = [
        # The ids are the names a `[keys]` table (Textual's keymap) rebinds them by.
        Binding("c", "copy_text", "Copy answer", id="copy_answer"),
        Binding("y", "copy_code", "Copy code", id="copy_code"),
        Binding("o", "open_chart", "Open chart", id="open_chart"),
        Binding("r", "retry", "Retry", id="retry_turn"),
        Binding("enter", "toggle_card", "Route details", id="route_details"),
        Binding("up", "focus_answer(-1)", "Previous answer", show=False, id="previous_answer"),
        Binding("down", "focus_answer(1)", "Next answer", show=False, id="next_answer"),
    ]

    class RetryRequested(Message):
        """The user asked to send this answer's turn again; the app sends `text`."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, prompt: str = "", *, restoring: bool = False) -> None:
        """`restoring`: the events come from the store, all at once, so the text is drawn once
        when the turn's end arrives instead of being streamed."""
        super().__init__()
        self.card = RouteCard()
        # While restoring there is nothing to stream into: no Markdown widget (nor its parser).
        self.body: Markdown | AnswerText | None = None if restoring else Markdown("")
        self.restoring = restoring
        self._stream: MarkdownStream | None = None
        self.prompt_text = prompt  # what the user sent, for a retry
        self.text = ""
        self.errors: list[str] = []
        self.retryable = False
        self.plan_tree: PlanTree | None = None
        self.checklist: StepChecklist | None = None
        self.charts: list[ChartView] = []

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.card
        if self.body is not None:
            yield self.body

    def _markdown_stream(self) -> MarkdownStream:
        if self._stream is None:
            assert isinstance(self.body, Markdown)
            self._stream = Markdown.get_stream(self.body)
        return self._stream

    async def add(self, event: Event) -> None:
        """Show one event. Text goes through a MarkdownStream, which batches fast deltas so
        a quick model never floods the UI."""
        if isinstance(event, TurnStarted):
            self.prompt_text = event.text
            self.card.start_clock(event.ts)
        elif isinstance(event, (RouteDecided, AgentStarted)):
            self.card.record(event)
        elif isinstance(event, TextDelta):
            self.text += event.text
            if not self.restoring:
                await self._markdown_stream().write(event.text)
        elif isinstance(event, Notice):
            steps = parse_checklist(event.message)
            if steps is not None:
                (await self._checklist()).replace(*steps)
            else:
                await self.mount(NoticeLine(Text(event.message), classes=f"-{event.level}"))
        elif isinstance(event, Error):
            self.errors.append(event.message)
            self.retryable = self.retryable or event.retryable
            self.add_class("-error")
            self.card.set_status("error")
            await self.mount(ErrorLine(event))
            self.refresh_bindings()
        elif isinstance(event, (ToolCall, ToolResult)):
            self.card.record(event)
            await self._step_progress(event)
        elif isinstance(event, TableResult):
            if is_sources(event):
                await self.mount(SourcesList(event))
            else:
                sql_in_text = bool(event.sql) and " ".join(event.sql.split()) in " ".join(self.text.split())
                await self.mount(TableView(event, sql_in_text=sql_in_text))
        elif isinstance(event, ChartResult) and event.text_chart:
            chart = ChartView(event)
            self.charts.append(chart)
            await self.mount(chart)
            self.refresh_bindings()
        elif isinstance(event, PlanNode):
            if self.plan_tree is None:
                self.plan_tree = PlanTree("plan")
                await self.mount(self.plan_tree, before=self.body)
            self.plan_tree.add_event(event)
        elif isinstance(event, TurnDone):
            self.card.record(event)
            await self.finish(event.status)

    async def _checklist(self) -> StepChecklist:
        if self.checklist is None:
            self.checklist = StepChecklist()
            await self.mount(self.checklist)
        return self.checklist

    async def _step_progress(self, event: ToolCall | ToolResult) -> None:
        """Steps named `seo.<step>` tick a checklist as they run."""
        if not event.tool.startswith(STEP_TOOL_PREFIX):
            return
        step = event.tool[len(STEP_TOOL_PREFIX):]
        checklist = await self._checklist()
        if isinstance(event, ToolCall):
            checklist.mark(step, "running")
        else:
            detail = " ".join(event.content.split())[:STEP_DETAIL_CHARS]
            checklist.mark(step, "done" if event.ok else "failed", detail)

    async def finish(self, status: str) -> None:
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        if self.text and not isinstance(self.body, AnswerText):
            # A finished answer is drawn by one light widget (see AnswerText).
            finished = AnswerText(self.text)
            if self.body is None:
                await self.mount(finished, after=self.plan_tree or self.card)
            else:
                await self.mount(finished, after=self.body)
                await self.body.remove()
            self.body = finished
        if status != "ok":
            self.card.set_status(status)
        if status == "cancelled":
            self.add_class("-cancelled")
            await self.mount(NoticeLine(Text("Cancelled: the answer above is incomplete.")))

    # Keys on a focused answer.

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy_code":
            return last_code_block(self.text) is not None
        if action == "open_chart":
            return any(chart.html_path for chart in self.charts)
        if action == "retry":
            return self.retryable and bool(self.prompt_text)
        if action == "copy_text":
            return bool(self.text)
        return True

    def action_copy_text(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify(f"Copied the answer ({len(self.text):,} characters).")

    def action_copy_code(self) -> None:
        code = last_code_block(self.text)
        if code is None:
            self.notify("This answer has no code block to copy.", severity="warning")
            return
        self.app.copy_to_clipboard(code)
        self.notify(f"Copied the last code block ({len(code.splitlines())} lines).")

    def action_open_chart(self) -> None:
        charts = [chart for chart in self.charts if chart.html_path]
        if charts:
            self.open_chart(charts[-1])

    @on(ChartView.OpenRequested)
    def _chart_clicked(self, message: ChartView.OpenRequested) -> None:
        message.stop()
        self.open_chart(message.chart)

    def open_chart(self, chart: ChartView) -> None:
        path = chart.html_path
        if path is None:
            return
        if not path.is_file():
            self.notify(f"The chart file {path} is gone; ask the question again to redraw it.", severity="warning")
            return
        self.app.open_url(path.resolve().as_uri())
        self.notify(f"Opened {path.name} in the browser.")

    def action_toggle_card(self) -> None:
        self.card.collapsed = not self.card.collapsed

    def action_retry(self) -> None:
        if self.prompt_text:
            self.post_message(self.RetryRequested(self.prompt_text))

    @on(Button.Pressed, ".retry")
    def _retry_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_retry()

    def action_focus_answer(self, step: int) -> None:
        """Up/down move between answers; down from the last one goes back to the input."""
        answers = list(self.screen.query(AnswerMessage))
        index = answers.index(self) + step
        if 0 <= index < len(answers):
            answers[index].focus()
            answers[index].scroll_visible()
        elif index >= len(answers):
            from tui.widgets.prompt_input import PromptInput

            for prompt in self.screen.query(PromptInput):
                prompt.focus()
