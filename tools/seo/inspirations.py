"""Inspirations: the crawled passages, indexed for retrieval, so each section of the draft is
written from the passages that fit it, and cites them.

Backed by the shared hybrid index (tools/retrieval: BM25 always, FAISS when an embedder is
given). One index per job, in the job's folder; a page is a document keyed by its URL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from tools.retrieval import ChunkIn, Embedder, HybridIndex
from tools.web.extract import ExtractedPage


class InspirationPassage(BaseModel):
    id: int
    url: str
    title: str
    heading: str
    text: str
    score: float = 0.0


class InspirationIndex:
    def __init__(self, folder: Path, embedder: Embedder | None = None) -> None:
        self.index = HybridIndex(folder, embedder=embedder)

    def close(self) -> None:
        self.index.close()

    def add_pages(self, pages: Sequence[ExtractedPage]) -> list[str]:
        """Index every page's passages (replacing earlier versions); returns the index's notes."""
        with self.index.batch() as batch:
            for page in pages:
                chunks = [
                    ChunkIn(p.text, {"url": page.final_url, "title": page.title, "heading": p.heading})
                    for p in page.passages
                ]
                digest = hashlib.sha256(page.text.encode("utf-8")).hexdigest()
                batch.put(page.final_url, digest, chunks, {"title": page.title})
        return list(batch.report.notes) if batch.report else []

    def __len__(self) -> int:
        return len(self.index)

    @property
    def mode(self) -> str:
        return "hybrid" if self.index.dense_status().state in ("ready", "partial") else "keyword"

    def search(self, query: str, k: int = 4) -> list[InspirationPassage]:
        result = self.index.search(query, k=k)
        return [
            InspirationPassage(id=h.id, url=str(h.meta.get("url", h.doc_key)), title=str(h.meta.get("title", "")),
                               heading=str(h.meta.get("heading", "")), text=h.text, score=h.score)
            for h in result.hits
        ]
