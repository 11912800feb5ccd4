"""An Okapi BM25 index kept as term postings (a sparse docs x terms matrix), saved as one .npz.

Why our own and not bm25s: the index must change incrementally (drop one document's rows, add
another's) without re-tokenising the whole corpus, and must map rows to stable 64-bit chunk
ids. Raw term frequencies are stored; BM25 weights are computed once when the index is loaded,
so a query is a sum of a few posting lists (`np.bincount`), a few milliseconds at 100 000 chunks.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

K1 = 1.2
B = 0.75


class Bm25Postings:
    def __init__(
        self,
        ids: np.ndarray | None = None,
        tf: sparse.csc_matrix | None = None,
        vocab: list[str] | None = None,
    ) -> None:
        self.ids = ids if ids is not None else np.zeros(0, dtype=np.int64)
        self.vocab = vocab or []
        self.term_ids = {term: i for i, term in enumerate(self.vocab)}
        self.tf = tf if tf is not None else sparse.csc_matrix((0, 0), dtype=np.float32)
        self._weights: sparse.csc_matrix | None = None
        self._idf: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    # ---- building -------------------------------------------------------------------------

    def rebuilt(self, keep: np.ndarray, new_ids: Sequence[int], new_terms: Sequence[Sequence[str]]) -> "Bm25Postings":
        """A new index: the rows where `keep` is true, then one row per new chunk."""
        vocab = list(self.vocab)
        term_ids = dict(self.term_ids)
        rows: list[int] = []
        cols: list[int] = []
        vals: list[int] = []
        for row, chunk_terms in enumerate(new_terms):
            for term, count in Counter(chunk_terms).items():
                col = term_ids.get(term)
                if col is None:
                    col = term_ids[term] = len(vocab)
                    vocab.append(term)
                rows.append(row)
                cols.append(col)
                vals.append(count)
        n_terms = len(vocab)
        old = self.tf.tocsr()[keep] if len(self) else sparse.csr_matrix((0, n_terms), dtype=np.float32)
        old = sparse.csr_matrix((old.data, old.indices, old.indptr), shape=(old.shape[0], n_terms))
        added = sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
            shape=(len(new_terms), n_terms),
        )
        tf = sparse.vstack([old, added], format="csc", dtype=np.float32)
        ids = np.concatenate([self.ids[keep] if len(self) else self.ids, np.asarray(new_ids, dtype=np.int64)])
        return Bm25Postings(ids, tf, vocab)

    # ---- persistence ----------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write to `path` atomically (a temporary file, fsync, rename)."""
        tmp = path.with_name(path.name + ".tmp")
        vocab_bytes = np.frombuffer("\n".join(self.vocab).encode("utf-8"), dtype=np.uint8)
        tf = self.tf.tocsc()
        with open(tmp, "wb") as fh:
            np.savez(
                fh,
                ids=self.ids,
                indptr=tf.indptr.astype(np.int64),
                indices=tf.indices.astype(np.int32),
                data=tf.data.astype(np.uint16),
                shape=np.asarray(tf.shape, dtype=np.int64),
                vocab=vocab_bytes,
            )
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "Bm25Postings":
        with np.load(path) as z:
            shape = tuple(int(x) for x in z["shape"])
            tf = sparse.csc_matrix((z["data"].astype(np.float32), z["indices"], z["indptr"]), shape=shape)
            vocab_text = z["vocab"].tobytes().decode("utf-8")
            ids = z["ids"]
        return cls(ids, tf, vocab_text.split("\n") if vocab_text else [])

    # ---- searching ------------------------------------------------------------------------

    def _prepare(self) -> None:
        if self._weights is not None:
            return
        tf = self.tf
        n = len(self)
        doc_len = np.asarray(tf.sum(axis=1)).ravel() if n else np.zeros(0)
        avg = float(doc_len.mean()) if n and doc_len.mean() > 0 else 1.0
        df = np.diff(tf.indptr)
        self._idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = (K1 * (1 - B + B * doc_len / avg)).astype(np.float32)
        rows = tf.indices
        data = tf.data
        weights = data * (K1 + 1) / (data + norm[rows])
        weights *= np.repeat(self._idf, df)
        self._weights = sparse.csc_matrix((weights.astype(np.float32), rows, tf.indptr), shape=tf.shape)

    def scores(self, query_terms: Iterable[str]) -> np.ndarray:
        """BM25 score of every row for the query (zeros where no term matches)."""
        self._prepare()
        assert self._weights is not None
        n = len(self)
        cols = [self.term_ids[t] for t in query_terms if t in self.term_ids]
        if not cols or n == 0:
            return np.zeros(n, dtype=np.float32)
        w = self._weights
        slices = [slice(w.indptr[c], w.indptr[c + 1]) for c in cols]
        rows = np.concatenate([w.indices[s] for s in slices])
        vals = np.concatenate([w.data[s] for s in slices])
        return np.bincount(rows, weights=vals, minlength=n).astype(np.float32)

    def top(self, query_terms: Sequence[str], n: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The best `n` (chunk id, score) pairs with a positive score; `allowed` masks rows."""
        scores = self.scores(query_terms)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        if scores.size == 0:
            return []
        n = min(n, scores.size)
        best = np.argpartition(-scores, n - 1)[:n]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(self.ids[i]), float(scores[i])) for i in best if scores[i] > 0]
