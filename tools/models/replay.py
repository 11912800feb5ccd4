"""The replay backend: recorded responses played back in order, streamed token by token.

A cassette is a YAML (or JSON) file:

    version: 1
    responses:
      - "Plain text answer"
      - content: '{"agent": "sql"}'
        role: router            # optional: which role asked, checked when present

Replay makes conversation tests and benchmarks deterministic and free of any model.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

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

_TOKEN = re.compile(r"\s*\S+|\s+")


class CassetteError(ValueError):
    pass


class ReplayExhausted(RuntimeError):
    pass


@dataclass(frozen=True)
class RecordedResponse:
    content: str
    role: str | None = None


def read_cassette_mapping(path: Path) -> dict[str, Any]:
    """The cassette file as a mapping; every reader of the format starts here."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CassetteError(f"there is no cassette at {path}") from None
    except yaml.YAMLError as exc:
        raise CassetteError(f"the cassette {path} is not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise CassetteError(f"the cassette {path} must be a mapping with a `responses:` list")
    return data


def load_cassette(path: Path) -> list[RecordedResponse]:
    data = read_cassette_mapping(path)
    if not isinstance(data.get("responses"), list):
        raise CassetteError(f"the cassette {path} must be a mapping with a `responses:` list")
    responses = []
    for i, item in enumerate(data["responses"]):
        if isinstance(item, str):
            responses.append(RecordedResponse(item))
        elif isinstance(item, dict) and isinstance(item.get("content"), str):
            responses.append(RecordedResponse(item["content"], item.get("role")))
        else:
            raise CassetteError(f"cassette {path}: response {i + 1} must be text or have a `content:` text")
    return responses


def split_tokens(text: str) -> list[str]:
    """Split into word-sized pieces that join back to exactly `text`."""
    return _TOKEN.findall(text) or [text]


class ReplayTape:
    """The shared position in a cassette: every role's client reads from the same tape."""

    def __init__(self, responses: Sequence[RecordedResponse | str], source: str = "cassette") -> None:
        self.responses = [r if isinstance(r, RecordedResponse) else RecordedResponse(r) for r in responses]
        self.position = 0
        self.source = source

    def next(self, role: str) -> RecordedResponse:
        if self.position >= len(self.responses):
            raise ReplayExhausted(
                f"the {self.source} has {len(self.responses)} responses and this turn asked for one more; "
                "record it again (maitre test --mode record)"
            )
        response = self.responses[self.position]
        if response.role is not None and response.role != role:
            raise ReplayExhausted(
                f"the {self.source} response {self.position + 1} was recorded for role {response.role!r} "
                f"but role {role!r} asked; the conversation diverged, record it again"
            )
        self.position += 1
        return response


class ReplayChatClient(ChatCompletionClient):
    """Plays a `ReplayTape`; `delay_s` per token simulates a model's pace in UI tests."""

    def __init__(self, tape: ReplayTape, role: str = "chat", delay_s: float = 0.0) -> None:
        self._tape = tape
        self._role = role
        self._delay = delay_s
        self._last = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._total = RequestUsage(prompt_tokens=0, completion_tokens=0)

    @property
    def model_name(self) -> str:
        return "replay"

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
        response = self._tape.next(self._role)
        return self._result(response.content, messages)

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
        response = self._tape.next(self._role)
        for token in split_tokens(response.content):
            if cancellation_token is not None and cancellation_token.is_cancelled():
                break
            if self._delay:
                await asyncio.sleep(self._delay)
            yield token
        yield self._result(response.content, messages)

    def _result(self, content: str, messages: Sequence[LLMMessage]) -> CreateResult:
        self._last = RequestUsage(
            prompt_tokens=self.count_tokens(messages), completion_tokens=len(split_tokens(content))
        )
        self._total = RequestUsage(
            prompt_tokens=self._total.prompt_tokens + self._last.prompt_tokens,
            completion_tokens=self._total.completion_tokens + self._last.completion_tokens,
        )
        return CreateResult(finish_reason="stop", content=content, usage=self._last, cached=True)

    async def close(self) -> None:
        return None

    def actual_usage(self) -> RequestUsage:
        return self._last

    def total_usage(self) -> RequestUsage:
        return self._total

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        # A rough count (four characters a token) is all replay needs for context budgeting.
        return sum(len(str(getattr(m, "content", ""))) for m in messages) // 4

    def remaining_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        return 1_000_000 - self.count_tokens(messages)

    @property
    def capabilities(self) -> ModelCapabilities:  # type: ignore[override]
        return ModelCapabilities(vision=False, function_calling=False, json_output=True)  # type: ignore[typeddict-item]

    @property
    def model_info(self) -> ModelInfo:
        return ModelInfo(
            vision=False,
            function_calling=False,
            json_output=True,
            family="unknown",
            structured_output=True,
            multiple_system_messages=True,
        )
