"""Ollama's admin endpoints: recorded responses for what a server says, a closed port for failure."""

import httpx
import pytest

from tests.fake_ollama import fake_ollama
from tools.models.ollama_admin import OllamaAdmin, OllamaAdminError

HOST = "http://ollama.test:11434"


async def test_overview_lists_version_installed_and_loaded_models():
    admin = OllamaAdmin(HOST, transport=fake_ollama())
    overview = await admin.overview()
    assert overview.reachable and overview.version == "0.12.6"
    assert overview.installed_names == ["llama3.2:3b", "qwen2.5:7b", "nomic-embed-text:latest"]
    assert overview.installed[1].parameter_size == "7.6B"
    [loaded] = overview.loaded
    assert loaded.name == "llama3.2:3b" and loaded.size_vram == loaded.size == 3383349248
    assert loaded.expires_at is not None and loaded.expires_at.year == 2026


async def test_pull_streams_typed_progress_to_success():
    log: list[httpx.Request] = []
    admin = OllamaAdmin(HOST, transport=fake_ollama(log))
    steps = [p async for p in admin.pull("smollm2:135m")]
    assert steps[0].status == "pulling manifest" and steps[0].fraction is None
    layer = [p for p in steps if p.completed is not None and p.total == 270898784]
    assert [round(p.fraction or 0, 2) for p in layer] == [0.25, 0.5, 1.0]
    assert steps[-1].status == "success" and steps[-1].fraction == 1.0
    assert log[-1].method == "POST" and b'"smollm2:135m"' in log[-1].content


async def test_pull_of_an_unknown_model_raises_a_sentence():
    admin = OllamaAdmin(HOST, transport=fake_ollama())
    with pytest.raises(OllamaAdminError, match="no model called nosuch:1b"):
        async for _ in admin.pull("nosuch:1b"):
            pass


async def test_an_http_error_body_is_shown_not_a_status_code_alone():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, json={"error": "pull model manifest: file does not exist"})

    admin = OllamaAdmin(HOST, transport=httpx.MockTransport(handler))
    with pytest.raises(OllamaAdminError, match="file does not exist"):
        async for _ in admin.pull("nosuch"):
            pass


async def test_closed_port_is_reported_as_not_reachable(closed_port):
    host = f"http://127.0.0.1:{closed_port}"
    admin = OllamaAdmin(host)
    overview = await admin.overview()
    assert not overview.reachable
    assert overview.error.startswith(f"Ollama is not reachable at {host}")
    assert "ollama serve" in overview.error
    with pytest.raises(OllamaAdminError, match="not reachable"):
        async for _ in admin.pull("llama3.2"):
            pass


async def test_a_server_that_hangs_is_a_timeout_sentence():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    overview = await OllamaAdmin(HOST, timeout_s=0.5, transport=httpx.MockTransport(handler)).overview()
    assert not overview.reachable and "did not answer within 0.5 s" in overview.error


async def test_something_else_on_the_port_is_not_taken_for_ollama():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>router login</html>")

    overview = await OllamaAdmin(HOST, transport=httpx.MockTransport(handler)).overview()
    assert not overview.reachable and "not like an Ollama server" in overview.error
