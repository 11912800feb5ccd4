"""Shared fixtures: settings in a temporary data folder, and runtimes on replayed responses."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from tools.models import ModelConfig, ModelHub
from tools.models.hub import BackendChoice
from tools.models.replay import ReplayTape
from tui.runtime import Runtime, build_runtime
from tui.settings import Settings, load_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with no file and no environment, everything under tmp_path."""
    return load_settings(config_path=None, env={"MAITRE_CONFIG": ""}, overrides={"data_dir": str(tmp_path / "data")})


@pytest.fixture
def replay_runtime(settings: Settings) -> Iterator[Callable[..., Runtime]]:
    """Build a Runtime whose models play back `responses` in order."""
    made: list[Runtime] = []

    def make(responses: Sequence[str], delay_s: float = 0.0) -> Runtime:
        config = ModelConfig(backend="replay")
        hub = ModelHub(config, BackendChoice("replay", "test responses"), tape=ReplayTape(list(responses)))
        if delay_s:
            from tools.models.replay import ReplayChatClient

            original = hub._build

            def slow(role: str):  # type: ignore[no-untyped-def]
                client = original(role)
                assert isinstance(client, ReplayChatClient)
                client._delay = delay_s
                return client

            hub._build = slow  # type: ignore[method-assign]
        runtime = build_runtime(settings, models=hub, load_plugins=False)
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        runtime.close()


@pytest.fixture
def closed_port() -> int:
    """A localhost port with nothing listening: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def collect(agen) -> list:  # type: ignore[no-untyped-def]
    return [event async for event in agen]
