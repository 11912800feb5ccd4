"""Running the sql agent in tests: a replayed model, a real database, the events collected."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agents.base import AgentContext, Exchange, Turn
from agents.sql import SqlAgent
from tools.models import ModelConfig, ModelHub
from tools.models.hub import BackendChoice
from tools.models.replay import ReplayTape


def answer(sql: str, explanation: str = "") -> str:
    return json.dumps({"sql": sql, "explanation": explanation})


def replay_hub(responses: Sequence[str]) -> ModelHub:
    return ModelHub(ModelConfig(backend="replay"), BackendChoice("replay", "test"), tape=ReplayTape(list(responses)))


async def run_agent(
    question: str,
    responses: Sequence[str] | None = None,
    *,
    settings: dict[str, Any],
    data_dir: Path,
    hub: ModelHub | None = None,
    history: tuple[Exchange, ...] = (),
) -> list:
    hub = hub or replay_hub(responses or [])
    context = AgentContext(models=hub, settings=settings, data_dir=data_dir)
    turn = Turn(id="turn0123456789abcdef", text=question, history=history)
    return [event async for event in SqlAgent().run(turn, context)]


def of_type(events: list, kind: str) -> list:
    return [e for e in events if e.type == kind]
