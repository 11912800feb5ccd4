import asyncio
from collections.abc import AsyncIterator

import pytest

from agents.base import Agent, AgentContext, Turn
from agents.events import (
    AgentStarted, Error, Event, Notice, RouteDecided, TextDelta, TurnDone, TurnStarted, Usage,
)
from tests.conftest import collect


async def test_a_turn_routes_then_streams_the_answer_and_is_stored(replay_runtime):
    runtime = replay_runtime(["Paris is the capital of France."])
    session = runtime.session()
    events = await collect(session.send("@chat What is the capital of France?"))
    kinds = [type(e) for e in events]
    assert kinds[:3] == [TurnStarted, RouteDecided, AgentStarted]
    assert kinds[-2:] == [Usage, TurnDone]
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Paris is the capital of France."
    assert sum(isinstance(e, TextDelta) for e in events) > 3  # streamed, not one block
    [turn] = runtime.store.load_turns(session.id)
    assert turn.status == "ok" and turn.agent == "chat" and turn.answer == "Paris is the capital of France."


async def test_the_chat_agent_sees_the_conversation_so_far(replay_runtime):
    runtime = replay_runtime(["Nice to meet you, Ada.", "Your name is Ada."])
    session = runtime.session()
    await collect(session.send("@chat My name is Ada."))
    client = runtime.models.client("chat")
    seen = []
    original = client.create_stream

    def spy(messages, **kw):  # type: ignore[no-untyped-def]
        seen.extend(messages)
        return original(messages, **kw)

    client.create_stream = spy  # type: ignore[method-assign]
    await collect(session.send("@chat What is my name?"))
    contents = [m.content for m in seen]
    assert "My name is Ada." in contents and "Nice to meet you, Ada." in contents


async def test_explicit_prefix_forces_the_agent_and_is_removed_from_the_text(replay_runtime):
    runtime = replay_runtime(["ok"])
    events = await collect(runtime.session().send("@chat   tell me something"))
    decided = next(e for e in events if isinstance(e, RouteDecided))
    assert (decided.agent, decided.stage, decided.confidence) == ("chat", "explicit", 1.0)


async def test_empty_input_is_ignored(replay_runtime):
    runtime = replay_runtime([])
    session = runtime.session()
    assert await collect(session.send("   \n ")) == []
    assert runtime.store.load_turns(session.id) == []


async def test_input_longer_than_the_context_is_cut_with_a_notice(replay_runtime):
    runtime = replay_runtime(["short answer"])
    client = runtime.models.client("chat")
    sent: list[str] = []
    original = client.create_stream

    def spy(messages, **kw):  # type: ignore[no-untyped-def]
        sent.append(messages[-1].content)
        return original(messages, **kw)

    client.create_stream = spy  # type: ignore[method-assign]
    huge = ("word " * 20_000).strip() + "!"  # 100 000 characters
    events = await collect(runtime.session().send("@chat " + huge))
    notices = [e for e in events if isinstance(e, Notice)]
    assert notices and "100,000 characters" in notices[0].message
    assert len(sent[0]) < len(huge)
    assert events[-1].status == "ok"


class ExplodingAgent(Agent):
    name = "boom"
    description = "fails"
    examples = ()

    async def run(self, turn: Turn, context: AgentContext) -> AsyncIterator[Event]:
        yield TextDelta(text="Half an ans")
        raise RuntimeError("disk on fire")


async def test_an_agent_that_raises_becomes_an_error_event_and_the_session_goes_on(replay_runtime):
    runtime = replay_runtime(["still here"])
    runtime.registry.add(ExplodingAgent())
    from router.routing import build_router

    runtime.router = build_router(list(runtime.registry), models=runtime.models)
    session = runtime.session()
    events = await collect(session.send("@boom go"))
    error = next(e for e in events if isinstance(e, Error))
    assert error.kind == "agent_failed" and "disk on fire" in error.message
    assert any(isinstance(e, Notice) and "incomplete" in e.message for e in events)
    assert events[-1].status == "error"
    later = await collect(session.send("@chat are you ok?"))
    assert later[-1].status == "ok"
    turns = runtime.store.load_turns(session.id)
    assert [t.status for t in turns] == ["error", "ok"]
    assert turns[0].answer == "Half an ans"  # the partial answer is kept


async def test_a_cancelled_turn_keeps_its_partial_answer_marked_cancelled(replay_runtime):
    runtime = replay_runtime(["one two three four five six seven eight nine ten"], delay_s=0.01)
    session = runtime.session()
    seen: list[str] = []

    async def consume() -> None:
        async for event in session.send("@chat count to ten"):
            if isinstance(event, TextDelta):
                seen.append(event.text)

    task = asyncio.create_task(consume())
    for _ in range(400):
        if len(seen) >= 3:
            break
        await asyncio.sleep(0.005)
    assert len(seen) >= 3, "the answer never started streaming"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    [turn] = runtime.store.load_turns(session.id)
    assert turn.status == "cancelled"
    assert turn.answer.startswith("one two") and len(turn.answer) < len("one two three four five six seven eight nine ten")
    assert isinstance(turn.events[-1], TurnDone) and turn.events[-1].status == "cancelled"


async def test_a_reopened_session_continues_with_its_history(replay_runtime):
    runtime = replay_runtime(["Hello Ada.", "Ada."])
    first = runtime.session()
    await collect(first.send("@chat I am Ada"))
    again = runtime.session(first.id)
    assert [(x.user, x.answer) for x in again.history] == [("@chat I am Ada", "Hello Ada.")]
