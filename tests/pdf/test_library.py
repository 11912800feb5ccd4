"""The workspace library: ingest, skip unchanged, replace changed, remove, bad files in a batch."""

from __future__ import annotations

import shutil

import pypdf

from tools.pdf import PdfLibrary
from tools.retrieval import HashedTermEmbedder


def test_a_batch_with_bad_files_ingests_the_good_ones_and_reports_each_bad_one(tmp_path, releases, bad_files) -> None:
    library = PdfLibrary(tmp_path / "ws")
    seen = []
    report = library.ingest([releases, *bad_files.values()], progress=seen.append)
    by_name = {o.path.name: o for o in report.outcomes}
    assert by_name["amazon_q1_2025_earnings_release.pdf"].status == "added"
    assert by_name["walmart_q1_fy2026_earnings_release.pdf"].pages == 18
    for name, words in [("locked.pdf", "password"), ("zero.pdf", "0 bytes"), ("truncated.pdf", "damaged"),
                        ("scan.pdf", "OCR"), ("notes.txt", "not a PDF")]:
        assert by_name[name].status == "failed" and words in by_name[name].message
    assert [d.name for d in library.documents()] == [
        "amazon_q1_2025_earnings_release.pdf", "walmart_q1_fy2026_earnings_release.pdf"
    ]
    # progress went through files, pages and chunks
    assert seen[-1].files_done == seen[-1].files_total == 7
    assert seen[-1].pages == 30 and seen[-1].chunks == report.chunks > 60
    hit = library.search("AWS segment operating income", k=3).hits[0]
    assert hit.meta["file"] == "amazon_q1_2025_earnings_release.pdf" and hit.meta["page"] == 7


def test_re_ingesting_skips_unchanged_files_and_replaces_a_changed_one(tmp_path, releases) -> None:
    library = PdfLibrary(tmp_path / "ws", embedder=HashedTermEmbedder(64))
    first = library.ingest([releases])
    assert first.count("added") == 2
    chunks_before = len(library.index)

    again = library.ingest([releases])
    assert again.count("unchanged") == 2 and again.chunks == 0
    assert len(library.index) == chunks_before

    # Walmart's release is cut to its first 3 pages: its old chunks and vectors must go
    walmart = releases / "walmart_q1_fy2026_earnings_release.pdf"
    reader = pypdf.PdfReader(walmart)
    writer = pypdf.PdfWriter()
    for page in reader.pages[:3]:
        writer.add_page(page)
    writer.write(walmart)
    changed = library.ingest([releases])
    assert changed.count("updated") == 1 and changed.count("unchanged") == 1
    docs = {d.name: d for d in library.documents()}
    assert docs["walmart_q1_fy2026_earnings_release.pdf"].pages == 3
    assert len(library.index) == docs["walmart_q1_fy2026_earnings_release.pdf"].chunks + docs[
        "amazon_q1_2025_earnings_release.pdf"].chunks
    assert len(library.index._dense) == len(library.index)
    assert all(h.meta["page"] <= 3 for h in library.search("Walmart", k=20, files=["walmart_q1_fy2026_earnings_release.pdf"]).hits)


def test_removing_a_file_deletes_its_chunks_and_a_copy_under_another_name_is_not_duplicated(tmp_path, releases) -> None:
    library = PdfLibrary(tmp_path / "ws")
    library.ingest([releases])
    copy = tmp_path / "copy-of-amazon.pdf"
    shutil.copy(releases / "amazon_q1_2025_earnings_release.pdf", copy)
    dup = library.ingest([copy])
    assert dup.outcomes[0].status == "skipped" and "same content" in dup.outcomes[0].message

    removed = library.remove([releases / "amazon_q1_2025_earnings_release.pdf"])
    assert removed.count("removed") == 1
    assert [d.name for d in library.documents()] == ["walmart_q1_fy2026_earnings_release.pdf"]
    assert all(h.meta["file"] != "amazon_q1_2025_earnings_release.pdf" for h in library.search("AWS net sales", k=10).hits)
    missing = library.remove([tmp_path / "never-ingested.pdf"])
    assert missing.outcomes[0].status == "failed" and "maitre docs" in missing.outcomes[0].message


def test_a_2000_page_file_ingests_beside_the_others_and_a_limit_refuses_it_clearly(tmp_path, releases) -> None:
    reader = pypdf.PdfReader(releases / "amazon_q1_2025_earnings_release.pdf")
    writer = pypdf.PdfWriter()
    for i in range(2000):
        writer.add_page(reader.pages[i % len(reader.pages)])
    big = tmp_path / "big" / "binder.pdf"
    big.parent.mkdir()
    writer.write(big)

    limited = PdfLibrary(tmp_path / "limited", max_pages=1500)
    report = limited.ingest([big, releases])
    outcome = next(o for o in report.outcomes if o.path.name == "binder.pdf")
    assert outcome.status == "failed" and "2,000 pages" in outcome.message and "max_pages" in outcome.message
    assert report.count("added") == 2

    library = PdfLibrary(tmp_path / "ws")
    report = library.ingest([big, releases])
    assert report.count("added") == 3
    assert {d.name: d.pages for d in library.documents()}["binder.pdf"] == 2000
    assert library.search("AWS segment operating income", k=1, files=["binder.pdf"]).hits[0].meta["page"] % 12 == 7
