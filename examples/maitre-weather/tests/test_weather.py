"""The plug-in, installed as a package, seen through maitre's real registry, router and session."""

from __future__ import annotations

import importlib.metadata

import pytest

from agents.events import RouteDecided, TextDelta, ToolCall, ToolResult
from agents.registry import default_registry
from maitre_weather.forecast import forecast
from tools.toolbox import ToolBox


@pytest.fixture(scope="module", autouse=True)
def installed() -> None:
    try:
        importlib.metadata.distribution("maitre-weather")
    except importlib.metadata.PackageNotFoundError:
        pytest.fail("maitre-weather is not installed: `pip install -e examples/maitre-weather` (the README's test command does)")


def test_the_agent_and_the_tool_are_found_through_their_entry_points():
    assert "weather" in default_registry()
    box = ToolBox()
    box.load_entry_points()
    tool = box.get("forecast")
    assert "weather forecast" in tool.description.lower()
    assert set(tool.schema["parameters"]["properties"]) == {"city", "day"}


def test_the_forecast_is_deterministic_and_names_the_city():
    assert forecast("oslo", "tomorrow") == forecast("Oslo", "tomorrow")
    assert forecast("Oslo", "tomorrow").startswith("Oslo, tomorrow:")


@pytest.mark.parametrize(
    "question",
    ["will it rain in Bergen tomorrow?", "what's the weather in Lyon on Friday", "do I need an umbrella in Cork today?"],
)
async def test_the_router_sends_weather_questions_to_the_plugin(question, tmp_path):
    from tools.models import ModelConfig, ModelHub
    from tools.models.hub import BackendChoice
    from tools.models.replay import ReplayTape
    from tui.runtime import build_runtime
    from tui.settings import load_settings

    settings = load_settings(env={"MAITRE_CONFIG": ""}, overrides={"data_dir": str(tmp_path)})
    hub = ModelHub(ModelConfig(backend="replay"), BackendChoice("replay", "test"), tape=ReplayTape([]))
    runtime = build_runtime(settings, models=hub)
    events = [e async for e in runtime.session().send(question)]
    runtime.close()
    route = next(e for e in events if isinstance(e, RouteDecided))
    assert route.agent == "weather", route.reason
    call = next(e for e in events if isinstance(e, ToolCall))
    assert call.tool == "forecast" and call.arguments["city"] in question
    assert next(e for e in events if isinstance(e, ToolResult)).content in "".join(
        e.text for e in events if isinstance(e, TextDelta)
    )
