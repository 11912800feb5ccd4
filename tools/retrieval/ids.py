"""Stable 64-bit chunk ids: the same document content and chunk number always give the same id.

The id is 43 bits of a hash of (document key, content hash) followed by 20 bits of chunk number,
kept positive because FAISS uses -1 for "no result". The same file at the same content keeps its
ids across re-ingests; a changed file gets new ids, and the old ones are deleted by id.
"""

from __future__ import annotations

import hashlib

SEQ_BITS = 20
MAX_CHUNKS_PER_DOCUMENT = 1 << SEQ_BITS
_DOC_BITS = 63 - SEQ_BITS


def chunk_id(doc_key: str, content_hash: str, seq: int) -> int:
    if not 0 <= seq < MAX_CHUNKS_PER_DOCUMENT:
        raise ValueError(f"a document may have at most {MAX_CHUNKS_PER_DOCUMENT} chunks (got chunk {seq})")
    digest = hashlib.blake2b(f"{doc_key}\0{content_hash}".encode(), digest_size=8).digest()
    doc_part = int.from_bytes(digest, "big") & ((1 << _DOC_BITS) - 1)
    return (doc_part << SEQ_BITS) | seq
