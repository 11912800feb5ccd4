"""Changing an agent's model mid-chat: the next call of that agent asks Ollama for the new model."""

import json
from pathlib import Path

import httpx
import pytest
from autogen_core.models import UserMessage

from tests.fake_ollama import fake_ollama
from tools.models import ModelConfig, ModelHub
from tools.models.hub import BackendChoice, ModelChoiceError
from tools.models.probe import OllamaStatus


async def asked_model(hub: ModelHub, role: str, log: list[httpx.Request]) -> str:
    async for _ in hub.client(role).create_stream([UserMessage(content="hi", source="user")]):
        pass
    chats = [r for r in log if r.url.path == "/api/chat"]
    return json.loads(chats[-1].content)["model"]


def ollama_hub(log: list[httpx.Request], **config) -> ModelHub:  # type: ignore[no-untyped-def]
    return ModelHub(
        ModelConfig(backend="ollama", **config),
        BackendChoice("ollama", "test"),
        ollama_transport=fake_ollama(log),
    )


async def test_set_model_for_one_role_changes_only_that_roles_next_call():
    log: list[httpx.Request] = []
    hub = ollama_hub(log, default_model="llama3.2:3b")
    assert await asked_model(hub, "sql", log) == "llama3.2:3b"
    sentence = hub.set_model("sql", "qwen2.5:7b")
    assert sentence == "The sql agent now uses qwen2.5:7b."
    assert await asked_model(hub, "sql", log) == "qwen2.5:7b"
    assert await asked_model(hub, "chat", log) == "llama3.2:3b"
    assert hub.model_name("sql") == "qwen2.5:7b"


async def test_set_model_for_every_role_replaces_per_role_choices():
    log: list[httpx.Request] = []
    settings_models = {"sql": "qwen2.5:7b"}
    hub = ollama_hub(log, models=settings_models)
    assert hub.set_model(None, "llama3.2:3b") == "Every agent now uses llama3.2:3b."
    assert await asked_model(hub, "sql", log) == "llama3.2:3b"
    assert settings_models == {"sql": "qwen2.5:7b"}  # the settings object is not edited


def test_replay_has_one_model_and_says_so():
    hub = ModelHub(ModelConfig(backend="replay"), BackendChoice("replay", "test"))
    with pytest.raises(ModelChoiceError, match="one model"):
        hub.set_model("chat", "llama3.2:3b")


def test_embedded_offers_a_gguf_path_instead(tmp_path: Path):
    hub = ModelHub(ModelConfig(backend="embedded"), BackendChoice("embedded", "asked for"))
    with pytest.raises(ModelChoiceError, match="GGUF file path"):
        hub.set_model("chat", "llama3.2:3b")
    with pytest.raises(ModelChoiceError, match="no GGUF file at"):
        hub.set_model(None, str(tmp_path / "missing.gguf"))
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF")
    assert hub.set_model(None, str(gguf)) == "Every agent now uses the embedded model tiny."
    assert hub.model_name("chat") == "tiny"


async def test_auto_on_the_embedded_fallback_moves_to_ollama_when_a_model_is_picked_for_all():
    log: list[httpx.Request] = []
    status = OllamaStatus(host="http://127.0.0.1:11434", reachable=True, models=("qwen2.5:7b",))
    hub = ModelHub(
        ModelConfig(backend="auto", default_model="llama3.2:3b"),
        BackendChoice("embedded", "Ollama has not pulled llama3.2:3b", status),
        ollama_transport=fake_ollama(log),
    )
    with pytest.raises(ModelChoiceError, match="for every agent first"):
        hub.set_model("chat", "qwen2.5:7b")
    hub.set_model(None, "qwen2.5:7b")
    assert hub.backend == "ollama" and "you chose qwen2.5:7b" in hub.choice.reason
    assert await asked_model(hub, "chat", log) == "qwen2.5:7b"
