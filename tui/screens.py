"""Modal screens: help, and the one-line prompt used for renaming a chat."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Markdown

HELP = """\
# maitre — help

Each turn goes to the agent that fits it; the badge above an answer says which, at which
routing stage, and how sure the router was. Start a turn with `@agent` or `/agent` to choose.

| key | does |
| --- | --- |
| Enter | send |
| Ctrl+J, Shift+Enter | new line |
| Esc | cancel the running turn |
| Ctrl+N | new chat |
| Ctrl+B | show or hide the chats sidebar |
| F2 | rename the current chat |
| Delete (in the sidebar) | delete the highlighted chat |
| Ctrl+P | command palette: every action |
| F1 | this help |
| Ctrl+Q | quit |

| command | does |
| --- | --- |
| /new | start a new chat |
| /export [md\\|jsonl] | write this chat to a file under the data folder |
| /help | this help |
| /chat … and the other agent names | send the turn to that agent |
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 80; height: auto; max-height: 90%; border: round $accent; background: $surface; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Markdown(HELP)


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
