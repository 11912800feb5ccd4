"""The chats sidebar: every stored chat, newest first, with a search box."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, ListItem, ListView

if TYPE_CHECKING:  # the store (SQLAlchemy) loads behind the screen
    from router.store import SessionInfo


class ChatItem(ListItem):
    def __init__(self, info: SessionInfo) -> None:
        super().__init__(Label(Text(info.title or "New chat", overflow="ellipsis", no_wrap=True)))
        self.info = info


class ChatSidebar(Vertical):
    DEFAULT_CSS = """
    ChatSidebar { width: 30; border-right: vkey $panel; }
    ChatSidebar.-hidden { display: none; }
    ChatSidebar > Input { margin: 0 0 1 0; }
    ChatSidebar > ListView { height: 1fr; }
    """

    class Chosen(Message):
        def __init__(self, session_id: str) -> None:
            super().__init__()
            self.session_id = session_id

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._all: list[SessionInfo] = []
        self.current: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search chats", id="chat-search")
        yield ListView(id="chat-list")

    async def show(self, sessions: list[SessionInfo], current: str | None) -> None:
        self._all = sessions
        self.current = current
        await self._render_list(self.query_one(Input).value)

    async def _render_list(self, query: str) -> None:
        needle = query.strip().lower()
        shown = [s for s in self._all if needle in (s.title or "new chat").lower()]
        view = self.query_one(ListView)
        await view.clear()
        await view.extend(ChatItem(s) for s in shown)
        for index, item in enumerate(shown):
            if item.id == self.current:
                view.index = index

    @on(Input.Changed, "#chat-search")
    async def _search(self, event: Input.Changed) -> None:
        await self._render_list(event.value)

    @on(ListView.Selected, "#chat-list")
    def _chosen(self, event: ListView.Selected) -> None:
        assert isinstance(event.item, ChatItem)
        self.post_message(self.Chosen(event.item.info.id))

    def highlighted(self) -> SessionInfo | None:
        item = self.query_one(ListView).highlighted_child
        return item.info if isinstance(item, ChatItem) else None
