"""Shared helpers for the planner tests: replayed model responses and a search runner."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from agents.planner import build_task, load_prompt_sets
from tools.models.replay import ReplayChatClient, ReplayTape
from tools.reasoning.engine import ReasoningEngine, SearchOptions
from tools.reasoning.thinker import Thinker
from tools.reasoning.tree import Budget, NodeUpdate, NodeView, SearchDone, SearchNotice, SearchResult


def proposals(*thoughts: str) -> str:
    return json.dumps({"thoughts": list(thoughts)})


def score(value: Any, reason: str = "because") -> str:
    return json.dumps({"score": value, "reason": reason})


@dataclass
class SearchTrace:
    updates: list[NodeView] = field(default_factory=list)
    notices: list[SearchNotice] = field(default_factory=list)
    result: SearchResult | None = None
    tape: ReplayTape | None = None

    def final(self) -> dict[str, NodeView]:
        """Each node's last state."""
        out: dict[str, NodeView] = {}
        for view in self.updates:
            out[view.id] = view
        return out

    def states(self) -> dict[str, str]:
        return {i: v.state for i, v in self.final().items()}

    def by_text(self, text: str) -> NodeView:
        return next(v for v in self.final().values() if v.text == text)

    def notice_text(self) -> str:
        return " | ".join(n.message for n in self.notices)


async def run_search(
    question: str,
    responses: list[str],
    *,
    budget: Budget | None = None,
    delay_s: float = 0.0,
    **options: Any,
) -> SearchTrace:
    tape = ReplayTape(responses, source="test tape")
    thinker = Thinker(ReplayChatClient(tape, role="planner", delay_s=delay_s), load_prompt_sets())
    engine = ReasoningEngine(thinker, SearchOptions(**options), budget or Budget())
    trace = SearchTrace(tape=tape)
    async for event in engine.run(build_task(question)):
        if isinstance(event, NodeUpdate):
            trace.updates.append(event.node)
        elif isinstance(event, SearchNotice):
            trace.notices.append(event)
        elif isinstance(event, SearchDone):
            trace.result = event.result
    assert trace.result is not None, "every search ends with a SearchDone"
    return trace


@pytest.fixture
def search():
    return run_search
