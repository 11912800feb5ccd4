"""The Models screen and /model, driven through Pilot on a recorded Ollama (or a closed port)."""

import json

import httpx
from textual.widgets import DataTable, ProgressBar, Select, Static

from tests.fake_ollama import fake_ollama
from tests.tui.test_chat_app import type_text, wait_for
from tools.models import ModelConfig, ModelHub
from tools.models.hub import BackendChoice
from tui.app import MaitreApp
from tui.runtime import build_runtime
from tui.screens_models import ModelsScreen
from tui.widgets.messages import AnswerMessage


def ollama_app(settings, log, *, host="http://ollama.test:11434", pull_delay_s=0.0, transport=True):  # type: ignore[no-untyped-def]
    hub = ModelHub(
        ModelConfig(backend="ollama", ollama_host=host, default_model="llama3.2:3b", connect_timeout_s=1.0),
        BackendChoice("ollama", "test server"),
        ollama_transport=fake_ollama(log, pull_delay_s=pull_delay_s) if transport else None,
    )
    runtime = build_runtime(settings, models=hub, load_plugins=False)
    return MaitreApp(runtime), runtime


def text_of(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector, Static).render())


async def start_pull(pilot, app, name: str) -> ModelsScreen:  # type: ignore[no-untyped-def]
    """Open the Models screen with F3 and ask it to pull `name`."""
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(app.screen, ModelsScreen))
    screen = app.screen
    screen.query_one("#pull-name").focus()
    await type_text(pilot, name)
    await pilot.press("enter")
    return screen


async def test_f3_shows_server_installed_and_loaded_models(settings):
    app, runtime = ollama_app(settings, [])
    async with app.run_test(size=(110, 50)) as pilot:
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, ModelsScreen) and app.screen.overview is not None)
        screen = app.screen
        await wait_for(pilot, lambda: screen.query(Select))
        assert "Ollama 0.12.6 answers at http://ollama.test:11434" in text_of(screen, "#server")
        installed = screen.query_one("#installed", DataTable)
        assert [installed.get_row_at(i)[0] for i in range(installed.row_count)] == [
            "llama3.2:3b", "qwen2.5:7b", "nomic-embed-text:latest"
        ]
        loaded = screen.query_one("#loaded", DataTable)
        assert loaded.row_count == 1 and loaded.get_row_at(0)[:3] == ["llama3.2:3b", "3.4 GB", "100%"]
        assert screen.query_one("#pick-chat", Select).value == "llama3.2:3b"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ModelsScreen))
    runtime.close()


async def test_choosing_a_model_for_an_agent_changes_its_next_turn(settings):
    log: list[httpx.Request] = []
    app, runtime = ollama_app(settings, log)
    async with app.run_test(size=(110, 50)) as pilot:
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, ModelsScreen) and app.screen.query("#pick-chat"))
        app.screen.query_one("#pick-chat", Select).value = "qwen2.5:7b"
        await wait_for(pilot, lambda: runtime.models.model_name("chat") == "qwen2.5:7b")
        assert runtime.models.model_name("sql") == "llama3.2:3b"
        assert any("The chat agent now uses qwen2.5:7b." in n.message for n in app._notifications)
        await pilot.press("escape")
        await type_text(pilot, "@chat hello")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.query(AnswerMessage) and not app.turn_running)
        [chat] = [r for r in log if r.url.path == "/api/chat"]
        assert json.loads(chat.content)["model"] == "qwen2.5:7b"
        assert "qwen2.5:7b" in str(app.query_one("#status").render())
    runtime.close()


async def test_pull_fills_the_progress_bar_to_100_percent(settings):
    app, runtime = ollama_app(settings, [], pull_delay_s=0.06)
    async with app.run_test(size=(110, 50)) as pilot:
        screen = await start_pull(pilot, app, "smollm2:135m")
        seen: list[float] = []

        def progress_done() -> bool:
            seen.append(screen.query_one("#pull-progress", ProgressBar).percentage or 0.0)
            return not screen.pull_running and seen[-1] == 1.0

        await wait_for(pilot, progress_done)
        assert any(0 < p < 1 for p in seen)  # it moved through the middle, not straight to the end
        assert "smollm2:135m: success" in text_of(screen, "#pull-status")
    runtime.close()


async def test_pull_of_an_unknown_model_shows_the_sentence(settings):
    app, runtime = ollama_app(settings, [])
    async with app.run_test(size=(110, 50)) as pilot:
        screen = await start_pull(pilot, app, "nosuch")
        await wait_for(pilot, lambda: "no model called nosuch" in text_of(screen, "#pull-status"))
        assert screen.query_one("#pull-status").has_class("-error")
    runtime.close()


async def test_escape_cancels_a_running_pull_before_closing(settings):
    app, runtime = ollama_app(settings, [], pull_delay_s=0.3)
    async with app.run_test(size=(110, 50)) as pilot:
        screen = await start_pull(pilot, app, "smollm2:135m")
        await wait_for(pilot, lambda: screen.pull_running)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.pull_running)
        assert isinstance(app.screen, ModelsScreen)  # the first Esc only cancels
        assert "cancelled" in text_of(screen, "#pull-status")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ModelsScreen))
    runtime.close()


async def test_ollama_down_shows_a_sentence_and_no_pickers(settings, closed_port):
    host = f"http://127.0.0.1:{closed_port}"
    app, runtime = ollama_app(settings, [], host=host, transport=False)
    async with app.run_test(size=(110, 50)) as pilot:
        await type_text(pilot, "/model")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ModelsScreen) and app.screen.overview is not None)
        screen = app.screen
        await wait_for(pilot, lambda: screen.query("#one-model"))
        assert text_of(screen, "#server").startswith(f"Ollama is not reachable at {host}")
        assert not screen.query(Select)
        assert screen.query_one("#installed", DataTable).row_count == 0
    runtime.close()


async def test_slash_model_sets_every_agent_or_one_and_refuses_unpulled_models(settings):
    app, runtime = ollama_app(settings, [])
    hub = runtime.models
    async with app.run_test(size=(110, 50)) as pilot:
        for line in ("/model sql qwen2.5:7b", "/model mistral:7b", "/model nobody qwen2.5:7b"):
            await type_text(pilot, line)
            await pilot.press("enter")
            await pilot.pause(0.1)
        messages = [n.message for n in app._notifications]
        assert "The sql agent now uses qwen2.5:7b." in messages
        assert hub.model_name("sql") == "qwen2.5:7b" and hub.model_name("chat") == "llama3.2:3b"
        assert any("has not pulled mistral:7b" in m and "maitre pull mistral:7b" in m for m in messages)
        assert any(m.startswith("There is no agent called nobody") for m in messages)
        await type_text(pilot, "/model qwen2.5:7b")
        await pilot.press("enter")
        await wait_for(pilot, lambda: hub.model_name("router") == "qwen2.5:7b")
        assert hub.model_name("chat") == "qwen2.5:7b"
    runtime.close()


async def test_replay_backend_says_there_is_one_model(replay_runtime):
    runtime = replay_runtime([])
    app = MaitreApp(runtime)
    async with app.run_test(size=(110, 50)) as pilot:
        await type_text(pilot, "/model llama3.2:3b")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("one model (replay)" in n.message for n in app._notifications))
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, ModelsScreen) and app.screen.query("#one-model"))
        assert "one model (replay)" in text_of(app.screen, "#one-model")
