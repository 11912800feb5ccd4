"""Showing a stored chat: the newest turns at once, older ones a page at a time.

A chat people keep open all day grows to hundreds of turns; drawing every one of them when it
is opened would make switching chats take seconds. So a chat opens on its last page, and a
button at the top brings the page before it.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.message import Message
from textual.widgets import Button

from agents.events import Event, TextDelta

# Turns shown when a chat opens, and added by each press of "earlier turns".
HISTORY_PAGE = 10


def coalesce_text(events: Iterable[Event]) -> list[Event]:
    """Join runs of stored text deltas into one, so a reloaded answer is drawn once instead of
    token by token."""
    out: list[Event] = []
    for event in events:
        previous = out[-1] if out else None
        if isinstance(event, TextDelta) and isinstance(previous, TextDelta):
            out[-1] = previous.model_copy(update={"text": previous.text + event.text})
        else:
            out.append(event)
    return out


class EarlierTurns(Button):
    """"▲ 20 earlier turns (180 more)": pressing it shows the page before the first shown turn."""

    DEFAULT_CSS = """
    EarlierTurns { width: 100%; margin: 1 0 0 0; }
    """

    class Wanted(Message):
        def __init__(self, button: EarlierTurns) -> None:
            super().__init__()
            self.button = button
            self.before_seq = button.before_seq

    def __init__(self, before_seq: int, remaining: int) -> None:
        page = min(HISTORY_PAGE, remaining)
        super().__init__(f"▲ show {page} earlier turns ({remaining} not shown)", variant="default")
        self.before_seq = before_seq
        self.remaining = remaining

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Wanted(self))
