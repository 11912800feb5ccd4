"""`HybridIndex`: a folder holding a keyword (BM25) index, optional dense vectors (FAISS) and a
SQLite sidecar with the chunk text, metadata and the manifest of documents.

Generic: documents are keys (a file path, a URL…) with a content hash and a list of chunks.
Writes go through a batch (`with index.batch() as b: b.put(...); b.remove(...)`), committed as
one new generation: files first, then the SQLite transaction that makes them current. Search
fuses the BM25 and dense rankings by reciprocal rank; without an embedder it is BM25 alone.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tools.retrieval.bm25 import Bm25Postings
from tools.retrieval.dense import DenseVectors
from tools.retrieval.embedders import Embedder, EmbedderError
from tools.retrieval.fusion import reciprocal_rank_fusion
from tools.retrieval.ids import chunk_id
from tools.retrieval.sidecar import DocumentRecord, Sidecar, StoredChunk
from tools.retrieval.tokens import terms

# progress(stage, done, total): stage is "embedding" or "writing".
Progress = Callable[[str, int, int], None]
EMBED_BATCH = 32


@dataclass(frozen=True)
class ChunkIn:
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    id: int
    doc_key: str
    seq: int
    text: str
    meta: dict[str, Any]
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    mode: str  # "hybrid" or "keyword"
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DenseStatus:
    state: str  # "ready", "partial", "none", "stale", "no-embedder"
    detail: str


@dataclass
class CommitReport:
    generation: int
    added: int = 0
    removed: int = 0
    embedded: int = 0
    notes: list[str] = field(default_factory=list)


class IndexBatch:
    """Pending changes; committed when the `with` block ends without an exception."""

    def __init__(self, index: "HybridIndex", progress: Progress | None) -> None:
        self._index = index
        self.progress = progress
        self.puts: dict[str, tuple[str, list[ChunkIn], dict[str, Any]]] = {}
        self.removals: set[str] = set()
        self.report: CommitReport | None = None

    def put(self, key: str, content_hash: str, chunks: Sequence[ChunkIn], meta: dict[str, Any] | None = None) -> None:
        """Add document `key`, replacing any earlier version of it."""
        self.removals.discard(key)
        self.puts[key] = (content_hash, list(chunks), dict(meta or {}))

    def remove(self, key: str) -> None:
        self.puts.pop(key, None)
        self.removals.add(key)

    def __enter__(self) -> "IndexBatch":
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None and (self.puts or self.removals):
            self.report = self._index._commit(self)


class HybridIndex:
    def __init__(self, folder: Path, embedder: Embedder | None = None) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder
        self.sidecar = Sidecar(self.folder / "chunks.sqlite")
        self._lock = threading.RLock()
        self._generation = -1
        self._bm25 = Bm25Postings()
        self._dense: DenseVectors | None = None
        self._status = DenseStatus("none", "")
        self._reload_if_changed()

    def close(self) -> None:
        self.sidecar.close()

    # ---- state ----------------------------------------------------------------------------

    def _current_generation(self) -> int:
        return int(self.sidecar.get_state("generation", "0") or 0)

    def _reload_if_changed(self) -> None:
        """Another process may have committed since: pick up its generation."""
        with self._lock:
            gen = self._current_generation()
            if gen == self._generation:
                return
            bm_path = self.folder / f"bm25-{gen}.npz"
            self._bm25 = Bm25Postings.load(bm_path) if bm_path.is_file() else Bm25Postings()
            dense_path = self.folder / f"dense-{gen}.faiss"
            self._dense = DenseVectors.load(dense_path) if dense_path.is_file() else None
            self._generation = gen
            self._status = self._compute_dense_status()

    @property
    def stored_embedder(self) -> str | None:
        return self.sidecar.get_state("embedder") or None

    def dense_status(self) -> DenseStatus:
        """Whether search can use dense vectors, and why not (cached per generation)."""
        self._reload_if_changed()
        return self._status

    def _compute_dense_status(self) -> DenseStatus:
        stored = self.stored_embedder
        if self.embedder is None:
            if stored:
                return DenseStatus("no-embedder", f"vectors were made by {stored}, which is not configured now")
            return DenseStatus("none", "no embedding model: keyword search (BM25) only")
        if stored and stored != self.embedder.name:
            return DenseStatus("stale", f"vectors were made by {stored}; the next ingest re-embeds with {self.embedder.name}")
        missing = self.sidecar.count_unembedded()
        if missing:
            return DenseStatus("partial", f"{missing} chunks have no vector yet; the next ingest embeds them")
        return DenseStatus("ready", f"dense vectors by {self.embedder.name}")

    def documents(self) -> list[DocumentRecord]:
        return self.sidecar.documents()

    def document(self, key: str) -> DocumentRecord | None:
        return self.sidecar.document(key)

    def __len__(self) -> int:
        return self.sidecar.chunk_count()

    def chunks(self, ids: Sequence[int]) -> dict[int, StoredChunk]:
        return self.sidecar.chunks(ids)

    # ---- writing --------------------------------------------------------------------------

    def batch(self, progress: Progress | None = None) -> IndexBatch:
        return IndexBatch(self, progress)

    def _commit(self, batch: IndexBatch) -> CommitReport:
        with self._lock:
            self._reload_if_changed()
            gen = self._generation + 1
            report = CommitReport(generation=gen)
            touched = set(batch.removals) | set(batch.puts)
            old_ids = self.sidecar.chunk_ids(touched)
            report.removed = len(old_ids)
            new_rows: list[tuple[int, str, int, str, str]] = []
            new_terms: list[list[str]] = []
            for key, (content_hash, chunks, _) in batch.puts.items():
                for seq, chunk in enumerate(chunks):
                    new_rows.append((chunk_id(key, content_hash, seq), key, seq, chunk.text, json.dumps(chunk.meta)))
                    new_terms.append(terms(chunk.text))
            report.added = len(new_rows)
            if batch.progress:
                batch.progress("writing", 0, len(new_rows))
            keep = ~np.isin(self._bm25.ids, np.asarray(old_ids, dtype=np.int64))
            bm25 = self._bm25.rebuilt(keep, [r[0] for r in new_rows], new_terms)
            bm25.save(self.folder / f"bm25-{gen}.npz")
            dense, embedded_ids = self._updated_dense(old_ids, new_rows, batch.progress, report)
            if dense is not None:
                dense.save(self.folder / f"dense-{gen}.faiss")
            self._write_rows(gen, touched, batch, new_rows, embedded_ids, dense)
            self._bm25, self._dense, self._generation = bm25, dense, gen
            self._status = self._compute_dense_status()
            self._remove_old_generations(gen)
            if batch.progress:
                batch.progress("writing", len(new_rows), len(new_rows))
            return report

    def _updated_dense(
        self, old_ids: list[int], new_rows: list[tuple[int, str, int, str, str]], progress: Progress | None,
        report: CommitReport,
    ) -> tuple[DenseVectors | None, set[int]]:
        """The next generation's vectors, and the ids that now have one."""
        dense = self._dense.copy() if self._dense is not None else None
        if dense is not None and old_ids:
            dense.remove(old_ids)
        if self.embedder is None:
            return dense, set()
        stored = self.stored_embedder
        new_texts = [(r[0], r[3]) for r in new_rows]
        if stored and stored != self.embedder.name:
            dense = None  # made by another model: every vector is redone
            gone = set(old_ids)
            pending = [(i, t) for i, t in self.sidecar.all_texts() if i not in gone]
        else:
            gone = set(old_ids)
            pending = [(i, t) for i, t in self.sidecar.unembedded() if i not in gone]
        pending += new_texts
        done: set[int] = set()
        try:
            for start in range(0, len(pending), EMBED_BATCH):
                part = pending[start : start + EMBED_BATCH]
                vectors = self.embedder.embed_documents([t for _, t in part])
                if dense is None:
                    dense = DenseVectors.empty(vectors.shape[1])
                dense.add([i for i, _ in part], vectors)
                done.update(i for i, _ in part)
                if progress:
                    progress("embedding", min(start + EMBED_BATCH, len(pending)), len(pending))
        except EmbedderError as exc:
            report.notes.append(
                f"{exc}. The documents are indexed for keyword search; their vectors are made on the next ingest."
            )
        report.embedded = len(done)
        return dense, done

    def _write_rows(
        self, gen: int, touched: set[str], batch: IndexBatch, new_rows: list[tuple[int, str, int, str, str]],
        embedded_ids: set[int], dense: DenseVectors | None,
    ) -> None:
        db = self.sidecar.db
        now = time.time()
        db.execute("BEGIN IMMEDIATE")
        try:
            keys = list(touched)
            for start in range(0, len(keys), 500):
                part = keys[start : start + 500]
                marks = ",".join("?" * len(part))
                db.execute(f"DELETE FROM chunks WHERE doc_key IN ({marks})", part)
                db.execute(f"DELETE FROM documents WHERE doc_key IN ({marks})", part)
            db.executemany(
                "INSERT OR REPLACE INTO chunks (id, doc_key, seq, text, meta, embedded) VALUES (?, ?, ?, ?, ?, ?)",
                [(*row, int(row[0] in embedded_ids)) for row in new_rows],
            )
            old_embedded = [(i,) for i in embedded_ids]
            db.executemany("UPDATE chunks SET embedded = 1 WHERE id = ? AND embedded = 0", old_embedded)
            db.executemany(
                "INSERT INTO documents (doc_key, content_hash, meta, chunk_count, updated_at) VALUES (?, ?, ?, ?, ?)",
                [(k, h, json.dumps(m), len(c), now) for k, (h, c, m) in batch.puts.items()],
            )
            state = {"generation": str(gen)}
            if self.embedder is not None and dense is not None and embedded_ids:
                state["embedder"] = self.embedder.name
            if dense is None:
                state["embedder"] = ""
                db.execute("UPDATE chunks SET embedded = 0")
            db.executemany("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", list(state.items()))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _remove_old_generations(self, gen: int) -> None:
        for path in self.folder.iterdir():
            stem = path.name.split(".")[0]
            if stem.startswith(("bm25-", "dense-")) and stem.split("-")[1] != str(gen):
                path.unlink(missing_ok=True)

    # ---- searching ------------------------------------------------------------------------

    def _allowed_mask(self, doc_keys: Iterable[str] | None) -> np.ndarray | None:
        if doc_keys is None:
            return None
        ids = np.asarray(self.sidecar.chunk_ids(doc_keys), dtype=np.int64)
        return np.isin(self._bm25.ids, ids)

    def search(
        self, query: str, k: int = 8, candidates: int = 20, doc_keys: Iterable[str] | None = None
    ) -> SearchResult:
        """The best `k` chunks for `query`: BM25 and dense top-`candidates` fused by rank."""
        with self._lock:
            self._reload_if_changed()
            keys = list(doc_keys) if doc_keys is not None else None
            allowed = self._allowed_mask(keys)
            keyword = self._bm25.top(terms(query), candidates, allowed)
            rankings = [[i for i, _ in keyword]]
            notes: list[str] = []
            mode = "keyword"
            status = self._status
            if self._dense is not None and self.embedder is not None and status.state in ("ready", "partial"):
                try:
                    vector = self.embedder.embed_query(query)
                    allowed_ids = self._bm25.ids[allowed] if allowed is not None else None
                    rankings.append(self._dense.top(vector, candidates, allowed_ids))
                    mode = "hybrid"
                except EmbedderError as exc:
                    notes.append(f"{exc}; searched with keywords only")
            fused = reciprocal_rank_fusion(rankings)[:k]
            stored = self.sidecar.chunks([i for i, _ in fused])
        ranks = [{item: r for r, item in enumerate(ranking, start=1)} for ranking in rankings]
        hits = []
        for item, score in fused:
            chunk = stored.get(item)
            if chunk is None:
                continue
            dense_rank = ranks[1].get(item) if len(ranks) > 1 else None
            hits.append(Hit(item, chunk.doc_key, chunk.seq, chunk.text, chunk.meta, score, ranks[0].get(item), dense_rank))
        return SearchResult(hits, mode, notes)
