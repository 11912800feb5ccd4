"""Ingest benchmark: maitre's PDF pipeline against LlamaIndex's default pipeline, same run.

Measures, on the four real filings in tests/data/pdf (575 pages):
- extraction + chunking + indexing without embeddings, pages/s: maitre (PDFium text, section and
  table chunks, BM25 + SQLite written to disk) vs LlamaIndex (SimpleDirectoryReader, which reads
  PDFs with pypdf, + SentenceSplitter with its defaults);
- the same with one embedder for both (a hashed bag-of-terms embedder, so the model's cost does
  not drown the pipelines' own): maitre writes FAISS, LlamaIndex builds its VectorStoreIndex;
- re-ingesting an unchanged folder of more than 1 000 pages (the filings plus altered copies).

Run: python bench/pdf_ingest.py     (prints one JSON object; needs llama-index-readers-file)
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.filterwarnings("ignore")

from tools.pdf import PdfLibrary  # noqa: E402
from tools.retrieval import HashedTermEmbedder  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "pdf"
EMBED_DIM = 256


def llama_index_embedding(dim: int):  # type: ignore[no-untyped-def]
    """Our hashed embedder behind LlamaIndex's embedding interface: the same vectors for both."""
    from llama_index.core.base.embeddings.base import BaseEmbedding

    inner = HashedTermEmbedder(dim)

    class HashedEmbedding(BaseEmbedding):
        def _get_text_embedding(self, text: str) -> list[float]:
            return inner.embed_query(text).tolist()

        def _get_query_embedding(self, query: str) -> list[float]:
            return inner.embed_query(query).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return HashedEmbedding(model_name="hashed", embed_batch_size=64)


def run_llama_index(folder: Path, embed: bool) -> tuple[float, int]:
    from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter

    started = time.perf_counter()
    documents = SimpleDirectoryReader(str(folder), required_exts=[".pdf"]).load_data()
    nodes = SentenceSplitter().get_nodes_from_documents(documents)
    if embed:
        VectorStoreIndex(nodes, embed_model=llama_index_embedding(EMBED_DIM))
    return time.perf_counter() - started, len(nodes)


def run_maitre(folder: Path, embed: bool) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as scratch:
        library = PdfLibrary(Path(scratch), HashedTermEmbedder(EMBED_DIM) if embed else None)
        started = time.perf_counter()
        report = library.ingest([folder])
        elapsed = time.perf_counter() - started
        library.close()
    return elapsed, report.pages, report.chunks


def reingest_unchanged(folder: Path) -> dict[str, float]:
    """Over 1 000 pages: the filings plus copies made distinct by a trailing PDF comment."""
    with tempfile.TemporaryDirectory() as scratch:
        big = Path(scratch) / "docs"
        big.mkdir()
        for pdf in folder.glob("*.pdf"):
            shutil.copy(pdf, big / pdf.name)
        for name in ("uber_10k_2021.pdf", "lyft_10k_2021.pdf"):
            data = (folder / name).read_bytes() + b"\n% maitre benchmark copy\n"
            (big / f"copy_{name}").write_bytes(data)
        library = PdfLibrary(Path(scratch) / "ws")
        first = library.ingest([big])
        started = time.perf_counter()
        again = library.ingest([big])
        elapsed = time.perf_counter() - started
        library.close()
    assert again.count("unchanged") == len(again.outcomes)
    pages = sum(o.pages for o in again.outcomes)
    return {"pages": pages, "first_ingest_s": round(first.elapsed_s, 2), "reingest_unchanged_s": round(elapsed, 3)}


def main() -> None:
    pages = 575
    # warm-up: imports and file cache, so neither side pays them in its timing
    run_llama_index(DATA, embed=False)
    run_maitre(DATA, embed=False)
    li_plain, li_nodes = min(run_llama_index(DATA, embed=False) for _ in range(2))
    ours_plain, ours_pages, ours_chunks = min(run_maitre(DATA, embed=False) for _ in range(2))
    li_embed, _ = run_llama_index(DATA, embed=True)
    ours_embed, _, _ = run_maitre(DATA, embed=True)
    assert ours_pages == pages
    result = {
        "benchmark": "pdf_ingest",
        "pages": pages,
        "no_embeddings": {
            "maitre_pages_per_s": round(pages / ours_plain, 1),
            "llama_index_pages_per_s": round(pages / li_plain, 1),
            "ratio": round(li_plain / ours_plain, 2),
            "maitre_chunks": ours_chunks,
            "llama_index_nodes": li_nodes,
        },
        "same_embedder": {
            "embedder": f"hashed:{EMBED_DIM}",
            "maitre_pages_per_s": round(pages / ours_embed, 1),
            "llama_index_pages_per_s": round(pages / li_embed, 1),
            "ratio": round(li_embed / ours_embed, 2),
        },
        "reingest": reingest_unchanged(DATA),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "targets": {"ratio_at_least": 2.0, "pages_per_s_at_least": 20, "reingest_1000_pages_under_s": 1.0},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
