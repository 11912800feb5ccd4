"""The message lists of the chats opened in this run, one shown at a time.

A chat's list stays built while another chat is shown, so switching back to it costs one
layout instead of rebuilding every answer. The least recently shown lists beyond `keep` are
dropped (and rebuilt from the store if opened again), which bounds memory.
"""

from __future__ import annotations

from textual.containers import Vertical, VerticalScroll


class ChatView(VerticalScroll):
    """One chat's messages."""

    DEFAULT_CSS = """
    ChatView { height: 1fr; padding: 0 1; }
    """

    def __init__(self, session_id: str) -> None:
        super().__init__(classes="chat-view")
        self.session_id = session_id


class ChatViews(Vertical):
    DEFAULT_CSS = """
    ChatViews { height: 1fr; }
    """

    def __init__(self, keep: int = 20, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.keep = keep
        self._recent: list[ChatView] = []  # least recently shown first

    @property
    def current(self) -> ChatView | None:
        return self._recent[-1] if self._recent else None

    def find(self, session_id: str) -> ChatView | None:
        return next((view for view in self._recent if view.session_id == session_id), None)

    async def show(self, session_id: str) -> tuple[ChatView, bool]:
        """Show the chat's list; the bool says whether it was just made (and needs filling)."""
        view = self.find(session_id)
        made = view is None
        with self.app.batch_update():
            if self.current is not None and self.current is not view:
                self.current.display = False
            if view is None:
                view = ChatView(session_id)
                await self.mount(view)
            else:
                self._recent.remove(view)
                view.display = True
            self._recent.append(view)
        while len(self._recent) > self.keep:
            await self._recent.pop(0).remove()
        return view, made

    async def drop(self, session_id: str) -> None:
        view = self.find(session_id)
        if view is not None:
            self._recent.remove(view)
            await view.remove()
