"""The chat driven through Textual's Pilot, on replayed model responses."""

import asyncio

from textual.widgets import Markdown

from agents.events import TextDelta
from tui.app import MaitreApp
from tui.widgets.messages import AnswerMessage, ErrorLine, UserMessage
from tui.widgets.prompt_input import PromptInput


async def wait_for(pilot, condition, timeout=5.0):  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.02)


async def send_turn(pilot, app, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type a turn, press Enter, and wait until its answer is done."""
    await type_text(pilot, text)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not app.turn_running and app.messages.query(AnswerMessage))


KEY_NAMES = {" ": "space", "@": "at", "/": "slash", "?": "question_mark"}


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    for ch in text:
        await pilot.press(KEY_NAMES.get(ch, ch))


async def test_send_streams_the_answer_under_a_route_card(replay_runtime):
    runtime = replay_runtime(["Paris is the **capital** of France."], delay_s=0.005)
    app = MaitreApp(runtime)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_text(pilot, "@chat " + "capital of france?")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.turn_running and app.query(AnswerMessage))
        answer = app.query_one(AnswerMessage)
        assert answer.text == "Paris is the **capital** of France."
        assert answer.card.summary.startswith("chat · explicit")
        assert app.query_one(UserMessage).text == "@chat capital of france?"
        assert app.query_one(PromptInput).text == ""  # sent, so cleared
        assert "replay" in str(app.query_one("#status").render())


async def test_ctrl_j_adds_a_newline_instead_of_sending(replay_runtime):
    runtime = replay_runtime(["ok"])
    app = MaitreApp(runtime)
    async with app.run_test() as pilot:
        await type_text(pilot, "@chat one")
        await pilot.press("ctrl+j")
        await type_text(pilot, "two")
        assert app.query_one(PromptInput).text == "@chat one\ntwo"
        assert not app.query(UserMessage)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.query(UserMessage) and not app.turn_running)
        assert app.query_one(UserMessage).text == "@chat one\ntwo"


async def test_empty_input_sends_nothing(replay_runtime):
    runtime = replay_runtime([])
    app = MaitreApp(runtime)
    async with app.run_test() as pilot:
        await pilot.press("space", "enter")
        await pilot.pause()
        assert not app.query(UserMessage)


async def test_escape_cancels_a_running_turn_and_keeps_the_partial_answer(replay_runtime):
    words = " ".join(f"w{i}" for i in range(400))
    runtime = replay_runtime([words], delay_s=0.01)
    app = MaitreApp(runtime)
    async with app.run_test() as pilot:
        await type_text(pilot, "@chat " + "go")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.query(AnswerMessage) and len(app.query_one(AnswerMessage).text) > 10)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.turn_running)
        answer = app.query_one(AnswerMessage)
        assert answer.has_class("-cancelled")
        assert answer.card.has_class("-cancelled") and answer.card.summary.endswith(" · cancelled")
        assert " · turn " in answer.card.summary  # timed like a finished turn
        assert 0 < len(answer.text) < len(words)
        [turn] = runtime.store.load_turns(app.session.id)
        assert turn.status == "cancelled" and turn.answer == answer.text


async def test_an_error_is_shown_inline_and_the_text_returns_to_the_input(replay_runtime):
    runtime = replay_runtime([])  # the tape is empty: the model call fails
    app = MaitreApp(runtime)
    async with app.run_test() as pilot:
        await type_text(pilot, "@chat " + "hello there")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.query(ErrorLine))
        assert app.query_one(AnswerMessage).has_class("-error")
        assert app.query_one(AnswerMessage).card.has_class("-error")
        assert app.query_one(PromptInput).text == "@chat hello there"


async def test_a_reopened_chat_shows_its_whole_trace(replay_runtime):
    runtime = replay_runtime(["First answer.", "Second answer."])
    session = runtime.session()
    async for _ in session.send("@chat first"):
        pass
    async for _ in session.send("@chat second"):
        pass
    app = MaitreApp(runtime, session_id=session.id)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert [m.text for m in app.query(UserMessage)] == ["@chat first", "@chat second"]
        answers = list(app.query(AnswerMessage))
        assert [a.text for a in answers] == ["First answer.", "Second answer."]
        assert all(a.card.summary.startswith("chat") for a in answers)


async def test_typing_stays_responsive_while_an_answer_streams_fast(replay_runtime):
    # 500 tokens at 500 tokens/s while the user types: every key must land in the input.
    runtime = replay_runtime([" ".join(["tok"] * 500)], delay_s=0.002)
    app = MaitreApp(runtime)
    async with app.run_test() as pilot:
        await type_text(pilot, "@chat " + "start")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.query(AnswerMessage) and app.query_one(AnswerMessage).text)
        typed = "the quick brown fox jumps over the lazy dog"
        await type_text(pilot, typed)
        assert app.query_one(PromptInput).text == typed
        await wait_for(pilot, lambda: not app.turn_running, timeout=20)
        assert app.query_one(AnswerMessage).text.count("tok") == 500


async def test_chats_sidebar_new_switch_rename_delete_and_search(replay_runtime):
    from tui.widgets.sidebar import ChatItem, ChatSidebar

    runtime = replay_runtime(["Answer one.", "Answer two."])
    app = MaitreApp(runtime)
    async with app.run_test(size=(120, 30)) as pilot:
        assert runtime.store.list_sessions() == []  # opening the app makes no empty chat
        await type_text(pilot, "@chat " + "first chat")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.turn_running and app.query(AnswerMessage))
        first = app.session.id
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not app.messages.query(UserMessage)
        await type_text(pilot, "@chat " + "second chat")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.turn_running and len(app.query(ChatItem)) == 2)
        # Switch back through the sidebar: the first chat's trace comes back.
        await app.open_chat(first)
        await pilot.pause()
        assert [m.text for m in app.messages.query(UserMessage)] == ["@chat first chat"]
        # Rename with F2.
        await pilot.press("f2")
        await pilot.pause()
        app.screen.query_one("#answer").value = "Renamed"
        await pilot.press("enter")
        await wait_for(pilot, lambda: runtime.store.get_session(first).title == "Renamed")
        # Search filters the list.
        app.query_one("#chat-search").value = "second"
        await pilot.pause(0.1)
        assert [i.info.title for i in app.query(ChatItem)] == ["@chat second chat"]
        # Delete the highlighted chat.
        app.query_one("#chat-list").focus()
        app.query_one("#chat-list").index = 0
        await pilot.press("delete")
        await wait_for(pilot, lambda: len(runtime.store.list_sessions()) == 1)
        assert runtime.store.list_sessions()[0].title == "Renamed"


async def test_slash_export_writes_the_chat_to_a_file(replay_runtime):
    runtime = replay_runtime(["Exported answer."])
    app = MaitreApp(runtime)
    async with app.run_test() as pilot:
        await type_text(pilot, "@chat hello")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not app.turn_running and app.query(AnswerMessage))
        await type_text(pilot, "/export md")
        await pilot.press("enter")
        await pilot.pause()
        path = runtime.settings.data_dir / "exports" / f"chat-{app.session.id[:8]}.md"
        assert "Exported answer." in path.read_text()
        assert len(app.query(UserMessage)) == 1  # the command was not sent as a turn


async def test_planner_nodes_grow_a_tree_in_the_answer(replay_runtime):
    from agents.events import PlanNode, TurnDone
    from tui.widgets.plan_tree import PlanTree

    runtime = replay_runtime([])
    app = MaitreApp(runtime)
    async with app.run_test() as pilot:
        answer = AnswerMessage()
        await app.messages.mount(answer)
        await answer.add(PlanNode(node_id="root", text="4 9 10 13", state="kept"))
        await answer.add(PlanNode(node_id="a", parent_id="root", depth=1, text="13-9=4", score=0.9, state="kept"))
        await answer.add(PlanNode(node_id="b", parent_id="root", depth=1, text="4+9=13", score=0.1, state="pruned"))
        await answer.add(TurnDone(turn_id="t"))
        await pilot.pause()
        tree = answer.query_one(PlanTree)
        assert len(tree.root.children) >= 1
        labels = str([str(n.label) for n in tree.root.children] + [str(c.label) for n in tree.root.children for c in n.children])
        assert "13-9=4" in labels and "4+9=13" in labels


def test_slash_plan_reaches_the_planner():
    from router.routing import explicit_prefix

    assert explicit_prefix("/plan tot b=3 make 24", ["chat", "planner"]) == ("planner", "tot b=3 make 24")
    assert explicit_prefix("/plan x", ["chat"]) is None
    assert explicit_prefix("/ingest reports/", ["chat", "pdf"]) == ("pdf", "ingest reports/")
