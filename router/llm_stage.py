"""Stage 2 of the cascade: one structured-output call to the router model.

The answer is a pydantic model whose `agent` field is a Literal of the registered agent names
plus `clarify` and `out_of_scope`, built when the router is built, so the model cannot answer
with a name that does not exist, and on llama.cpp and Ollama cannot answer with broken JSON.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from autogen_core.models import LLMMessage, SystemMessage, UserMessage
from pydantic import BaseModel, Field, ValidationError, create_model

from agents.base import Agent, Exchange
from prompts import render_prompt

CLARIFY = "clarify"
OUT_OF_SCOPE = "out_of_scope"
ROUTER_ROLE = "router"
# The router model sees at most this much of the turn and of the previous answer: enough to
# route, small enough for a 4k context and a fast answer.
MAX_TURN_CHARS = 1200
MAX_PREVIOUS_CHARS = 300


class RouterModelFailed(RuntimeError):
    """The router model timed out, failed, or answered with something unusable."""


def answer_model(names: Sequence[str]) -> type[BaseModel]:
    """A pydantic model whose `agent` may only be one of `names`, clarify or out_of_scope."""
    choices = tuple(dict.fromkeys([*names, CLARIFY, OUT_OF_SCOPE]))
    return create_model(
        "RouterAnswer",
        agent=(Literal[choices], Field(description="Who answers: an assistant's name, clarify or out_of_scope.")),  # type: ignore[valid-type]
    )


class RouterModelStage:
    def __init__(
        self, models: Any, agents: Sequence[Agent], *, timeout_s: float = 20.0, prompts_dir: Path | None = None
    ) -> None:
        self.models = models
        self.names = [a.name for a in agents]
        self.answer = answer_model(self.names)
        self.timeout_s = timeout_s
        self.prompts_dir = prompts_dir
        listing = "\n".join(f"- {a.name}: {' '.join(a.description.split())}" for a in agents)
        self.system = render_prompt("router_system", prompts_dir, agents=listing)

    def messages(self, text: str, history: Sequence[Exchange], ranked: Sequence[tuple[str, float]]) -> list[LLMMessage]:
        previous = ""
        if history and history[-1].agent in self.names:
            last = history[-1]
            previous = f"Previous message (answered by {last.agent}): {last.user[:MAX_PREVIOUS_CHARS]}\n"
        ranking = ", ".join(f"{name} {score:.2f}" for name, score in ranked[:4])
        user = render_prompt(
            "router_user", self.prompts_dir, previous=previous, text=text[:MAX_TURN_CHARS], ranking=ranking or "none"
        )
        return [SystemMessage(content=self.system), UserMessage(content=user, source="user")]

    async def choose(self, text: str, history: Sequence[Exchange], ranked: Sequence[tuple[str, float]]) -> str:
        """The router model's choice; raises RouterModelFailed with a reason the user can read."""
        try:
            client = self.models.client(ROUTER_ROLE)
            result = await asyncio.wait_for(
                client.create(self.messages(text, history, ranked), json_output=self.answer), timeout=self.timeout_s
            )
        except asyncio.TimeoutError:
            raise RouterModelFailed(f"the router model did not answer within {self.timeout_s:g} s") from None
        except Exception as exc:  # any backend failure: stage 1's guess stands
            raise RouterModelFailed(f"the router model failed ({type(exc).__name__}: {exc})") from None
        content = result.content if isinstance(result.content, str) else ""
        try:
            return str(self.answer.model_validate_json(content).agent)  # type: ignore[attr-defined]
        except ValidationError:
            raise RouterModelFailed(f"the router model answered {content[:80]!r}, which names no agent") from None
