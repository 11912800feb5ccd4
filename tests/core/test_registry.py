"""Plug-in agents arrive through the `maitre.agents` entry point; a broken one is skipped."""

import sys
import textwrap

from agents.registry import AgentRegistry, default_registry


def install_fake_distribution(tmp_path, monkeypatch, module_source: str, entry_points: str) -> None:
    """A real distribution on sys.path (dist-info + module), as pip would leave it."""
    (tmp_path / "demo_plugin.py").write_text(textwrap.dedent(module_source))
    dist = tmp_path / "demo_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: demo-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("demo_plugin", None)


def test_an_installed_plugin_agent_is_registered_and_a_broken_one_is_reported(tmp_path, monkeypatch):
    install_fake_distribution(
        tmp_path,
        monkeypatch,
        """
        from agents.base import Agent
        from agents.events import TextDelta

        class Weather(Agent):
            name = "weather"
            description = "Weather forecasts."
            examples = ("will it rain tomorrow?",)

            async def run(self, turn, context):
                yield TextDelta(text="sunny")

        def broken():
            raise RuntimeError("missing API key")
        """,
        """
        [maitre.agents]
        weather = demo_plugin:Weather
        broken = demo_plugin:broken
        ghost = demo_plugin_that_is_not_there:Agent
        """,
    )
    registry = default_registry()
    assert "weather" in registry and "chat" in registry
    assert "demo_plugin" in registry.sources["weather"]
    failed = {f.name: f.error for f in registry.failures}
    assert "missing API key" in failed["broken"]
    assert "ModuleNotFoundError" in failed["ghost"]


def test_two_agents_with_one_name_are_refused():
    from agents.chat import ChatAgent

    registry = AgentRegistry([ChatAgent()])
    try:
        registry.add(ChatAgent())
    except ValueError as exc:
        assert "already registered" in str(exc)
    else:
        raise AssertionError("duplicate name accepted")
