"""The generic hybrid index, on real files: BM25 npz, FAISS, SQLite."""

from __future__ import annotations

import numpy as np
import pytest

from tools.retrieval import ChunkIn, HashedTermEmbedder, HybridIndex, chunk_id, reciprocal_rank_fusion, terms

FRUIT = [
    ChunkIn("Apples are grown in orchards; the apple harvest was 1,250 tonnes.", {"page": 1}),
    ChunkIn("Pears ripen after picking and are stored cold.", {"page": 2}),
]
CARS = [
    ChunkIn("Electric cars need charging stations along highways.", {"page": 1}),
    ChunkIn("Revenue from car sales grew to $17,455 million.", {"page": 7}),
]


def test_numbers_and_plurals_become_the_same_terms() -> None:
    assert "17455" in terms("Revenues of $17,455 million")
    assert terms("revenues") == terms("revenue")
    assert "the" not in terms("the apple")


def test_fusion_prefers_an_item_ranked_by_both_lists() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [4, 2, 5]])
    assert fused[0][0] == 2


def test_search_finds_the_chunk_with_the_terms_and_survives_reopening(tmp_path) -> None:
    index = HybridIndex(tmp_path / "idx")
    with index.batch() as batch:
        batch.put("fruit.pdf", "h1", FRUIT, {"title": "Fruit"})
        batch.put("cars.pdf", "h2", CARS)
    result = index.search("how many tonnes of apples were harvested", k=3)
    assert result.mode == "keyword"
    assert result.hits[0].doc_key == "fruit.pdf" and result.hits[0].meta == {"page": 1}
    assert result.hits[0].id == chunk_id("fruit.pdf", "h1", 0)
    index.close()

    reopened = HybridIndex(tmp_path / "idx")
    assert [d.key for d in reopened.documents()] == ["cars.pdf", "fruit.pdf"]
    assert reopened.document("fruit.pdf").meta == {"title": "Fruit"}
    hit = reopened.search("car revenue 17,455", k=1).hits[0]
    assert (hit.doc_key, hit.meta["page"]) == ("cars.pdf", 7)
    assert len(reopened) == 4


def test_replacing_and_removing_a_document_leaves_no_stale_chunks(tmp_path) -> None:
    index = HybridIndex(tmp_path / "idx", embedder=HashedTermEmbedder(64))
    with index.batch() as batch:
        batch.put("fruit.pdf", "h1", FRUIT)
        batch.put("cars.pdf", "h2", CARS)
    assert len(index._dense) == 4
    with index.batch() as batch:
        batch.put("fruit.pdf", "h1-new", [ChunkIn("Bananas grow in bunches.")])
    assert index.search("apple harvest orchards", k=5).hits == [] or all(
        h.doc_key != "fruit.pdf" or "Bananas" in h.text for h in index.search("apple harvest orchards", k=5).hits
    )
    assert index.search("bananas bunches", k=1).hits[0].text == "Bananas grow in bunches."
    assert len(index._dense) == 3 and len(index) == 3
    with index.batch() as batch:
        batch.remove("cars.pdf")
    assert [d.key for d in index.documents()] == ["fruit.pdf"]
    assert len(index._dense) == 1 and len(index._bm25) == 1
    # only the current generation's files are left on disk
    names = sorted(p.name for p in (tmp_path / "idx").iterdir() if not p.name.startswith("chunks"))
    assert names == ["bm25-3.npz", "dense-3.faiss"]


def test_hybrid_search_fuses_both_rankings_and_filters_by_document(tmp_path) -> None:
    index = HybridIndex(tmp_path / "idx", embedder=HashedTermEmbedder(128))
    with index.batch() as batch:
        batch.put("fruit.pdf", "h1", FRUIT)
        batch.put("cars.pdf", "h2", CARS)
    assert index.dense_status().state == "ready"
    result = index.search("electric cars charging", k=4)
    assert result.mode == "hybrid"
    assert result.hits[0].text.startswith("Electric cars")
    assert result.hits[0].bm25_rank == 1 and result.hits[0].dense_rank == 1
    only_fruit = index.search("electric cars charging pears", k=4, doc_keys=["fruit.pdf"])
    assert {h.doc_key for h in only_fruit.hits} == {"fruit.pdf"}


def test_a_crash_before_the_commit_leaves_the_previous_index_usable(tmp_path, monkeypatch) -> None:
    index = HybridIndex(tmp_path / "idx", embedder=HashedTermEmbedder(64))
    with index.batch() as batch:
        batch.put("fruit.pdf", "h1", FRUIT)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(HybridIndex, "_write_rows", crash)
    with pytest.raises(OSError):
        with index.batch() as batch:
            batch.remove("fruit.pdf")
            batch.put("cars.pdf", "h2", CARS)
    monkeypatch.undo()
    index.close()

    reopened = HybridIndex(tmp_path / "idx", embedder=HashedTermEmbedder(64))
    assert [d.key for d in reopened.documents()] == ["fruit.pdf"]
    assert reopened.search("apple harvest", k=1).hits[0].doc_key == "fruit.pdf"
    assert reopened.search("electric cars", k=3).hits == [] or all(
        h.doc_key == "fruit.pdf" for h in reopened.search("electric cars", k=3).hits
    )
    # and the next commit works over the leftovers of the failed one
    with reopened.batch() as batch:
        batch.put("cars.pdf", "h2", CARS)
    assert reopened.search("electric cars", k=1).hits[0].doc_key == "cars.pdf"


def test_chunks_indexed_without_an_embedder_get_vectors_on_the_next_commit_with_one(tmp_path) -> None:
    with_model = HybridIndex(tmp_path / "idx", embedder=HashedTermEmbedder(64))
    with with_model.batch() as batch:
        batch.put("fruit.pdf", "h1", FRUIT)
    with_model.close()
    keyword_only = HybridIndex(tmp_path / "idx")
    with keyword_only.batch() as batch:
        batch.put("cars.pdf", "h2", CARS)
    assert keyword_only.dense_status().state == "no-embedder"
    assert keyword_only.search("electric cars", k=1).hits[0].doc_key == "cars.pdf"
    keyword_only.close()
    again = HybridIndex(tmp_path / "idx", embedder=HashedTermEmbedder(64))
    assert again.dense_status().state == "partial"
    with again.batch() as batch:
        batch.remove("nothing-such")
    assert again.dense_status().state == "ready"
    assert len(again._dense) == 4


def test_changing_the_embedder_re_embeds_every_chunk(tmp_path) -> None:
    first = HybridIndex(tmp_path / "idx", embedder=HashedTermEmbedder(64))
    with first.batch() as batch:
        batch.put("fruit.pdf", "h1", FRUIT)
    first.close()
    second = HybridIndex(tmp_path / "idx", embedder=HashedTermEmbedder(32))
    assert second.dense_status().state == "stale"
    assert second.search("apples", k=1).mode == "keyword"
    with second.batch() as batch:
        batch.put("cars.pdf", "h2", CARS)
    assert second._dense.dim == 32 and len(second._dense) == 4
    assert second.search("apples", k=1).mode == "hybrid"


def test_ids_are_stable_and_distinct() -> None:
    assert chunk_id("a.pdf", "h", 3) == chunk_id("a.pdf", "h", 3)
    assert chunk_id("a.pdf", "h", 3) != chunk_id("b.pdf", "h", 3)
    assert chunk_id("a.pdf", "h", 3) != chunk_id("a.pdf", "h2", 3)
    assert 0 < chunk_id("a.pdf", "h", 3) < 2**63
    with pytest.raises(ValueError):
        chunk_id("a.pdf", "h", 2**20)


def test_bm25_scales_to_many_rows(tmp_path) -> None:
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(500)]
    chunks = [ChunkIn(" ".join(rng.choice(words, 40))) for _ in range(2000)]
    chunks.append(ChunkIn("needle haystack unique"))
    index = HybridIndex(tmp_path / "idx")
    with index.batch() as batch:
        batch.put("many", "h", chunks)
    assert index.search("unique needle", k=1).hits[0].seq == 2000
