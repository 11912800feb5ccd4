"""The chat: a message list, an input, and a status line naming the backend and model.

Each turn runs in a Textual worker, so the UI keeps taking keys while a model works; Esc
cancels the worker, and the session stores the partial answer as cancelled.

`maitre chat` shows the screen first and builds the runtime (agents, router, store, the
Ollama probe) in a thread behind it: the user can type at once, and a message sent before
the runtime is ready waits in the input and goes out when it is.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import aclosing
from functools import partial

from rich.text import Text
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.screen import Screen
from textual.widget import Widget
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Static
from textual.worker import Worker

from agents.events import Error, Event
from tui.history import HISTORY_PAGE, EarlierTurns, coalesce_text
from tui.keymap import APP_ACTIONS, app_bindings, read_keymap
from tui.screens import AskLine, HelpScreen, help_text
from tui.widgets.chat_views import ChatView, ChatViews
from tui.widgets.messages import AnswerMessage, NoticeLine, UserMessage
from tui.widgets.prompt_input import PromptInput
from tui.widgets.sidebar import ChatSidebar

if TYPE_CHECKING:  # the runtime's modules (router, agents, store) load behind the screen
    from router.session import Session
    from router.store import StoredTurn
    from tui.runtime import Runtime
    from tui.settings import Settings

# What the app can do before its runtime is built.
WITHOUT_RUNTIME = frozenset({"quit", "help", "toggle_sidebar", "focus_prompt", "cancel_turn", "command_palette"})


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


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
    #prompt { margin: 0 1; }
    """
    BINDINGS = app_bindings()
    # Commands typed into the input that act on the app instead of going to an agent.
    APP_COMMANDS = ("new", "export", "help", "model")

    def __init__(
        self,
        runtime: Runtime | None = None,
        session_id: str | None = None,
        *,
        settings: Settings | None = None,
        load: Callable[[Settings], Runtime] | None = None,
    ) -> None:
        """Give a built `runtime`, or `settings` and `load` to build it behind the screen."""
        super().__init__()
        if runtime is None and (settings is None or load is None):
            raise ValueError("MaitreApp needs a runtime, or settings and a loader")
        self._runtime = runtime
        self.settings = runtime.settings if runtime is not None else settings
        self._load = load
        self._session_id = session_id
        self.session: Session | None = None
        self.turn_worker: Worker[None] | None = None
        self.last_sent = ""
        self._send_when_ready = False
        self.keymap = read_keymap(self.settings.keys)
        self.set_keymap(self.keymap.bindings)

    @property
    def ready(self) -> bool:
        return self._runtime is not None

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            raise RuntimeError("the runtime is still loading")  # callers check `ready` first
        return self._runtime

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield ChatSidebar(id="sidebar")
            with Vertical(id="main"):
                yield ChatViews(id="chats")
                yield PromptInput(id="prompt", send_keys=self.keymap.send, newline_keys=self.keymap.newline)
        yield StatusLine(id="status")
        yield Footer()

    async def on_mount(self) -> None:
        if self._runtime is not None:
            await self.start()
            return
        await self.query_one(ChatViews).show("starting")
        self.query_one(StatusLine).update("starting: loading the agents, the router and the chats…")
        self.query_one(PromptInput).focus()
        self.load_runtime()

    @work(thread=True, group="load", exit_on_error=False)
    def load_runtime(self) -> None:
        assert self._load is not None and self.settings is not None
        try:
            runtime = self._load(self.settings)
        except Exception as exc:  # noqa: BLE001 - the user gets the sentence, then the shell
            self.call_from_thread(self.exit, return_code=1, message=f"maitre could not start: {exc}")
            return
        self.call_from_thread(self.runtime_loaded, runtime)

    async def runtime_loaded(self, runtime: Runtime) -> None:
        self._runtime = runtime
        await self.query_one(ChatViews).drop("starting")
        await self.start()
        self.refresh_bindings()
        prompt = self.query_one(PromptInput)
        if self._send_when_ready and prompt.text.strip():
            self.post_message(PromptInput.Submitted(prompt, prompt.text))

    async def start(self) -> None:
        await self.open_chat(self._session_id)
        messages = self.messages
        for note in [*self.runtime.notes, *self.keymap.problems]:
            await messages.mount(NoticeLine(Text(note)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Before the runtime is built there are no chats to act on: those keys wait.
        return self.ready or action in WITHOUT_RUNTIME

    async def open_chat(self, session_id: str | None) -> None:
        """Show a stored chat (or a new one when None) in place of the current one."""
        if self.turn_running:
            self.notify("A turn is still running: wait, or press Esc to cancel it.", severity="warning")
            return
        self.session = self.runtime.session(session_id)
        view, made = await self.query_one(ChatViews).show(self.session.id)
        if made:
            await self.show_stored_turns(self.runtime.store.load_turns(self.session.id, last=HISTORY_PAGE))
            view.anchor()
        await self.refresh_sidebar()
        self.update_status()
        self.query_one(PromptInput).focus()

    @property
    def messages(self) -> ChatView:
        """The message list of the chat on screen."""
        view = self.query_one(ChatViews).current
        assert view is not None, "a chat is opened on mount"
        return view

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

    async def show_stored_turns(self, turns: list[StoredTurn], before: Widget | None = None) -> None:
        """Mount stored turns (all at once: one layout pass, not one per event), at the end of
        the list or before `before`, under an "earlier turns" button when older ones exist."""
        messages = self.messages
        answers = [AnswerMessage(restoring=True) for _ in turns]
        widgets = [w for turn, answer in zip(turns, answers) for w in (UserMessage(turn.text), answer)]
        if turns and self.session is not None and (older := self.runtime.store.count_turns(
            self.session.id, before_seq=turns[0].seq
        )):
            widgets.insert(0, EarlierTurns(turns[0].seq, older))
        if not widgets:
            return
        await messages.mount_all(widgets, before=before)
        for turn, answer in zip(turns, answers):
            for event in coalesce_text(turn.events):
                await answer.add(event)  # TurnStarted too: Retry resends its text
            if turn.status == "running":  # the app stopped during this turn
                await answer.finish("cancelled")

    @on(EarlierTurns.Wanted)
    async def show_earlier_turns(self, message: EarlierTurns.Wanted) -> None:
        assert self.session is not None
        turns = self.runtime.store.load_turns(self.session.id, last=HISTORY_PAGE, before_seq=message.before_seq)
        await self.show_stored_turns(turns, before=message.button)
        await message.button.remove()

    @property
    def turn_running(self) -> bool:
        return self.turn_worker is not None and not self.turn_worker.is_finished  # pending counts

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
        if not self.ready:
            self._send_when_ready = True
            self.notify("maitre is still starting: your message stays here and is sent when it is ready.")
            return
        command = text.strip().split()
        if command[0].startswith("/") and command[0][1:] in self.APP_COMMANDS:
            if clear_prompt:
                prompt.clear()
            await self.run_app_command(command[0][1:], command[1:])
            return
        if self.unknown_command(command[0]):
            # Kept in the input: most likely a typo of a command the user can fix.
            self.notify(f"There is no command {command[0]}: {self.command_list()}.", severity="error")
            return
        if clear_prompt:
            prompt.clear()
        self.last_sent = text
        answer = AnswerMessage()
        messages = self.messages
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

    def agent_commands(self) -> list[str]:
        from router.routing import COMMAND_ALIASES, PREFIX_ALIASES

        if not self.ready:
            return []
        names = self.runtime.registry.names()
        aliases = [alias for alias, target in {**PREFIX_ALIASES, **COMMAND_ALIASES}.items() if target in names]
        return names + aliases

    def unknown_command(self, word: str) -> bool:
        """`/sqll …` is a typo, not a question; `/etc/hosts …` or `/ 2` are not commands at all."""
        name = word[1:]
        return word.startswith("/") and name.isidentifier() and name not in self.agent_commands()

    def command_list(self) -> str:
        return " ".join(f"/{name}" for name in [*self.agent_commands(), *self.APP_COMMANDS])

    async def run_app_command(self, name: str, args: list[str]) -> None:
        if name == "new":
            await self.action_new_chat()
        elif name == "help":
            self.action_help()
        elif name == "export":
            self.export_current(args[0] if args else "md")
        elif name == "model":
            await self.model_command(args)

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

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette (Ctrl+P): every action of the table in tui/keymap.py, one entry
        per agent (the next turn goes to it), and each stored chat to open."""
        yield from super().get_system_commands(screen)
        if screen.is_modal or not self.ready:  # the palette over a dialog offers only Textual's own entries
            return
        for action in APP_ACTIONS:
            if action.id != "quit":  # Textual's own palette has Quit
                yield SystemCommand(action.title, action.help, partial(self.run_action, action.action))
        for agent in self.runtime.registry:
            yield SystemCommand(
                f"Ask {agent.name}", f"start the next turn with /{agent.name}: {agent.description}",
                partial(self.start_turn_with, f"/{agent.name} "),
            )
        for info in self.runtime.store.list_sessions()[:50]:
            if self.session is None or info.id != self.session.id:
                yield SystemCommand(
                    f"Open chat: {info.title or 'New chat'}", f"last used {_when(info.updated_at)}", partial(self.open_chat, info.id)
                )

    def start_turn_with(self, prefix: str) -> None:
        prompt = self.query_one(PromptInput)
        prompt.text = prefix + prompt.text.removeprefix(prefix)
        prompt.move_cursor(prompt.document.end)
        prompt.focus()

    def action_export(self, fmt: str) -> None:
        self.export_current(fmt)

    def action_focus_prompt(self) -> None:
        self.query_one(PromptInput).focus()

    async def action_new_chat(self) -> None:
        await self.open_chat(None)

    def action_toggle_sidebar(self) -> None:
        self.query_one(ChatSidebar).toggle_class("-hidden")

    def action_help(self) -> None:
        self.push_screen(HelpScreen(help_text(self.keymap, self.agent_commands())))

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
        await self.query_one(ChatViews).drop(target.id)
        self.notify(f"Deleted “{target.title or 'New chat'}”.")

    def action_cancel_turn(self) -> None:
        if self.turn_running and self.turn_worker is not None:
            self.turn_worker.cancel()

    # --- Models screen and /model (issue 9 item 4; the logic lives in tui/screens_models.py) ---

    def action_models(self) -> None:
        from tui.screens_models import ModelsScreen

        agents = self.runtime.registry.names()
        self.push_screen(ModelsScreen(self.runtime.models, agents), lambda _: self.update_status())

    async def model_command(self, args: list[str]) -> None:
        """`/model` opens the Models screen; `/model NAME` or `/model AGENT NAME` sets a model."""
        from tui.screens_models import model_command

        if not args:
            self.action_models()
            return
        agents = self.runtime.registry.names()
        sentence, severity = await model_command(self.runtime.models, agents, args)
        self.notify(sentence, severity=severity)  # type: ignore[arg-type]
        self.update_status()
