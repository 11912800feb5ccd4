"""Embedders: text in, unit-length float32 vectors out.

`Embedder` is the protocol the index needs. Three implementations:
- `OllamaEmbedder`: an Ollama server's /api/embed (nomic-embed-text by default);
- `LlamaCppEmbedder`: any GGUF through llama-cpp-python in this process;
- `HashedTermEmbedder`: no model at all, hashed bag of terms (for benchmarks and plumbing tests).
Document and query texts may need different prefixes (nomic-embed-text wants
"search_document: " / "search_query: "), so the protocol keeps the two calls apart.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import httpx
import numpy as np

from tools.retrieval.tokens import terms


class EmbedderError(RuntimeError):
    """The embedding model could not be reached or answered badly; the message says what to do."""


@runtime_checkable
class Embedder(Protocol):
    @property
    def name(self) -> str:
        """Identifies the model: vectors from different names never share an index."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def normalise(vectors: np.ndarray, dtype: type[np.floating] = np.float32) -> np.ndarray:
    """Each row scaled to length 1 (zero rows stay zero), as one contiguous `dtype` matrix."""
    vectors = np.asarray(vectors, dtype=dtype)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms)


# nomic-embed-text was trained with task prefixes; other models ignore unknown prefixes poorly,
# so prefixes are applied only for the models known to want them.
_PREFIXES: dict[str, tuple[str, str]] = {
    "nomic-embed-text": ("search_document: ", "search_query: "),
}


class OllamaEmbedder:
    def __init__(
        self,
        host: str = "http://127.0.0.1:11434",
        model: str = "nomic-embed-text",
        *,
        batch_size: int = 32,
        timeout_s: float = 120.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.host = host.rstrip("/")
        self.model = model
        self.batch_size = batch_size
        self._client = httpx.Client(base_url=self.host, timeout=timeout_s, transport=transport)
        base = model.split(":")[0]
        self._doc_prefix, self._query_prefix = _PREFIXES.get(base, ("", ""))

    @property
    def name(self) -> str:
        return f"ollama:{self.model}"

    def embed(self, inputs: Sequence[str]) -> np.ndarray:
        """Unit vectors for `inputs` as given, with no task prefix, in batches of `batch_size`."""
        out: list[np.ndarray] = []
        for start in range(0, len(inputs), self.batch_size):
            part = list(inputs[start : start + self.batch_size])
            try:
                response = self._client.post("/api/embed", json={"model": self.model, "input": part})
            except httpx.HTTPError as exc:
                raise EmbedderError(
                    f"Ollama at {self.host} did not answer ({type(exc).__name__}); start it with `ollama serve` "
                    "or choose embedder = \"none\" for keyword search only"
                ) from None
            if response.status_code == 404:
                raise EmbedderError(f"Ollama has no model {self.model}; run `ollama pull {self.model}`")
            if response.status_code != 200:
                raise EmbedderError(f"Ollama refused to embed ({response.status_code}: {response.text[:200]})")
            vectors = response.json().get("embeddings")
            if not isinstance(vectors, list) or len(vectors) != len(part):
                raise EmbedderError(f"Ollama returned {len(vectors or [])} embeddings for {len(part)} texts")
            out.append(normalise(np.asarray(vectors, dtype=np.float32)))
        return np.concatenate(out) if out else np.zeros((0, 0), dtype=np.float32)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed([self._doc_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([self._query_prefix + text])[0]


class LlamaCppEmbedder:
    """A GGUF model run by llama.cpp with embedding=True (mean-pooled, normalised)."""

    def __init__(self, gguf_path: Path, *, max_tokens: int = 256, n_threads: int | None = None) -> None:
        import llama_cpp  # late: loading the library takes a moment

        if not Path(gguf_path).is_file():
            raise EmbedderError(f"no GGUF file at {gguf_path}; set the embedder's gguf_path to an existing file")
        self.path = Path(gguf_path)
        # Small CPU models slow down sharply on long inputs; texts are cut to `max_tokens`.
        self.max_tokens = max_tokens
        self._lock = threading.Lock()  # a llama.cpp context is not thread-safe
        self._llama = llama_cpp.Llama(
            model_path=str(gguf_path),
            embedding=True,
            n_ctx=max(512, max_tokens + 8),
            n_threads=n_threads,
            pooling_type=llama_cpp.LLAMA_POOLING_TYPE_MEAN,
            verbose=False,
        )

    @property
    def name(self) -> str:
        return f"llamacpp:{self.path.stem}"

    def _one(self, text: str) -> np.ndarray:
        with self._lock:
            tokens = self._llama.tokenize(text.encode("utf-8"), add_bos=False)
            if len(tokens) > self.max_tokens:
                text = self._llama.detokenize(tokens[: self.max_tokens]).decode("utf-8", "ignore")
            vector = np.asarray(self._llama.embed(text or " "), dtype=np.float32)
        if vector.ndim == 2:  # per-token vectors from a model without pooling: mean-pool
            vector = vector.mean(axis=0)
        return normalise(vector)[0]

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._one(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._one(text)


class HashedTermEmbedder:
    """Feature hashing of the BM25 terms and their bigrams: deterministic, instant, no model.

    Not semantic; it exists so the dense path (FAISS, ids, deletes) can be exercised and
    benchmarked at scale without a model's cost."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    @property
    def name(self) -> str:
        return f"hashed:{self.dim}"

    def _one(self, text: str) -> np.ndarray:
        words = terms(text)
        vector = np.zeros(self.dim, dtype=np.float32)
        for feature in words + [a + " " + b for a, b in zip(words, words[1:])]:
            h = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")
            vector[h % self.dim] += 1.0 if (h >> 63) else -1.0
        return normalise(vector)[0]

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._one(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._one(text)
