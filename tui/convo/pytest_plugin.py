"""A pytest plugin: every `*.convo.yaml` is a test, run beside the unit tests.

Registered as the `pytest11` entry point `maitre-convo` (so `pytest` finds conversations in
any project that installs maitre), and imported by tests/conversations/conftest.py for this
repository's own suite. Conversations replay their cassettes by default; `--convo-mode
record|live` (or MAITRE_CONVO_MODE) runs them on the live model instead;
MAITRE_CONVO_CHECK_PROMPTS=1 also compares each prompt with the recorded one.

One pytest item per conversation: its turns share one session, so they pass or fail together;
the failure report lists every failed turn, expectation and what happened.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.convo.format import CONVO_SUFFIX, ConvoFormatError, convo_stem, load_conversation

PLUGIN_NAME = "maitre-convo"
MODES = ("replay", "record", "live")


class ConversationFailed(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("maitre", "maitre conversation tests")
    group.addoption("--convo-mode", choices=MODES, default=None,
                    help="How *.convo.yaml files run: replay (default, from cassettes), record, live.")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "convo: a scripted conversation from a *.convo.yaml file")


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.File | None:
    return collect_convo_file(parent, file_path)


def collect_convo_file(parent: pytest.Collector, file_path: Path) -> pytest.File | None:
    if file_path.name.endswith(CONVO_SUFFIX):
        return ConversationFile.from_parent(parent, path=file_path)
    return None


# Conversation tags that become pytest markers, so `-m "not embedded"` skips conversations
# that run the real embedded model (those with `uses_cassette: false` on the embedded backend).
MARKER_TAGS = ("embedded",)


class ConversationFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        item = ConversationItem.from_parent(self, name=convo_stem(self.path))
        item.add_marker("convo")
        try:
            tags = load_conversation(self.path).tags
        except ConvoFormatError:
            tags = []  # reported when the item runs
        for tag in tags:
            if tag in MARKER_TAGS:
                item.add_marker(tag)
        yield item


def _mode(config: pytest.Config) -> str:
    try:
        chosen = config.getoption("convo_mode")
    except ValueError:  # the option is not registered (plugin loaded from a sub-folder conftest)
        chosen = None
    mode = chosen or os.environ.get("MAITRE_CONVO_MODE") or "replay"
    if mode not in MODES:
        raise pytest.UsageError(f"MAITRE_CONVO_MODE={mode!r}: use one of {', '.join(MODES)}")
    return mode


class ConversationItem(pytest.Item):
    def runtest(self) -> None:
        from tui.convo.runner import RunOptions, run_conversation

        try:
            convo = load_conversation(self.path)
        except ConvoFormatError as exc:
            raise ConversationFailed([str(exc)]) from None
        check_prompts = os.environ.get("MAITRE_CONVO_CHECK_PROMPTS", "") not in ("", "0")
        options = RunOptions(mode=_mode(self.config), isolated=True, check_prompts=check_prompts)  # type: ignore[arg-type]
        result = asyncio.run(run_conversation(convo, options))
        self.user_properties.append(("route", ",".join(t.route or "-" for t in result.turns)))
        if not result.passed:
            raise ConversationFailed(result.failure_lines())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ConversationFailed):
            return "\n".join(excinfo.value.lines)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"conversation {self.name}"
