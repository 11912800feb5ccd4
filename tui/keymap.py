"""Every action of the chat, in one table: its key, its name in `[keys]`, its palette entry.

The app's BINDINGS, the command palette (Ctrl+P), the help screen and the README's key table
all read this table, so a new action appears everywhere at once. A user rebinds an action by
its id in the settings file:

    [keys]
    new_chat = "ctrl+t"
    send = "ctrl+s"            # then Enter adds a new line
    newline = "enter,ctrl+j"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding

from tui.widgets.prompt_input import NEWLINE_KEYS, SEND_KEYS


@dataclass(frozen=True)
class AppAction:
    id: str  # the name in `[keys]`, and the binding id Textual's keymap uses
    action: str  # the Textual action it runs
    keys: str  # default keys, comma-separated
    title: str  # the palette's title and the help screen's words
    help: str = ""
    show: bool = False  # shown in the footer
    label: str = ""  # the footer's short word; the title when empty
    priority: bool = False


APP_ACTIONS: tuple[AppAction, ...] = (
    AppAction("cancel", "cancel_turn", "escape", "Cancel the running turn", "the partial answer is kept", show=True,
              label="Cancel"),
    AppAction("new_chat", "new_chat", "ctrl+n", "New chat", "start an empty chat", show=True),
    AppAction("toggle_sidebar", "toggle_sidebar", "ctrl+b", "Show or hide the chats sidebar", show=True, label="Chats"),
    AppAction("rename_chat", "rename_chat", "f2", "Rename this chat"),
    AppAction("delete_chat", "delete_chat", "delete", "Delete the highlighted chat", "in the sidebar"),
    AppAction("export_md", "export('md')", "", "Export this chat to Markdown", "a file under the data folder"),
    AppAction("export_jsonl", "export('jsonl')", "", "Export this chat to JSON Lines", "with every event of each turn"),
    AppAction("models", "models", "f3", "Models", "Ollama status, a model per agent, pull a model", show=True),
    AppAction("focus_prompt", "focus_prompt", "ctrl+l", "Focus the message input"),
    AppAction("help", "help", "f1", "Help", "keys and commands", show=True),
    AppAction("quit", "quit", "ctrl+q", "Quit", show=True, priority=True),
)

# Keys of the message input itself; rebindable like the rest.
INPUT_KEYS: dict[str, tuple[str, str]] = {
    "send": (",".join(sorted(SEND_KEYS)), "Send the message"),
    "newline": (",".join(sorted(NEWLINE_KEYS)), "Add a new line (Ctrl+J works in every terminal)"),
}


def answer_bindings() -> list[Binding]:
    """The keys of a focused answer (copy, open chart, retry…), rebindable by their ids too."""
    from tui.widgets.messages import AnswerMessage

    return [b for b in AnswerMessage.BINDINGS if isinstance(b, Binding) and b.id]


def app_bindings(actions: tuple[AppAction, ...] = APP_ACTIONS) -> list[Binding]:
    return [
        Binding(a.keys, a.action, a.label or a.title, show=a.show, priority=a.priority, tooltip=a.title, id=a.id)
        for a in actions
        if a.keys  # an action without a default key is still in the palette and rebindable
    ]


@dataclass
class Keymap:
    """The user's `[keys]`, split into the app's bindings and the input's keys, with notes on
    what could not be used (a typo never stops the app)."""

    bindings: dict[str, str]
    send: frozenset[str]
    newline: frozenset[str]
    problems: list[str]


def _keys(value: str) -> frozenset[str]:
    return frozenset(k.strip() for k in value.split(",") if k.strip())


def read_keymap(keys: Mapping[str, str], actions: tuple[AppAction, ...] = APP_ACTIONS) -> Keymap:
    known = {a.id for a in actions} | {b.id for b in answer_bindings() if b.id}
    bindings: dict[str, str] = {}
    problems: list[str] = []
    for name, value in keys.items():
        if not isinstance(value, str) or not _keys(value):
            problems.append(f"[keys] {name} should be keys like \"ctrl+t\" or \"f5,ctrl+t\", not {value!r}")
        elif name in known:
            bindings[name] = ",".join(sorted(_keys(value)))
        elif name not in INPUT_KEYS:
            names = ", ".join(sorted(known | set(INPUT_KEYS)))
            problems.append(f"[keys] has no action called {name!r}; the actions are: {names}")
    send = _keys(str(keys.get("send", INPUT_KEYS["send"][0])))
    newline = _keys(str(keys.get("newline", INPUT_KEYS["newline"][0])))
    if send & newline:
        clash = ", ".join(sorted(send & newline))
        problems.append(f"[keys] gives {clash} to both send and newline; it sends")
        newline = newline - send
    if not send:
        send = _keys(INPUT_KEYS["send"][0])
    return Keymap(bindings, send, newline, problems)


def key_label(keys: str) -> str:
    """"ctrl+n,f5" → "Ctrl+N, F5", for the help screen."""
    def one(key: str) -> str:
        if len(key) == 1:
            return key  # a plain letter: "c", not "C" (which reads as Shift+C)
        return "+".join(part.upper() if len(part) == 1 else part.capitalize() for part in key.split("+"))

    return ", ".join(one(k) for k in keys.split(",") if k)
