"""Writing conversation and cassette files for the tests."""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml

from tui.convo.results import ConvoResult
from tui.convo.runner import RunOptions, run_conversation


def write_convo(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.convo.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def write_cassette(folder: Path, name: str, data: dict) -> Path:
    path = folder / f"{name}.cassette.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def run(path: Path, **options) -> ConvoResult:
    options.setdefault("isolated", True)
    return asyncio.run(run_conversation(path, RunOptions(**options)))


TWO_TURNS = """
name: two turns
turns:
  - user: "Hello, who are you?"
    expect: {route: chat, contains: [assistant], events: [route_decided, agent_started, text_delta, turn_done:ok]}
  - user: "@chat And what can you do?"
    expect: {stage: explicit, contains: [questions]}
"""

TWO_TURNS_CASSETTE = {
    "version": 1,
    "turns": [{"user": "Hello, who are you?"}, {"user": "@chat And what can you do?"}],
    "responses": [
        {"role": "chat", "turn": 1, "content": "I am a local assistant."},
        {"role": "chat", "turn": 2, "content": "I answer questions."},
    ],
}
