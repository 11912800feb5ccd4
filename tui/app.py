"""The chat: a message list, an input, and a status line naming the backend and model.

Each turn runs in a Textual worker, so the UI keeps taking keys while a model works; Esc
cancels the worker, and the session stores the partial answer as cancelled.
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static
from textual.worker import Worker

from agents.events import Error, Event, TurnStarted
from router.session import Session
from router.store import StoredTurn
from tui.runtime import Runtime
from tui.widgets.messages import AnswerMessage, NoticeLine, UserMessage
from tui.widgets.prompt_input import PromptInput


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    """


class MaitreApp(App[None]):
    TITLE = "maitre"
    CSS = """
    #messages { height: 1fr; padding: 0 1; }
    #prompt { margin: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel_turn", "Cancel", show=True),
        Binding("ctrl+q", "quit", "Quit", show=True, priority=True),
    ]

    def __init__(self, runtime: Runtime, session_id: str | None = None) -> None:
        super().__init__()
        self.runtime = runtime
        self._session_id = session_id
        self.session: Session | None = None
        self.turn_worker: Worker[None] | None = None
        self.last_sent = ""

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="messages")
        yield PromptInput(id="prompt")
        yield StatusLine(id="status")
        yield Footer()

    async def on_mount(self) -> None:
        self.session = self.runtime.session(self._session_id)
        self.update_status()
        messages = self.query_one("#messages", VerticalScroll)
        messages.anchor()
        for note in self.runtime.notes:
            await messages.mount(NoticeLine(Text(note)))
        await self.show_stored_turns(self.runtime.store.load_turns(self.session.id))
        self.query_one(PromptInput).focus()

    def update_status(self) -> None:
        hub = self.runtime.models
        self.query_one(StatusLine).update(Text(f"{hub.describe()} — {hub.choice.reason}"))

    async def show_stored_turns(self, turns: list[StoredTurn]) -> None:
        messages = self.query_one("#messages", VerticalScroll)
        for turn in turns:
            answer = AnswerMessage()
            await messages.mount(UserMessage(turn.text), answer)
            for event in turn.events:
                if not isinstance(event, TurnStarted):
                    await answer.add(event)
            if turn.status == "running":  # the app stopped during this turn
                await answer.finish("cancelled")

    @property
    def turn_running(self) -> bool:
        return self.turn_worker is not None and self.turn_worker.is_running

    @on(PromptInput.Submitted)
    async def send(self, message: PromptInput.Submitted) -> None:
        text = message.text
        if not text.strip():
            return
        if self.turn_running:
            self.notify("A turn is still running: wait, or press Esc to cancel it.", severity="warning")
            return
        message.prompt.clear()
        self.last_sent = text
        answer = AnswerMessage()
        messages = self.query_one("#messages", VerticalScroll)
        await messages.mount(UserMessage(text), answer)
        messages.anchor()
        self.turn_worker = self.run_turn(text, answer)

    @work(group="turn", exclusive=True)
    async def run_turn(self, text: str, answer: AnswerMessage) -> None:
        assert self.session is not None
        try:
            async with aclosing(self.session.send(text)) as events:
                async for event in events:
                    await self.show_event(answer, event)
        except asyncio.CancelledError:
            await answer.finish("cancelled")
            raise
        finally:
            self.update_status()  # `auto` may have fallen back to the embedded model

    async def show_event(self, answer: AnswerMessage, event: Event) -> None:
        await answer.add(event)
        if isinstance(event, Error):
            # The user's words are never lost: put them back for a retry.
            prompt = self.query_one(PromptInput)
            if not prompt.text.strip():
                prompt.text = self.last_sent
                prompt.move_cursor(prompt.document.end)

    def action_cancel_turn(self) -> None:
        if self.turn_running and self.turn_worker is not None:
            self.turn_worker.cancel()
