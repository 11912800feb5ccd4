"""Split a PDF's pages into retrieval chunks: prose by section, ~512 tokens with ~15% overlap;
each table whole, headed by its caption and page.

Chunks never cross a page boundary, so every citation names exactly one page. Token counts are
estimated from words (1 word ~ 1.3 tokens): exact enough for sizing, and free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tools.pdf.reader import PageText, PdfText
from tools.pdf.tables import TableBlock, find_tables

TARGET_TOKENS = 512
OVERLAP = 0.15
# A table longer than this is split into parts that each repeat the caption.
MAX_TABLE_TOKENS = 1200
TOKENS_PER_WORD = 1.3

_ITEM = re.compile(r"^(item\s+\d+[a-z]?\.|part\s+[ivx]+\b|note\s+\d+\b)", re.IGNORECASE)


@dataclass
class PdfChunk:
    text: str
    page: int
    label: str
    kind: str  # "text" or "table"
    section: str = ""
    meta: dict[str, object] = field(default_factory=dict)


def estimate_tokens(text: str) -> int:
    return int(len(text.split()) * TOKENS_PER_WORD) + 1


def is_heading(line: str) -> bool:
    if _ITEM.match(line):
        return True
    words = line.split()
    if not 1 <= len(words) <= 10 or len(line) > 80 or line.endswith((".", ",", ";", ":")) or any(c.isdigit() for c in line[:1]):
        return False
    letters = [w for w in words if w[:1].isalpha()]
    if not letters:
        return False
    small = {"and", "of", "the", "in", "for", "to", "on", "a", "an", "or", "by", "with", "from"}
    return all(w[:1].isupper() or w.lower() in small for w in letters) and line[:1].isupper()


def _table_chunks(block: TableBlock, page: PageText, section: str) -> list[PdfChunk]:
    head = f"Table: {block.title} (page {page.label})"
    caption = "\n".join(block.caption)
    parts: list[list[str]] = [[]]
    size = estimate_tokens(caption)
    for row in block.rows:
        cost = estimate_tokens(row)
        if parts[-1] and size + cost > MAX_TABLE_TOKENS:
            parts.append([])
            size = estimate_tokens(caption)
        parts[-1].append(row)
        size += cost
    chunks = []
    for n, rows in enumerate(parts):
        title = head if n == 0 else f"{head} (continued)"
        text = "\n".join(x for x in (title, caption, "\n".join(rows)) if x)
        chunks.append(PdfChunk(text, page.number, page.label, "table", section or block.title))
    return chunks


def _prose_chunks(lines: list[str], page: PageText, section: str) -> list[PdfChunk]:
    """Greedy packing of lines up to the target, carrying the last ~15% into the next chunk."""
    chunks: list[PdfChunk] = []
    current: list[str] = []
    size = 0
    overlap_tokens = int(TARGET_TOKENS * OVERLAP)
    for line in lines:
        cost = estimate_tokens(line)
        if current and size + cost > TARGET_TOKENS:
            chunks.append(_prose(current, page, section))
            carried: list[str] = []
            carried_size = 0
            for previous in reversed(current):
                carried_size += estimate_tokens(previous)
                if carried_size > overlap_tokens:
                    break
                carried.insert(0, previous)
            current, size = carried, sum(estimate_tokens(x) for x in carried)
        current.append(line)
        size += cost
    if current:
        chunks.append(_prose(current, page, section))
    return chunks


def _prose(lines: list[str], page: PageText, section: str) -> PdfChunk:
    body = "\n".join(lines)
    # a continuation chunk starts with its section's title, so it reads (and matches) in context
    text = body if not section or lines[0] == section else f"{section}\n{body}"
    return PdfChunk(text, page.number, page.label, "text", section)


def chunk_pdf(document: PdfText) -> list[PdfChunk]:
    chunks: list[PdfChunk] = []
    section = ""
    for page in document.pages:
        lines = page.lines
        tables = find_tables(lines)
        cursor = 0
        pending: list[str] = []
        pending_section = section

        def flush() -> None:
            nonlocal pending
            if pending:
                chunks.extend(_prose_chunks(pending, page, pending_section))
            pending = []

        for block in tables + [None]:
            stop = block.start if block else len(lines)
            for line in lines[cursor:stop]:
                if is_heading(line) and line != section:
                    # a new section: flush what we have unless it is only a few words
                    if sum(estimate_tokens(x) for x in pending) >= 60:
                        flush()
                        pending_section = line
                    elif not pending:
                        pending_section = line
                    section = line
                pending.append(line)
            if block is not None:
                flush()
                chunks.extend(_table_chunks(block, page, section))
                cursor = block.end
                pending_section = section
        flush()
    return chunks
