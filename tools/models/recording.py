"""Record what a live model answers, in the cassette format the replay backend plays.

`RecordingChatClient` wraps any autogen-core ChatCompletionClient (Ollama, embedded) and
passes every call through unchanged, noting the role that asked and the final content.
`RecordingModelHub` is a ModelHub whose clients are all wrapped. `save_cassette` writes:

    version: 1
    recorded_with: embedded · SmolLM2-135M-Instruct-Q8_0
    responses:
      - role: chat
        turn: 1            # optional label: which turn of a conversation asked
        content: "…"

`tools/models/replay.py` reads `content` and `role` and ignores the other keys, so any
recorded cassette replays as it is.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import yaml
from autogen_core import CancellationToken
from autogen_core.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    ModelCapabilities,  # type: ignore[attr-defined]
    ModelInfo,
    RequestUsage,
)
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel

from tools.models.config import ModelConfig
from tools.models.hub import BackendChoice, ModelHub
from tools.models.replay import ReplayTape

CASSETTE_VERSION = 1


@dataclass
class RecordedCall:
    role: str
    content: str
    turn: int | None = None
    structured: bool = False
    ms: float = 0.0
    prompt_sha256: str = ""


def prompt_digest(messages: Sequence[LLMMessage], replacements: Mapping[str, str] | None = None) -> str:
    """A short hash of what was sent to the model. `replacements` turns run-specific text (a
    temporary folder's path) into a stable placeholder first, so equal prompts hash equal."""
    parts = []
    for message in messages:
        content = getattr(message, "content", "")
        text = content if isinstance(content, str) else json.dumps(
            [c.model_dump() if hasattr(c, "model_dump") else str(c) for c in content], default=str
        )
        for old, new in (replacements or {}).items():
            text = text.replace(old, new)
        parts.append([type(message).__name__, text])
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


@dataclass
class CassetteRecorder:
    """Collects the calls of every wrapped client, in the order they finished.

    `turn` is a label the caller sets before each turn; it is written next to each response,
    so a replay can tell which turn a response belongs to.
    """

    calls: list[RecordedCall] = field(default_factory=list)
    turn: int | None = None
    replacements: dict[str, str] = field(default_factory=dict)

    def add(self, role: str, messages: Sequence[LLMMessage], result: CreateResult, structured: bool, ms: float) -> None:
        digest = prompt_digest(messages, self.replacements)
        self.calls.append(RecordedCall(role, content_text(result), self.turn, structured, round(ms, 1), digest))

    def calls_for(self, turn: int) -> list[RecordedCall]:
        return [c for c in self.calls if c.turn == turn]


def content_text(result: CreateResult) -> str:
    """The text a replay must give back. Function calls (not used by maitre's agents) are kept
    as JSON so the cassette still says what the model did."""
    if isinstance(result.content, str):
        return result.content
    return json.dumps([call.model_dump() if hasattr(call, "model_dump") else str(call) for call in result.content])


class RecordingChatClient(ChatCompletionClient):
    def __init__(self, inner: ChatCompletionClient, role: str, recorder: CassetteRecorder) -> None:
        self.inner = inner
        self.role = role
        self.recorder = recorder

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        started = time.perf_counter()
        result = await self.inner.create(
            messages, tools=tools, tool_choice=tool_choice, json_output=json_output,
            extra_create_args=extra_create_args, cancellation_token=cancellation_token,
        )
        self.recorder.add(self.role, messages, result, bool(json_output), (time.perf_counter() - started) * 1000)
        return result

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
        include_usage: bool | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        started = time.perf_counter()
        async for item in self.inner.create_stream(
            messages, tools=tools, tool_choice=tool_choice, json_output=json_output,
            extra_create_args=extra_create_args, cancellation_token=cancellation_token,
        ):
            if isinstance(item, CreateResult):
                self.recorder.add(self.role, messages, item, bool(json_output), (time.perf_counter() - started) * 1000)
            yield item

    async def close(self) -> None:
        await self.inner.close()

    def actual_usage(self) -> RequestUsage:
        return self.inner.actual_usage()

    def total_usage(self) -> RequestUsage:
        return self.inner.total_usage()

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        return self.inner.count_tokens(messages, tools=tools)

    def remaining_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        return self.inner.remaining_tokens(messages, tools=tools)

    @property
    def capabilities(self) -> ModelCapabilities:  # type: ignore[override]
        return self.inner.capabilities  # type: ignore[no-any-return]

    @property
    def model_info(self) -> ModelInfo:
        return self.inner.model_info


class RecordingModelHub(ModelHub):
    """A ModelHub whose every client records into `recorder`."""

    def __init__(
        self,
        config: ModelConfig,
        recorder: CassetteRecorder,
        choice: BackendChoice | None = None,
        tape: ReplayTape | None = None,
        ollama_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(config, choice, tape=tape, ollama_transport=ollama_transport)
        self.recorder = recorder

    def _build(self, role: str) -> ChatCompletionClient:
        return RecordingChatClient(super()._build(role), role, self.recorder)


class _LiteralText(str):
    pass


def _text_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Multi-line answers as `|` blocks, so a cassette reads (and diffs) like the answer did.
    style = "|" if "\n" in value and not value.endswith((" ", "\t")) and "\r" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _CassetteDumper(yaml.SafeDumper):
    pass


_CassetteDumper.add_representer(str, _text_representer)


def cassette_document(calls: Sequence[RecordedCall], header: Mapping[str, Any] | None = None) -> dict[str, Any]:
    responses = []
    for call in calls:
        item: dict[str, Any] = {"role": call.role}
        if call.turn is not None:
            item["turn"] = call.turn
        if call.structured:
            item["structured"] = True
        if call.prompt_sha256:
            item["prompt_sha256"] = call.prompt_sha256
        item["content"] = call.content
        responses.append(item)
    return {"version": CASSETTE_VERSION, **dict(header or {}), "responses": responses}


def dump_cassette(document: Mapping[str, Any]) -> str:
    return yaml.dump(dict(document), Dumper=_CassetteDumper, sort_keys=False, allow_unicode=True, width=100)


def save_cassette(path: Path, calls: Sequence[RecordedCall], header: Mapping[str, Any] | None = None) -> Path:
    """Write the cassette atomically (a half-written cassette would fail every replay)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dump_cassette(cassette_document(calls, header)), encoding="utf-8")
    tmp.replace(path)
    return path
