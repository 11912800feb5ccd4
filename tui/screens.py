"""Modal screens: help, and the one-line prompt used for renaming a chat."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Markdown

from tui.keymap import APP_ACTIONS, INPUT_KEYS, Keymap, answer_bindings, key_label

def help_text(keymap: Keymap, agents: list[str]) -> str:
    """The help screen, from the action table and the user's rebindings, so it is always true."""
    keys = [("send", keymap.send), ("newline", keymap.newline)]
    rows = [f"| {key_label(','.join(sorted(k)))} | {INPUT_KEYS[name][1]} |" for name, k in keys]
    for action in APP_ACTIONS:
        bound = keymap.bindings.get(action.id, action.keys)
        rows.append(f"| {key_label(bound) or 'palette'} | {action.title} (`{action.id}`) |")
    rows.append("| Ctrl+P | command palette: every action, every agent, every chat |")
    answer_rows = [
        f"| {key_label(keymap.bindings.get(b.id, b.key))} | {b.description} (`{b.id}`) |"
        for b in answer_bindings() if b.id
    ]
    commands = [f"| /{name} … | send this turn to the {name} agent |" for name in agents]
    return "\n".join([
        "# maitre — help",
        "",
        "Each turn goes to the agent that fits it; the card above an answer says which, at which",
        "routing stage, and how sure the router was. Start a turn with `@agent` or `/agent` to choose.",
        "",
        "| key | does |",
        "| --- | --- |",
        *rows,
        "",
        "On an answer (Shift+Tab from the input, then ↑/↓ between answers):",
        "",
        "| key | does |",
        "| --- | --- |",
        *answer_rows,
        "",
        "Rebind any of these by its name in the settings file: `[keys]` `new_chat = \"ctrl+t\"`.",
        "",
        "| command | does |",
        "| --- | --- |",
        "| /new | start a new chat |",
        "| /export [md\\|jsonl] | write this chat to a file under the data folder |",
        "| /help | this help |",
        "| /model [AGENT] [NAME] | open the Models screen, or set the model of every agent or of one |",
        *commands,
    ])


class HelpScreen(ModalScreen[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 80; height: auto; max-height: 90%; border: round $accent; background: $surface; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Markdown(self.text)


class AskLine(ModalScreen[str | None]):
    """Ask for one line of text; Enter gives it back, Esc gives None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    AskLine { align: center middle; }
    AskLine > Vertical { width: 60; height: auto; border: round $accent; background: $surface; padding: 1 2; }
    """

    def __init__(self, question: str, value: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Input(value=self.value, id="answer")

    @on(Input.Submitted, "#answer")
    def _done(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
