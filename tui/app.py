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
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Static
from textual.worker import Worker

from agents.events import Error, Event
from router.session import Session
from router.store import StoredTurn
from tui.runtime import Runtime
from tui.screens import AskLine, HelpScreen
from tui.widgets.messages import AnswerMessage, NoticeLine, UserMessage
from tui.widgets.prompt_input import PromptInput
from tui.widgets.sidebar import ChatSidebar


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
        Binding("ctrl+n", "new_chat", "New chat", show=True),
        Binding("ctrl+b", "toggle_sidebar", "Chats", show=True),
        Binding("f2", "rename_chat", "Rename", show=False),
        Binding("delete", "delete_chat", "Delete chat", show=False),
        Binding("f1", "help", "Help", show=True),
        Binding("ctrl+q", "quit", "Quit", show=True, priority=True),
    ]
    # Commands typed into the input that act on the app instead of going to an agent.
    APP_COMMANDS = ("new", "export", "help")

    def __init__(self, runtime: Runtime, session_id: str | None = None) -> None:
        super().__init__()
        self.runtime = runtime
        self._session_id = session_id
        self.session: Session | None = None
        self.turn_worker: Worker[None] | None = None
        self.last_sent = ""

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield ChatSidebar(id="sidebar")
            with Vertical(id="main"):
                yield VerticalScroll(id="messages")
                yield PromptInput(id="prompt")
        yield StatusLine(id="status")
        yield Footer()

    async def on_mount(self) -> None:
        await self.open_chat(self._session_id)
        messages = self.query_one("#messages", VerticalScroll)
        for note in self.runtime.notes:
            await messages.mount(NoticeLine(Text(note)))

    async def open_chat(self, session_id: str | None) -> None:
        """Show a stored chat (or a new one when None) in place of the current one."""
        if self.turn_running:
            self.notify("A turn is still running: wait, or press Esc to cancel it.", severity="warning")
            return
        self.session = self.runtime.session(session_id)
        messages = self.query_one("#messages", VerticalScroll)
        await messages.remove_children()
        await self.show_stored_turns(self.runtime.store.load_turns(self.session.id))
        messages.anchor()
        await self.refresh_sidebar()
        self.update_status()
        self.query_one(PromptInput).focus()

    async def refresh_sidebar(self) -> None:
        assert self.session is not None
        await self.query_one(ChatSidebar).show(self.runtime.store.list_sessions(), self.session.id)

    @on(ChatSidebar.Chosen)
    async def _chat_chosen(self, message: ChatSidebar.Chosen) -> None:
        if self.session is None or message.session_id != self.session.id:
            await self.open_chat(message.session_id)

    def update_status(self) -> None:
        hub = self.runtime.models
        self.query_one(StatusLine).update(Text(f"{hub.describe()} — {hub.choice.reason}"))

    async def show_stored_turns(self, turns: list[StoredTurn]) -> None:
        messages = self.query_one("#messages", VerticalScroll)
        for turn in turns:
            answer = AnswerMessage()
            await messages.mount(UserMessage(turn.text), answer)
            for event in turn.events:
                await answer.add(event)
            if turn.status == "running":  # the app stopped during this turn
                await answer.finish("cancelled")

    @property
    def turn_running(self) -> bool:
        return self.turn_worker is not None and self.turn_worker.is_running

    @on(PromptInput.Submitted)
    async def send(self, message: PromptInput.Submitted) -> None:
        await self.submit(message.text)

    @on(AnswerMessage.RetryRequested)
    async def retry(self, message: AnswerMessage.RetryRequested) -> None:
        prompt = self.query_one(PromptInput)
        if prompt.text.strip() == message.text.strip() and not self.turn_running:
            prompt.clear()  # the failed turn's text was put back there; it is being sent now
        await self.submit(message.text, clear_prompt=False)

    async def submit(self, text: str, clear_prompt: bool = True) -> None:
        """Send `text` as a turn (or run it as an app command); clears the input when asked."""
        prompt = self.query_one(PromptInput)
        if not text.strip():
            return
        if self.turn_running:
            self.notify("A turn is still running: wait, or press Esc to cancel it.", severity="warning")
            return
        command = text.strip().split()
        if command[0].startswith("/") and command[0][1:] in self.APP_COMMANDS:
            if clear_prompt:
                prompt.clear()
            await self.run_app_command(command[0][1:], command[1:])
            return
        if clear_prompt:
            prompt.clear()
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
            await self.refresh_sidebar()  # a first turn gives the chat its title

    async def show_event(self, answer: AnswerMessage, event: Event) -> None:
        await answer.add(event)
        if isinstance(event, Error):
            # The user's words are never lost: put them back for a retry.
            prompt = self.query_one(PromptInput)
            if not prompt.text.strip():
                prompt.text = self.last_sent
                prompt.move_cursor(prompt.document.end)

    async def run_app_command(self, name: str, args: list[str]) -> None:
        if name == "new":
            await self.action_new_chat()
        elif name == "help":
            self.action_help()
        elif name == "export":
            self.export_current(args[0] if args else "md")

    def export_current(self, fmt: str) -> None:
        from tui.export import FORMATS, export_chat

        assert self.session is not None
        if fmt not in FORMATS:
            self.notify(f"Export as md or jsonl, not {fmt!r}.", severity="error")
            return
        info = self.runtime.store.get_session(self.session.id)
        turns = self.runtime.store.load_turns(self.session.id)
        if info is None or not turns:
            self.notify("Nothing to export yet: this chat is empty.", severity="warning")
            return
        folder = self.runtime.settings.data_dir / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"chat-{info.id[:8]}.{fmt}"
        path.write_text(export_chat(info, turns, fmt), encoding="utf-8")
        self.notify(f"Exported to {path}")

    async def action_new_chat(self) -> None:
        await self.open_chat(None)

    def action_toggle_sidebar(self) -> None:
        self.query_one(ChatSidebar).toggle_class("-hidden")

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_rename_chat(self) -> None:
        assert self.session is not None
        info = self.runtime.store.get_session(self.session.id)

        async def rename(title: str | None) -> None:
            if title and self.session is not None:
                self.runtime.store.rename_session(self.session.id, title)
                await self.refresh_sidebar()

        self.push_screen(AskLine("Rename this chat:", info.title if info else ""), rename)

    async def action_delete_chat(self) -> None:
        target = self.query_one(ChatSidebar).highlighted()
        if target is None:
            self.notify("Highlight a chat in the sidebar to delete it.", severity="warning")
            return
        self.runtime.store.delete_session(target.id)
        if self.session is not None and target.id == self.session.id:
            await self.open_chat(None)
        else:
            await self.refresh_sidebar()
        self.notify(f"Deleted “{target.title or 'New chat'}”.")

    def action_cancel_turn(self) -> None:
        if self.turn_running and self.turn_worker is not None:
            self.turn_worker.cancel()
