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

from tools.retrieval.embedders import OllamaEmbedder as RetrievalOllamaEmbedder

EMBED_TIMEOUT_S = 5.0
# Every example in one request at start-up: the router has a few hundred short texts.
EMBED_BATCH = 4096


class OllamaEmbedder(RetrievalOllamaEmbedder):
    """The retrieval layer's Ollama client, called as the classifier's embedder: the texts go
    as they are (no document/query prefix), with a short timeout."""

    def __init__(
        self, host: str, model: str, *, timeout_s: float = EMBED_TIMEOUT_S, transport: httpx.BaseTransport | None = None
    ) -> None:
        super().__init__(host, model, batch_size=EMBED_BATCH, timeout_s=timeout_s, transport=transport)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed(texts)


def ollama_embedder_for(models: Any, model: str) -> OllamaEmbedder | None:
    """An embedder when the hub runs on Ollama and `model` is pulled there, else None."""
    choice = getattr(models, "choice", None)
    status = getattr(choice, "ollama", None)
    if getattr(models, "backend", None) != "ollama" or status is None or not status.has(model):
        return None
    return OllamaEmbedder(models.config.ollama_host, model)
