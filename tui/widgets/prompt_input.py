"""The message input: Enter sends, Shift+Enter or Ctrl+J adds a newline (both rebindable).

Many terminals cannot tell Shift+Enter from Enter, so Ctrl+J (a plain line feed, which every
terminal sends) always works for a newline.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import TextArea

SEND_KEYS = frozenset({"enter"})
NEWLINE_KEYS = frozenset({"shift+enter", "ctrl+j", "ctrl+enter"})


class PromptInput(TextArea):
    DEFAULT_CSS = """
    PromptInput {
        height: auto;
        min-height: 3;
        max-height: 12;
    }
    """

    class Submitted(Message):
        def __init__(self, prompt: PromptInput, text: str) -> None:
            super().__init__()
            self.prompt = prompt
            self.text = text

    def __init__(
        self,
        *,
        send_keys: frozenset[str] = SEND_KEYS,
        newline_keys: frozenset[str] = NEWLINE_KEYS,
        **kwargs: object,
    ) -> None:
        super().__init__(soft_wrap=True, show_line_numbers=False, tab_behavior="focus", **kwargs)  # type: ignore[arg-type]
        self.send_keys = send_keys
        self.newline_keys = newline_keys

    async def _on_key(self, event: events.Key) -> None:
        if event.key in self.send_keys:
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
            return
        if event.key in self.newline_keys:
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        await super()._on_key(event)
