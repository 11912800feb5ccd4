"""Embedders: Ollama replayed through httpx.MockTransport; llama.cpp for real (marked embedded)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import numpy as np
import pytest

from tools.retrieval import ChunkIn, EmbedderError, HybridIndex, LlamaCppEmbedder, OllamaEmbedder

TAPE = json.loads((Path(__file__).parents[1] / "data" / "retrieval" / "ollama_embed.json").read_text())
DOCS = [
    ChunkIn("Revenue grew 20% on ride volume."),
    ChunkIn("The board approved a share buyback."),
    ChunkIn("Drivers are independent contractors."),
]


def replay_ollama(requests: list[dict]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        requests.append({"path": request.url.path, **body})
        if body["model"] != "nomic-embed-text":
            return httpx.Response(404, json=TAPE["missing_model"])
        key = "query" if len(body["input"]) == 1 else "documents"
        return httpx.Response(200, json=TAPE[key])

    return httpx.MockTransport(handler)


def test_ollama_embedder_sends_task_prefixes_and_returns_unit_vectors() -> None:
    requests: list[dict] = []
    embedder = OllamaEmbedder("http://ollama:11434", transport=replay_ollama(requests))
    vectors = embedder.embed_documents([c.text for c in DOCS])
    assert vectors.shape == (3, 6)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert requests[0]["path"] == "/api/embed"
    assert requests[0]["input"][0] == "search_document: Revenue grew 20% on ride volume."
    embedder.embed_query("who approved the buyback?")
    assert requests[1]["input"] == ["search_query: who approved the buyback?"]


def test_ollama_embedder_powers_hybrid_search(tmp_path) -> None:
    embedder = OllamaEmbedder("http://ollama:11434", transport=replay_ollama([]))
    index = HybridIndex(tmp_path / "idx", embedder=embedder)
    with index.batch() as batch:
        batch.put("report.pdf", "h", DOCS)
    result = index.search("capital return programme", k=3)
    assert result.mode == "hybrid"
    # no keyword matches; the replayed query vector is closest to the buyback chunk
    assert result.hits[0].text == "The board approved a share buyback."
    assert result.hits[0].bm25_rank is None and result.hits[0].dense_rank == 1
    assert index.stored_embedder == "ollama:nomic-embed-text"


def test_a_missing_ollama_model_is_a_sentence_saying_what_to_run() -> None:
    embedder = OllamaEmbedder("http://ollama:11434", model="mxbai-embed-large", transport=replay_ollama([]))
    with pytest.raises(EmbedderError, match="ollama pull mxbai-embed-large"):
        embedder.embed_query("x")


def test_an_unreachable_ollama_leaves_documents_searchable_by_keyword(tmp_path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    embedder = OllamaEmbedder("http://ollama:11434", transport=httpx.MockTransport(refuse))
    index = HybridIndex(tmp_path / "idx", embedder=embedder)
    with index.batch() as batch:
        batch.put("report.pdf", "h", DOCS)
    assert batch.report is not None and "ollama serve" in batch.report.notes[0]
    result = index.search("share buyback", k=1)
    assert result.mode == "keyword"
    assert result.hits[0].text == "The board approved a share buyback."
    assert index.sidecar.count_unembedded() == 3


@pytest.mark.embedded
def test_llama_cpp_embedder_builds_a_real_faiss_index(tmp_path) -> None:
    from tools.models.embedded import bundled_gguf_path

    embedder = LlamaCppEmbedder(bundled_gguf_path(), max_tokens=64)
    index = HybridIndex(tmp_path / "idx", embedder=embedder)
    with index.batch() as batch:
        batch.put("report.pdf", "h", DOCS)
    assert (tmp_path / "idx" / "dense-1.faiss").is_file()
    assert index._dense.dim == 576 and len(index._dense) == 3
    result = index.search("share buyback", k=3)
    assert result.mode == "hybrid"
    assert result.hits[0].text == "The board approved a share buyback."
    assert all(h.dense_rank is not None for h in result.hits)
    # the same text embeds to the same vector: the model runs deterministically
    again = embedder.embed_documents([DOCS[0].text])[0]
    assert float(again @ embedder.embed_query(DOCS[0].text)) > 0.999
