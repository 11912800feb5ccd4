"""Long chats open on their last page, and chats opened once switch back without rebuilding."""

from textual.widgets import ListView

from agents.events import RouteDecided, TextDelta
from tests.tui.test_chat_app import wait_for
from tests.tui.test_snapshots import store_turn
from tui.app import MaitreApp
from tui.history import HISTORY_PAGE, EarlierTurns
from tui.widgets.chat_views import ChatViews
from tui.widgets.messages import AnswerMessage, UserMessage
from tui.widgets.sidebar import ChatItem


def stored_chat(store, title: str, turns: int) -> str:  # type: ignore[no-untyped-def]
    info = store.new_session(title)
    for i in range(turns):
        words = [TextDelta(text=w) for w in (f"Answer {i} ", "in ", "three deltas.")]
        store_turn(store, info.id, i, f"{title} question {i}",
                   [RouteDecided(agent="chat", stage="classifier", confidence=0.9), *words])
    return info.id


async def test_a_long_chat_opens_on_its_last_page_and_pages_back_in_order(replay_runtime):
    runtime = replay_runtime([])
    chat = stored_chat(runtime.store, "long", HISTORY_PAGE * 2 + 5)
    app = MaitreApp(runtime, chat)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = [m.text for m in app.messages.query(UserMessage)]
        assert shown == [f"long question {i}" for i in range(HISTORY_PAGE + 5, HISTORY_PAGE * 2 + 5)]
        # A stored answer's deltas come back as one text.
        assert app.messages.query(AnswerMessage).last().text == f"Answer {HISTORY_PAGE * 2 + 4} in three deltas."
        button = app.messages.query_one(EarlierTurns)
        assert f"{HISTORY_PAGE + 5} not shown" in str(button.label)
        button.press()
        await wait_for(pilot, lambda: len(app.messages.query(UserMessage)) == HISTORY_PAGE * 2)
        await wait_for(pilot, lambda: len(app.messages.query(EarlierTurns)) == 1)
        app.messages.query_one(EarlierTurns).press()
        await wait_for(pilot, lambda: len(app.messages.query(UserMessage)) == HISTORY_PAGE * 2 + 5)
        assert [m.text for m in app.messages.query(UserMessage)] == [
            f"long question {i}" for i in range(HISTORY_PAGE * 2 + 5)
        ]
        await wait_for(pilot, lambda: not app.messages.query(EarlierTurns))  # nothing older is left


async def test_switching_back_shows_the_same_built_chat_and_delete_drops_it(replay_runtime):
    runtime = replay_runtime([])
    first = stored_chat(runtime.store, "first", 3)
    second = stored_chat(runtime.store, "second", 2)
    app = MaitreApp(runtime, first)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        built = app.messages.query_one(AnswerMessage)
        views = app.query_one(ChatViews)
        await app.open_chat(second)
        assert [m.text for m in app.messages.query(UserMessage)] == ["second question 0", "second question 1"]
        assert views.find(first).display is False  # hidden, not gone
        await app.open_chat(first)
        assert app.messages.query_one(AnswerMessage) is built  # not rebuilt
        assert [m.text for m in app.messages.query(UserMessage)] == [f"first question {i}" for i in range(3)]
        # Delete the second chat from the sidebar: its built list goes too.
        sidebar_list = app.query_one("#chat-list", ListView)
        sidebar_list.focus()
        sidebar_list.index = [item.info.id for item in app.query(ChatItem)].index(second)
        await pilot.press("delete")
        await wait_for(pilot, lambda: views.find(second) is None)
        assert runtime.store.get_session(second) is None
        assert app.messages.query_one(AnswerMessage) is built
