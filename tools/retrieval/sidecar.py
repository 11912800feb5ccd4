"""The SQLite sidecar: chunk text and metadata, the manifest of documents, and index state.

SQLite is the index's commit point: the BM25 and FAISS files of a new generation are written
first, then one transaction records the new chunks, the manifest and the generation number.
A crash before that commit leaves the previous generation's files and rows in force.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_key TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    chunk_count INTEGER NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    doc_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    embedded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks (doc_key, seq);
"""


@dataclass(frozen=True)
class DocumentRecord:
    key: str
    content_hash: str
    meta: dict[str, Any]
    chunk_count: int
    updated_at: float


@dataclass(frozen=True)
class StoredChunk:
    id: int
    doc_key: str
    seq: int
    text: str
    meta: dict[str, Any]


class Sidecar:
    def __init__(self, path: Path) -> None:
        self.path = path
        # One connection used from worker threads; the index serialises writes with its lock.
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def get_state(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def documents(self) -> list[DocumentRecord]:
        rows = self.db.execute(
            "SELECT doc_key, content_hash, meta, chunk_count, updated_at FROM documents ORDER BY doc_key"
        ).fetchall()
        return [DocumentRecord(r[0], r[1], json.loads(r[2]), r[3], r[4]) for r in rows]

    def document(self, key: str) -> DocumentRecord | None:
        r = self.db.execute(
            "SELECT doc_key, content_hash, meta, chunk_count, updated_at FROM documents WHERE doc_key = ?", (key,)
        ).fetchone()
        return DocumentRecord(r[0], r[1], json.loads(r[2]), r[3], r[4]) if r else None

    def chunk_ids(self, doc_keys: Iterable[str]) -> list[int]:
        keys = list(doc_keys)
        out: list[int] = []
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ",".join("?" * len(part))
            out += [r[0] for r in self.db.execute(f"SELECT id FROM chunks WHERE doc_key IN ({marks})", part)]
        return out

    def chunks(self, ids: Sequence[int]) -> dict[int, StoredChunk]:
        out: dict[int, StoredChunk] = {}
        for start in range(0, len(ids), 500):
            part = list(ids[start : start + 500])
            marks = ",".join("?" * len(part))
            for r in self.db.execute(f"SELECT id, doc_key, seq, text, meta FROM chunks WHERE id IN ({marks})", part):
                out[r[0]] = StoredChunk(r[0], r[1], r[2], r[3], json.loads(r[4]))
        return out

    def unembedded(self) -> list[tuple[int, str]]:
        return self.db.execute("SELECT id, text FROM chunks WHERE embedded = 0 ORDER BY id").fetchall()

    def all_texts(self) -> list[tuple[int, str]]:
        return self.db.execute("SELECT id, text FROM chunks ORDER BY id").fetchall()

    def chunk_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM chunks").fetchone()[0])

    def count_unembedded(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM chunks WHERE embedded = 0").fetchone()[0])
