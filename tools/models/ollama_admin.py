"""Ask an Ollama server about itself: version, installed and loaded models, and pull a model.

Chat calls go through autogen-ext's client (tools/models/ollama.py); this module covers the
admin endpoints the chat UI and the CLI show: `GET /api/version`, `GET /api/tags`,
`GET /api/ps`, and `POST /api/pull` (a stream of NDJSON progress lines). Every failure is an
`OllamaAdminError` whose message is a sentence a user can act on.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
from pydantic import BaseModel, Field, ValidationError


class OllamaAdminError(RuntimeError):
    """A failure worth showing as it is: the message says what happened and what to do."""


class InstalledModel(BaseModel):
    name: str
    size: int = 0
    modified_at: datetime | None = None
    parameter_size: str = ""
    quantization_level: str = ""


class LoadedModel(BaseModel):
    name: str
    size: int = 0
    size_vram: int = 0
    expires_at: datetime | None = None

    @property
    def on_gpu_fraction(self) -> float:
        return self.size_vram / self.size if self.size else 0.0


class PullProgress(BaseModel):
    """One line of `POST /api/pull`: `status`, and for layer downloads digest/total/completed."""

    status: str
    digest: str = ""
    total: int | None = None
    completed: int | None = None

    @property
    def fraction(self) -> float | None:
        if self.status == "success":
            return 1.0
        if self.total and self.completed is not None:
            return min(1.0, self.completed / self.total)
        return None


class OllamaOverview(BaseModel):
    """Everything the Models screen shows, gathered in one call that never raises."""

    host: str
    reachable: bool
    version: str = ""
    installed: list[InstalledModel] = Field(default_factory=list)
    loaded: list[LoadedModel] = Field(default_factory=list)
    error: str = ""

    @property
    def installed_names(self) -> list[str]:
        return [m.name for m in self.installed]


def _model_row(row: dict[str, Any], cls: type[BaseModel]) -> Any:
    details = row.get("details") or {}
    data = {**row, "name": row.get("name") or row.get("model", "")}
    if cls is InstalledModel:
        data["parameter_size"] = details.get("parameter_size", "")
        data["quantization_level"] = details.get("quantization_level", "")
    return cls.model_validate(data)


class OllamaAdmin:
    """A small async client for the admin endpoints. `transport` is for recorded responses in tests."""

    def __init__(
        self,
        host: str,
        *,
        timeout_s: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.host = host.rstrip("/")
        self.timeout_s = timeout_s
        self._transport = transport

    def _client(self, read_timeout_s: float | None = None) -> httpx.AsyncClient:
        timeout = httpx.Timeout(read_timeout_s or self.timeout_s, connect=self.timeout_s)
        return httpx.AsyncClient(base_url=self.host, timeout=timeout, transport=self._transport)

    def _explain(self, exc: BaseException) -> OllamaAdminError:
        if isinstance(exc, httpx.ConnectError):
            return OllamaAdminError(
                f"Ollama is not reachable at {self.host}: nothing answers there. Start it with `ollama serve`, "
                "or set OLLAMA_HOST (or --host) to where it runs."
            )
        if isinstance(exc, httpx.TimeoutException):
            return OllamaAdminError(
                f"Ollama is not reachable at {self.host}: it did not answer within {self.timeout_s:g} s. "
                "Check the host, or retry when the server is less busy."
            )
        if isinstance(exc, (ValueError, ValidationError)):
            return OllamaAdminError(f"{self.host} answered, but not like an Ollama server ({exc}). Check OLLAMA_HOST.")
        return OllamaAdminError(f"Ollama at {self.host} failed: {exc}. Retry, or check `ollama serve`'s log.")

    async def _get(self, path: str) -> dict[str, Any]:
        try:
            async with self._client() as client:
                response = await client.get(path)
                if response.status_code >= 400:
                    raise OllamaAdminError(f"Ollama at {self.host} answered {path} with {_error_text(response)}.")
                body = response.json()
        except OllamaAdminError:
            raise
        except (httpx.HTTPError, ValueError) as exc:
            raise self._explain(exc) from None
        if not isinstance(body, dict):
            raise self._explain(ValueError(f"{path} gave {type(body).__name__}, not an object"))
        return body

    async def version(self) -> str:
        return str((await self._get("/api/version")).get("version", ""))

    async def installed(self) -> list[InstalledModel]:
        try:
            return [_model_row(row, InstalledModel) for row in (await self._get("/api/tags")).get("models") or []]
        except ValidationError as exc:
            raise self._explain(exc) from None

    async def loaded(self) -> list[LoadedModel]:
        try:
            return [_model_row(row, LoadedModel) for row in (await self._get("/api/ps")).get("models") or []]
        except ValidationError as exc:
            raise self._explain(exc) from None

    async def overview(self) -> OllamaOverview:
        try:
            version = await self.version()
            installed, loaded = await asyncio.gather(self.installed(), self.loaded())
        except OllamaAdminError as exc:
            return OllamaOverview(host=self.host, reachable=False, error=str(exc))
        return OllamaOverview(host=self.host, reachable=True, version=version, installed=installed, loaded=loaded)

    async def pull(self, name: str, *, read_timeout_s: float = 600.0) -> AsyncIterator[PullProgress]:
        """Pull `name`, yielding each progress line; raises OllamaAdminError on an error line."""
        try:
            async with self._client(read_timeout_s) as client:
                async with client.stream("POST", "/api/pull", json={"model": name, "stream": True}) as response:
                    if response.status_code >= 400:
                        await response.aread()
                        raise _pull_error(name, self.host, _error_text(response))
                    async for line in response.aiter_lines():
                        if not line.strip():
                            continue
                        row = json.loads(line)
                        if row.get("error"):
                            raise _pull_error(name, self.host, str(row["error"]))
                        yield PullProgress.model_validate(row)
        except OllamaAdminError:
            raise
        except (httpx.HTTPError, ValueError) as exc:
            raise self._explain(exc) from None


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
        if isinstance(body, dict) and body.get("error"):
            return f"“{body['error']}” (HTTP {response.status_code})"
    except ValueError:
        pass
    return f"HTTP {response.status_code}"


def _pull_error(name: str, host: str, error: str) -> OllamaAdminError:
    if "file does not exist" in error or "not found" in error:
        return OllamaAdminError(
            f"Ollama has no model called {name} to pull ({error}). Check the name and tag on ollama.com/library, "
            "e.g. llama3.2:3b."
        )
    return OllamaAdminError(f"Pulling {name} from {host} failed: {error}. Retry, or check `ollama serve`'s log.")


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"
