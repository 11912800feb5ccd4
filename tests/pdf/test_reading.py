"""Reading and chunking the real filings: pages, printed labels, whole tables, bad input."""

from __future__ import annotations

import pytest

from pathlib import Path

DATA = Path(__file__).parents[1] / "data" / "pdf"
AMAZON = DATA / "amazon_q1_2025_earnings_release.pdf"
UBER = DATA / "uber_10k_2021.pdf"
from tools.pdf import PdfProblem, chunk_pdf, read_pdf
from tools.pdf.chunker import TARGET_TOKENS, estimate_tokens


def test_pages_keep_their_physical_number_and_printed_label() -> None:
    text = read_pdf(UBER)
    assert text.page_count == 307
    page = next(p for p in text.pages if p.number == 56)
    assert page.label == "54"  # printed at the foot of physical page 56
    assert "54" not in page.lines[-1:]


def test_a_financial_table_is_one_chunk_headed_by_its_caption_and_page() -> None:
    chunks = chunk_pdf(read_pdf(AMAZON))
    segment = [c for c in chunks if c.kind == "table" and "Segment Information" in c.text]
    assert len(segment) == 1
    table = segment[0]
    assert table.page == 7
    assert table.text.startswith("Table: Segment Information (in millions) (page 7)")
    # every segment's rows stay together, from the first to the last
    assert "Net sales $ 86,341 $ 92,887" in table.text and "Consolidated 100 % 100 %" in table.text


def test_prose_chunks_stay_near_the_target_size_and_overlap() -> None:
    chunks = [c for c in chunk_pdf(read_pdf(UBER)) if c.kind == "text"]
    sizes = [estimate_tokens(c.text) for c in chunks]
    assert max(sizes) <= TARGET_TOKENS * 1.2
    same_page = [(a, b) for a, b in zip(chunks, chunks[1:]) if a.page == b.page and a.section == b.section]
    overlapping = [1 for a, b in same_page if a.text.splitlines()[-1] in b.text]
    assert len(overlapping) >= len(same_page) * 0.5


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("encrypted", "password-protected"),
        ("empty", "empty (0 bytes)"),
        ("corrupt", "damaged"),
        ("no_text", "no text layer"),
        ("not_pdf", "is not a PDF"),
    ],
)
def test_each_bad_file_gets_a_sentence_saying_what_to_do(bad_files, kind, words) -> None:
    with pytest.raises(PdfProblem) as caught:
        read_pdf(bad_files[kind])
    assert caught.value.kind == kind
    assert words in caught.value.message
    assert bad_files[kind].name in caught.value.message


def test_a_file_over_the_page_limit_is_refused_with_the_setting_to_change() -> None:
    with pytest.raises(PdfProblem, match="raise max_pages") as caught:
        read_pdf(UBER, max_pages=200)
    assert caught.value.kind == "too_long"
