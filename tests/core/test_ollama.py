"""The Ollama path: wire behaviour against recorded responses, failures against a closed port."""

import json
from pathlib import Path

import httpx
from autogen_core.models import UserMessage
from pydantic import BaseModel

from agents.events import Error, Notice, TextDelta
from tools.models import ModelConfig, ModelHub
from tools.models.hub import BackendChoice, choose_backend
from tools.models.probe import probe_ollama
from tui.runtime import build_runtime
from tests.conftest import collect

DATA = Path(__file__).parent.parent / "data" / "ollama"


def recorded_server(log: list[httpx.Request], *, chat_status: int = 200, cut_after: int | None = None):
    stream_lines = (DATA / "chat_stream.ndjson").read_text().splitlines(keepends=True)

    def handler(request: httpx.Request) -> httpx.Response:
        log.append(request)
        if request.url.path == "/api/tags":
            return httpx.Response(200, json=json.loads((DATA / "tags.json").read_text()))
        if request.url.path == "/api/ps":
            return httpx.Response(200, json={"models": []})
        if request.url.path == "/api/chat":
            if chat_status == 404:
                return httpx.Response(404, json={"error": "model \"qwen9:70b\" not found, try pulling it first"})
            body = json.loads(request.content)
            if not body.get("stream", True):
                return httpx.Response(200, json=json.loads((DATA / "chat_structured.json").read_text()))

            async def lines():
                for i, line in enumerate(stream_lines):
                    if cut_after is not None and i >= cut_after:
                        raise httpx.ReadError("connection reset by peer")
                    yield line.encode()

            return httpx.Response(200, content=lines())
        return httpx.Response(404)

    return handler


def test_auto_picks_ollama_when_it_answers_and_has_the_model():
    transport = httpx.MockTransport(recorded_server([]))
    config = ModelConfig(default_model="llama3.2:3b")
    choice = choose_backend(config, probe=lambda host: probe_ollama(host, transport=transport))
    assert choice.backend == "ollama" and "llama3.2:3b" in choice.reason


def test_auto_names_the_pull_command_when_the_model_is_missing():
    transport = httpx.MockTransport(recorded_server([]))
    config = ModelConfig(default_model="qwen2.5:7b")
    choice = choose_backend(config, probe=lambda host: probe_ollama(host, transport=transport))
    assert choice.backend == "embedded" and "ollama pull qwen2.5:7b" in choice.reason


def test_auto_falls_back_to_embedded_and_names_the_host_when_ollama_is_down(closed_port):
    config = ModelConfig(ollama_host=f"http://127.0.0.1:{closed_port}")
    choice = choose_backend(config)
    assert choice.backend == "embedded"
    assert f"127.0.0.1:{closed_port}" in choice.reason


async def test_streamed_chat_arrives_token_by_token_with_options_sent(settings):
    log: list[httpx.Request] = []
    config = ModelConfig(backend="ollama", num_ctx=8192, temperature=0.1, keep_alive="30m")
    hub = ModelHub(config, BackendChoice("ollama", "test"), ollama_transport=httpx.MockTransport(recorded_server(log)))
    runtime = build_runtime(settings, models=hub, load_plugins=False)
    events = await collect(runtime.session().send("@chat How many tiers does the club have?"))
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert "".join(deltas) == "The loyalty club has four tiers."
    assert len(deltas) == 7
    body = json.loads(log[-1].content)
    assert body["model"] == "llama3.2:3b" and body["stream"] is True
    assert body["options"]["num_ctx"] == 8192 and body["options"]["temperature"] == 0.1
    assert body["keep_alive"] == "30m"
    runtime.close()


async def test_structured_output_sends_the_schema_and_parses():
    class Pick(BaseModel):
        agent: str
        confidence: float

    log: list[httpx.Request] = []
    hub = ModelHub(ModelConfig(backend="ollama"), BackendChoice("ollama", "t"), ollama_transport=httpx.MockTransport(recorded_server(log)))
    result = await hub.client("router").create([UserMessage(content="route this", source="user")], json_output=Pick)
    assert Pick.model_validate_json(result.content).agent == "sql"
    assert json.loads(log[-1].content)["format"]["properties"]["agent"]["type"] == "string"


async def test_a_missing_model_names_the_exact_pull_command(settings):
    hub = ModelHub(
        ModelConfig(backend="ollama", default_model="qwen9:70b"), BackendChoice("ollama", "t"),
        ollama_transport=httpx.MockTransport(recorded_server([], chat_status=404)),
    )
    runtime = build_runtime(settings, models=hub, load_plugins=False)
    events = await collect(runtime.session().send("@chat hello"))
    error = next(e for e in events if isinstance(e, Error))
    assert error.kind == "model_missing" and "ollama pull qwen9:70b" in error.message
    runtime.close()


async def test_ollama_down_names_the_host_and_loses_nothing(settings, closed_port):
    host = f"http://127.0.0.1:{closed_port}"
    hub = ModelHub(ModelConfig(backend="ollama", ollama_host=host), BackendChoice("ollama", "forced"))
    runtime = build_runtime(settings, models=hub, load_plugins=False)
    session = runtime.session()
    events = await collect(session.send("@chat Are you there?"))
    error = next(e for e in events if isinstance(e, Error))
    assert error.kind == "model_unreachable" and f"127.0.0.1:{closed_port}" in error.message
    assert "ollama serve" in error.message
    [turn] = runtime.store.load_turns(session.id)
    assert turn.text == "@chat Are you there?" and turn.status == "error"
    assert hub.backend == "ollama"  # backend forced to ollama: no silent switch
    runtime.close()


async def test_ollama_stopping_mid_answer_keeps_the_partial_answer_and_auto_falls_back(settings):
    hub = ModelHub(
        ModelConfig(backend="auto"), BackendChoice("ollama", "it answered at start-up"),
        ollama_transport=httpx.MockTransport(recorded_server([], cut_after=3)),
    )
    runtime = build_runtime(settings, models=hub, load_plugins=False)
    session = runtime.session()
    events = await collect(session.send("@chat Tell me about the tiers"))
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "The loyalty club"
    notices = [e.message for e in events if isinstance(e, Notice)]
    assert any("incomplete" in n for n in notices)
    assert any("switched to the embedded model" in n for n in notices)
    assert hub.backend == "embedded"
    [turn] = runtime.store.load_turns(session.id)
    assert turn.answer == "The loyalty club" and turn.status == "error"
    runtime.close()
