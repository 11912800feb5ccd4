"""Inspirations index (shared hybrid index, BM25 mode) and the 12-word copy check."""

from __future__ import annotations

from pathlib import Path

from tools.seo.copycheck import SourceText, find_copies
from tools.seo.inspirations import InspirationIndex
from tools.web.extract import extract_page

HTML = Path(__file__).parents[1] / "data" / "seo" / "html"


def page(name: str):
    return extract_page((HTML / name).read_bytes(), f"https://site.test/{name}")


def test_index_finds_the_passage_about_the_query_and_persists(tmp_path):
    index = InspirationIndex(tmp_path / "insp")
    index.add_pages([page("stackoverflow.com.rust.html"), page("creativecommons.org.html")])
    hits = index.search("garbage collector memory", k=3)
    assert hits[0].url.endswith("stackoverflow.com.rust.html")
    assert "garbage" in hits[0].text.lower() and hits[0].heading
    assert index.mode == "keyword"
    count = len(index)
    index.close()
    reopened = InspirationIndex(tmp_path / "insp")
    assert len(reopened) == count > 10
    hits = reopened.search("Creative Commons licenses", k=2)
    assert hits[0].url.endswith("creativecommons.org.html")


SOURCE = ("Rust has been Stack Overflow's most loved language for four years in a row, indicating that many "
          "of those who have had the opportunity to use Rust have fallen in love with it.")


def test_copy_check_flags_twelve_shared_words_and_not_eleven():
    copied = ("# Title\n\nPeople like it. Rust has been **Stack Overflow's** most loved language for four years "
              "in a row, says a survey.\n")
    [flag] = find_copies(copied, [SourceText(source="https://so.test/rust", text=SOURCE)])
    assert flag.source == "https://so.test/rust"
    assert flag.shared_words == 14  # rust has been stack overflow's most loved language for four years in a row
    assert flag.sentence.startswith("Rust has been Stack Overflow")
    # eleven shared words: "rust has been stack overflow's most loved language for four years"
    near = "# Title\n\nRust has been Stack Overflow's most loved language for four years, some say.\n"
    assert find_copies(near, [SourceText(source="s", text=SOURCE)]) == []


def test_copy_check_on_a_real_page_and_original_text():
    rust = page("stackoverflow.com.rust.html")
    sources = [SourceText(source=rust.url, text=rust.text)]
    lifted = rust.passages[2].text.split(". ")[0] + "."
    assert len(find_copies(f"# T\n\nOur intro. {lifted}\n", sources)) == 1
    original = "# Rust\n\nRust is a language that many developers enjoy because its compiler catches mistakes early."
    assert find_copies(original, sources) == []
