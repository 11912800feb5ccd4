"""The cascade's decisions, as a user would see them on the route badge."""

from __future__ import annotations

import asyncio
import json

import pytest
from router_test_agents import standard_agents

from agents.base import Exchange
from router.config import RouterConfig
from router.llm_stage import answer_model
from router.routing import build_router, explicit_prefix
from tools.models.config import ModelConfig
from tools.models.hub import ModelHub
from tools.models.replay import RecordedResponse, ReplayTape

NAMES = ["chat", "sql", "pdf", "seo", "planner"]


def route(router, text, history=()):
    return asyncio.run(router.route(text, tuple(history)))


def test_explicit_prefixes_choose_the_agent_and_are_removed(stage1_router) -> None:
    at = route(stage1_router, "@pdf what does the 10-K say about debt?")
    slash = route(stage1_router, "/SEO: how many gold members?")
    assert (at.agent, at.stage, at.text) == ("pdf", "explicit", "what does the 10-K say about debt?")
    assert (slash.agent, slash.text) == ("seo", "how many gold members?")
    assert explicit_prefix("@nobody hello", NAMES) is None
    assert route(stage1_router, "@nobody how many gold members do we have?").agent == "sql"


def test_a_follow_up_stays_with_the_agent_that_answered(stage1_router) -> None:
    history = [Exchange("how many members joined per month in 2024?", "sql", "…")]
    decision = route(stage1_router, "and by store?", history)
    assert (decision.agent, decision.stage) == ("sql", "follow_up")
    assert route(stage1_router, "why is that?", [Exchange("make 24 from 3 3 8 8", "planner", "…")]).agent == "planner"


def test_a_short_follow_up_that_points_back_stays_even_against_a_confident_classifier(stage1_router) -> None:
    history = [Exchange("Name a colour.", "chat", "Blue.")]
    decision = route(stage1_router, "And another one?", history)
    assert (decision.agent, decision.stage) == ("chat", "follow_up")


def test_a_follow_up_switches_when_another_agent_clearly_wins(stage1_router) -> None:
    history = [Exchange("summarise the q2 earnings release", "pdf", "…")]
    assert route(stage1_router, "thanks a lot!", history).agent == "chat"
    new_request = route(stage1_router, "ok now write a meta description for the shoes page", history)
    assert new_request.agent == "seo" and new_request.stage != "follow_up"


def test_an_ambiguous_turn_asks_naming_the_two_likeliest_agents(stage1_router) -> None:
    decision = route(stage1_router, "what were our sales last quarter?")
    assert decision.kind == "clarify"
    assert set(decision.options) == {"sql", "pdf"}
    assert "@sql" in decision.question and "@pdf" in decision.question


def test_the_reply_to_a_clarifying_question_routes_the_original_question(stage1_router) -> None:
    asked = route(stage1_router, "what were our sales last quarter?")
    history = [Exchange("what were our sales last quarter?", "clarify", asked.question)]
    by_name = route(stage1_router, "pdf please", history)
    assert (by_name.agent, by_name.stage, by_name.text) == ("pdf", "clarified", "what were our sales last quarter?")
    described = route(stage1_router, "the annual report", history)
    assert described.agent == "pdf" and described.text == "what were our sales last quarter?"
    unrelated = route(stage1_router, "write seo copy for the new linen shirts category page", history)
    assert unrelated.agent == "seo" and unrelated.stage != "clarified"


def test_out_of_scope_is_answered_by_chat(stage1_router) -> None:
    decision = route(stage1_router, "please order a taxi to the airport for 6am")
    assert decision.kind == "out_of_scope" and decision.label == "out_of_scope" and decision.agent == "chat"
    assert decision.as_event().agent == "out_of_scope"


def test_two_requests_in_one_turn_are_split_in_order(stage1_router) -> None:
    decision = route(stage1_router, "chart sales by month and draft a product description for our new sneakers")
    assert decision.kind == "split"
    assert [(p.agent, p.text) for p in decision.parts] == [
        ("sql", "chart sales by month"), ("seo", "draft a product description for our new sneakers"),
    ]
    # One request with an "and" inside stays one request.
    single = route(stage1_router, "list members who joined in may and live in lyon")
    assert single.kind == "route" and single.agent == "sql"


LONG = ("Our loyalty programme had a strong year and members kept coming back. " * 1500)[:100_000]


@pytest.mark.parametrize("text", [
    "", "   \n ", LONG, "Wie viele Goldmitglieder haben wir?", "¿Cuántos miembros oro tenemos?", "会员有多少人？",
    "🙂🎉🙂", "```python\nfor i in range(10):\n    print(i)\n```", "SELECT * FROM members;", "{}[]()",
])
def test_odd_input_routes_without_error(stage1_router, text: str) -> None:
    decision = route(stage1_router, text)
    assert decision.label in [*NAMES, "clarify", "out_of_scope", "split"]
    assert decision.elapsed_ms < 5000  # sanity, not a timing target


def test_emoji_and_empty_turns_go_to_chat(stage1_router) -> None:
    assert route(stage1_router, "🙂🎉").agent == "chat"
    assert route(stage1_router, "").agent == "chat"


# --- stage 2 -----------------------------------------------------------------------------
def replay_hub(*answers: str) -> ModelHub:
    tape = ReplayTape([RecordedResponse(json.dumps({"agent": a}), role="router") for a in answers])
    return ModelHub(ModelConfig(backend="replay"), tape=tape)


def test_below_the_threshold_the_router_model_decides() -> None:
    # At threshold 0.99 stage 1 is never sure enough alone, so the router model is asked.
    router = build_router(standard_agents(), models=replay_hub("pdf"), config=RouterConfig(threshold=0.99))
    decision = route(router, "what did the chairman write about dividends?")
    assert (decision.agent, decision.stage, decision.llm_called) == ("pdf", "llm", True)
    assert decision.threshold == 0.99 and len(decision.candidates) == 7


def test_the_router_model_may_ask_to_clarify_or_decline() -> None:
    router = build_router(standard_agents(), models=replay_hub("clarify", "out_of_scope"), config=RouterConfig(threshold=0.99))
    asked = route(router, "give me the quarterly numbers on sales")
    declined = route(router, "could you fax the signed lease to the landlord")
    assert asked.kind == "clarify" and asked.stage == "llm" and len(asked.options) == 2
    assert declined.kind == "out_of_scope" and declined.agent == "chat"


def test_an_implausible_router_model_answer_is_overruled_by_stage_1() -> None:
    router = build_router(standard_agents(), models=replay_hub("planner"), config=RouterConfig(threshold=0.99))
    decision = route(router, "how many gold members do we have in the lyon store?")
    assert decision.agent == "sql" and decision.llm_called and "implausible" in decision.reason


def test_the_answer_model_only_admits_registered_names() -> None:
    answer = answer_model(["chat", "sql"])
    assert answer.model_json_schema()["properties"]["agent"]["enum"] == ["chat", "sql", "clarify", "out_of_scope"]
    with pytest.raises(ValueError):
        answer.model_validate_json('{"agent": "pdf"}')


class _SlowClient:
    async def create(self, *args, **kwargs):
        await asyncio.sleep(10)


class _BrokenClient:
    async def create(self, *args, **kwargs):
        raise ConnectionError("connection refused")


class _Models:
    def __init__(self, client) -> None:
        self._client = client

    def client(self, role: str):
        return self._client


@pytest.mark.parametrize("client, words", [(_SlowClient(), "did not answer within"), (_BrokenClient(), "failed")])
def test_a_router_model_that_times_out_or_fails_falls_back_to_stage_1_with_a_notice(client, words) -> None:
    router = build_router(standard_agents(), models=_Models(client), config=RouterConfig(threshold=0.99, llm_timeout_s=0.05))
    decision = route(router, "how many gold members do we have in the lyon store?")
    assert decision.agent == "sql" and decision.stage == "classifier" and decision.llm_called
    assert len(decision.notices) == 1 and words in decision.notices[0]


@pytest.mark.embedded
def test_the_embedded_model_answers_stage_2_within_the_allowed_names() -> None:
    hub = ModelHub(ModelConfig(backend="embedded", max_tokens=24, temperature=0.0))
    router = build_router(standard_agents(), models=hub, config=RouterConfig(threshold=0.99))
    decision = route(router, "what did the chairman write about dividends?")
    assert decision.llm_called and not decision.notices
    assert decision.label in [*NAMES, "clarify", "out_of_scope"]
