"""The planner agent end to end on replayed responses: PlanNode events, knobs, settings, the store."""

from __future__ import annotations

from pathlib import Path

from conftest import proposals, score

from agents.base import AgentContext, Turn
from agents.events import Notice, PlanNode, TextDelta, Usage
from agents.planner import PlannerAgent
from agents.registry import AgentRegistry
from router.routing import build_router
from router.session import Session
from router.store import Store
from tools.models import ModelConfig, ModelHub
from tools.models.replay import ReplayTape

SOLVING_TAPE = [
    proposals("13 - 9 = 4 (left: 4 4 10)", "4 + 9 = 13 (left: 10 13 13)"),
    score(9), score(2),
    proposals("10 - 4 = 6 (left: 4 6)"),
    proposals("13 + 13 = 26 (left: 10 26)"),
    score(9), score(1),
    proposals("4 * 6 = 24 (left: 24)"),
    proposals("26 - 10 = 16 (left: 16)"),  # never scored: the first proposal of the level solved it
]


def hub(responses: list[str]) -> ModelHub:
    return ModelHub(ModelConfig(backend="replay"), tape=ReplayTape(responses))


async def run_agent(text: str, responses: list[str], settings: dict | None = None) -> list:
    context = AgentContext(models=hub(responses), settings=settings or {})
    return [e async for e in PlannerAgent().run(Turn(id="t1", text=text), context)]


async def test_every_node_is_a_plan_node_event_and_the_answer_follows() -> None:
    events = await run_agent("tot b=2 d=3 Use 4 9 10 13 to make 24", SOLVING_TAPE)
    nodes = [e for e in events if isinstance(e, PlanNode)]
    last = {n.node_id: n for n in nodes}
    assert len(last) == 7  # the question and six thoughts
    assert last["n0"].parent_id is None and last["n0"].text.startswith("Use 4 9 10 13")
    assert all(last[n.parent_id].depth == n.depth - 1 for n in last.values() if n.parent_id)
    assert [n.state for n in nodes if n.node_id == "n1"] == ["proposed", "proposed", "kept", "chosen"]
    assert last["n2"].state == "kept" and last["n4"].state == "kept"  # b=2 keeps both of two
    assert last["n6"].state == "proposed" and last["n6"].score is None
    chosen = [n.node_id for n in last.values() if n.state == "chosen"]
    assert chosen == ["n0", "n1", "n3", "n5"]
    assert all(n.tokens > 0 and n.ms >= 0 for n in last.values() if n.node_id != "n0" and n.score is not None)
    answer = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert answer == "(13 - 9) * (10 - 4) = 24"
    summary = [e.message for e in events if isinstance(e, Notice)][-1]
    assert "tot/bfs (b=2, d=3, k=3)" in summary and "checker accepted" in summary
    usage = [e for e in events if isinstance(e, Usage)]
    assert usage and usage[0].prompt_tokens > 0 and usage[0].completion_tokens > 0


async def test_auto_says_which_mode_it_picked_and_why() -> None:
    events = await run_agent("what is the capital of Peru?", ["Answer: Lima"])
    notices = [e.message for e in events if isinstance(e, Notice)]
    assert notices[0].startswith("Mode one_step, because it is a short, direct question")
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Lima"


async def test_settings_give_the_defaults_and_the_turn_overrides_them() -> None:
    chain = "Step one.\nAnswer: 42"
    events = await run_agent("what is six times seven?", [chain], settings={"mode": "cot"})
    assert len({e.node_id for e in events if isinstance(e, PlanNode)}) == 3  # question, step, answer
    events = await run_agent("one_step what is six times seven?", ["Answer: 42"], settings={"mode": "cot"})
    assert len({e.node_id for e in events if isinstance(e, PlanNode)}) == 2


async def test_bad_settings_and_knobs_are_reported_and_defaults_used() -> None:
    events = await run_agent("cot b=wide what is 6*7?", ["Answer: 42"], settings={"breadth": "wide", "mode": "cot"})
    warnings = [e.message for e in events if isinstance(e, Notice) and e.level == "warning"]
    assert any("[agents.planner]" in w for w in warnings)
    assert any("b=wide" in w for w in warnings)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "42"


async def test_an_empty_question_gets_a_usage_hint() -> None:
    events = await run_agent("tot b=3", [])
    assert "/plan tot" in "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_the_store_keeps_the_tree_so_a_reloaded_chat_shows_it(tmp_path: Path) -> None:
    agent = PlannerAgent()
    registry = AgentRegistry([agent])
    store = Store(tmp_path / "maitre.db")
    session = Session(registry=registry, router=build_router([agent]), models=hub(SOLVING_TAPE), store=store)
    live = [e async for e in session.send("@planner tot b=2 d=3 Use 4 9 10 13 to make 24")]
    store.close()
    reopened = Store(tmp_path / "maitre.db")
    (turn,) = reopened.load_turns(session.id)
    stored = [(e.node_id, e.state, e.score) for e in turn.events if isinstance(e, PlanNode)]
    assert stored == [(e.node_id, e.state, e.score) for e in live if isinstance(e, PlanNode)]
    assert turn.answer == "(13 - 9) * (10 - 4) = 24" and turn.agent == "planner"
    reopened.close()
