"""A generic hybrid retrieval index: BM25 always, FAISS when an embedder exists, fused by rank.

    index = HybridIndex(folder, embedder=None)
    with index.batch() as batch:
        batch.put("doc-key", content_hash, [ChunkIn("text", {"page": 3})])
    result = index.search("question", k=8)

Used by the pdf agent (documents) and the seo agent (inspirations).
"""

from tools.retrieval.embedders import (
    Embedder,
    EmbedderError,
    HashedTermEmbedder,
    LlamaCppEmbedder,
    OllamaEmbedder,
)
from tools.retrieval.fusion import reciprocal_rank_fusion
from tools.retrieval.ids import chunk_id
from tools.retrieval.index import ChunkIn, CommitReport, DenseStatus, HybridIndex, Hit, IndexBatch, SearchResult
from tools.retrieval.sidecar import DocumentRecord
from tools.retrieval.tokens import terms

__all__ = [
    "ChunkIn", "CommitReport", "DenseStatus", "DocumentRecord", "Embedder", "EmbedderError", "HashedTermEmbedder",
    "Hit", "HybridIndex", "IndexBatch", "LlamaCppEmbedder", "OllamaEmbedder", "SearchResult", "chunk_id",
    "reciprocal_rank_fusion", "terms",
]
