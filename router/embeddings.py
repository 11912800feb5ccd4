"""Optional embedding features for stage 1, from an Ollama embedding model.

Used only when the session runs on Ollama and the embedding model is pulled: one batch call
embeds every example at start-up, one short call embeds each turn. Any failure makes the
classifier answer from its n-gram features alone, so routing never waits on a dead server.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
import numpy as np

EMBED_TIMEOUT_S = 5.0


class OllamaEmbedder:
    def __init__(
        self, host: str, model: str, *, timeout_s: float = EMBED_TIMEOUT_S, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.model = model
        self._client = httpx.Client(base_url=host, timeout=timeout_s, transport=transport)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        response = self._client.post("/api/embed", json={"model": self.model, "input": list(texts)})
        response.raise_for_status()
        vectors = response.json().get("embeddings")
        if not vectors or len(vectors) != len(texts):
            raise ValueError(f"{self.model} returned {len(vectors or [])} embeddings for {len(texts)} texts")
        return np.asarray(vectors, dtype=np.float64)


def ollama_embedder_for(models: Any, model: str) -> OllamaEmbedder | None:
    """An embedder when the hub runs on Ollama and `model` is pulled there, else None."""
    choice = getattr(models, "choice", None)
    status = getattr(choice, "ollama", None)
    if getattr(models, "backend", None) != "ollama" or status is None or not status.has(model):
        return None
    return OllamaEmbedder(models.config.ollama_host, model)
