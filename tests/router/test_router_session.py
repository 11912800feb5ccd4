"""How a session carries out clarify, out_of_scope and split decisions, and what it stores."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from router_test_agents import EchoAgent, standard_agents

from agents.base import Agent, AgentContext, Turn
from agents.events import AgentStarted, Error, Event, Notice, RouteDecided, TextDelta, TurnDone
from agents.registry import AgentRegistry
from router.config import RouterConfig
from router.routing import build_router
from router.session import Session
from router.store import Store
from tools.models.config import ModelConfig
from tools.models.hub import ModelHub
from tools.models.replay import ReplayTape


class ExplodingAgent(EchoAgent):
    async def run(self, turn: Turn, context: AgentContext) -> AsyncIterator[Event]:
        raise RuntimeError("the database file is locked")
        yield  # pragma: no cover


def make_session(tmp_path, agents: list[Agent] | None = None, router_models=None, config=None, session_id=None):
    agents = agents or standard_agents()
    store = Store(tmp_path / "maitre.db")
    models = ModelHub(ModelConfig(backend="replay"), tape=ReplayTape([]))
    router = build_router(agents, models=router_models, config=config or RouterConfig(llm=False))
    return Session(registry=AgentRegistry(agents), router=router, models=models, store=store, session_id=session_id)


def send(session: Session, text: str) -> list[Event]:
    async def collect() -> list[Event]:
        return [event async for event in session.send(text)]

    return asyncio.run(collect())


def by_name(session: Session, name: str) -> EchoAgent:
    return session.registry.get(name)  # type: ignore[return-value]


def test_clarify_asks_one_question_and_the_reply_routes_the_original(tmp_path) -> None:
    session = make_session(tmp_path)
    events = send(session, "what were our sales last quarter?")
    route = next(e for e in events if isinstance(e, RouteDecided))
    question = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert route.agent == "clarify" and "@sql" in question and "@pdf" in question
    assert not any(isinstance(e, AgentStarted) for e in events)
    assert isinstance(events[-1], TurnDone) and events[-1].status == "ok"

    events = send(session, "sql")
    assert next(e for e in events if isinstance(e, RouteDecided)).stage == "clarified"
    assert by_name(session, "sql").seen[-1][0] == "what were our sales last quarter?"


def test_a_clarifying_question_survives_reopening_the_chat(tmp_path) -> None:
    first = make_session(tmp_path)
    send(first, "what were our sales last quarter?")
    first.store.close()
    reopened = make_session(tmp_path, session_id=first.id)
    send(reopened, "the annual report")
    assert by_name(reopened, "pdf").seen[-1][0] == "what were our sales last quarter?"
    stored = reopened.store.load_turns(reopened.id)
    assert [t.agent for t in stored] == ["clarify", "pdf"]


def test_out_of_scope_is_answered_by_chat_with_its_polite_limit(tmp_path) -> None:
    session = make_session(tmp_path)
    events = send(session, "please book me a flight to madrid on friday")
    assert next(e for e in events if isinstance(e, RouteDecided)).agent == "out_of_scope"
    assert next(e for e in events if isinstance(e, AgentStarted)).agent == "chat"
    _, extras = by_name(session, "chat").seen[-1]
    assert extras["system_prompt"] == "chat_out_of_scope"
    for name in ("sql", "pdf", "seo", "planner"):
        assert name in extras["specialists"]
    assert session.history[-1].agent == "chat"


def test_a_split_turn_runs_each_part_in_order_and_stores_both(tmp_path) -> None:
    session = make_session(tmp_path)
    events = send(session, "chart sales by month and draft a product description for our new sneakers")
    routes = [e for e in events if isinstance(e, RouteDecided)]
    started = [e.agent for e in events if isinstance(e, AgentStarted)]
    assert [(r.agent, r.stage) for r in routes] == [("sql", "split"), ("seo", "split")]
    assert started == ["sql", "seo"]
    assert by_name(session, "sql").seen[-1][0] == "chart sales by month"
    assert by_name(session, "seo").seen[-1][0] == "draft a product description for our new sneakers"
    assert [x.agent for x in session.history] == ["sql", "seo"]
    stored = session.store.load_turns(session.id)[-1]
    assert stored.status == "ok" and "sql: chart sales" in stored.answer and "seo: draft" in stored.answer
    assert sum(isinstance(e, RouteDecided) for e in stored.events) == 2


def test_a_failing_part_is_reported_and_the_next_part_still_runs(tmp_path) -> None:
    agents: list[Agent] = [a if a.name != "sql" else ExplodingAgent("sql") for a in standard_agents()]
    session = make_session(tmp_path, agents)
    events = send(session, "chart sales by month and draft a product description for our new sneakers")
    errors = [e for e in events if isinstance(e, Error)]
    assert len(errors) == 1 and "sql" in errors[0].message
    assert by_name(session, "seo").seen, "the second part ran"
    assert events[-1].status == "error"
    # The session goes on.
    assert send(session, "hello there!")[-1].status == "ok"


class _BrokenModels:
    def client(self, role: str):
        raise ConnectionError("nothing answers at http://127.0.0.1:11434")


def test_a_failing_router_model_becomes_a_notice_and_the_turn_still_runs(tmp_path) -> None:
    session = make_session(tmp_path, router_models=_BrokenModels(), config=RouterConfig(threshold=0.99))
    events = send(session, "how many gold members do we have in the lyon store?")
    notices = [e for e in events if isinstance(e, Notice)]
    assert notices and "best guess" in notices[0].message
    assert next(e for e in events if isinstance(e, AgentStarted)).agent == "sql"


def test_the_route_badge_carries_stage_scores_threshold_and_time(tmp_path) -> None:
    session = make_session(tmp_path)
    route = next(e for e in send(session, "how many gold members joined in may?") if isinstance(e, RouteDecided))
    assert route.agent == "sql" and route.stage == "classifier"
    assert {c.agent for c in route.candidates} == {"chat", "sql", "pdf", "seo", "planner", "out_of_scope", "clarify"}
    assert route.threshold == RouterConfig().threshold and route.elapsed_ms > 0 and route.reason
    stored = session.store.load_turns(session.id)[-1].events
    assert any(isinstance(e, RouteDecided) and e.candidates == route.candidates for e in stored)


@pytest.mark.parametrize("text", ["🙂", "x" * 100_000])
def test_odd_turns_complete(tmp_path, text: str) -> None:
    session = make_session(tmp_path)
    assert send(session, text)[-1].status == "ok"
