from __future__ import annotations

import shutil
from pathlib import Path

import pypdf
import pytest

DATA = Path(__file__).parents[1] / "data" / "pdf"
AMAZON = DATA / "amazon_q1_2025_earnings_release.pdf"
WALMART = DATA / "walmart_q1_fy2026_earnings_release.pdf"
UBER = DATA / "uber_10k_2021.pdf"
LYFT = DATA / "lyft_10k_2021.pdf"


@pytest.fixture
def releases(tmp_path: Path) -> Path:
    """A folder with the two short earnings releases (30 pages), copied so tests may change them."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for source in (AMAZON, WALMART):
        shutil.copy(source, folder / source.name)
    return folder


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "bad"
    folder.mkdir()
    reader = pypdf.PdfReader(AMAZON)
    files = {}
    writer = pypdf.PdfWriter()
    writer.add_page(reader.pages[0])
    writer.encrypt("secret")
    files["encrypted"] = folder / "locked.pdf"
    writer.write(files["encrypted"])
    files["empty"] = folder / "zero.pdf"
    files["empty"].write_bytes(b"")
    files["corrupt"] = folder / "truncated.pdf"
    files["corrupt"].write_bytes(AMAZON.read_bytes()[:4000])
    files["no_text"] = folder / "scan.pdf"
    blank = pypdf.PdfWriter()
    blank.add_blank_page(612, 792)
    blank.add_blank_page(612, 792)
    blank.write(files["no_text"])
    files["not_pdf"] = folder / "notes.txt"
    files["not_pdf"].write_text("Quarterly notes, not a PDF.")
    return files
