"""Find financial tables in a page's text lines, so each can be kept whole as one chunk.

In these filings PDFium's text lines already hold one table row each ("Net sales $ 86,341 $
92,887"): a short label followed by two or more numeric cells. A table is a run of such rows,
allowing short group labels between them ("North America", "Net sales mix:"); its caption is
the block of short lines just above it (title, "(in millions)", column headings).
pdfplumber's ruled-line table finder returned one-column tables on these files and costs
~0.1 s a page, so it is not used by default (see `plumber_tables` for the option).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# One numeric cell as a whitespace-separated token: 1,234  (2,324)  $17.5  12%  (3)%  — (an empty cell)
_NUMBER_TOKEN = re.compile(r"^\(?\$?-?\d[\d,]*(?:\.\d+)?\)?%?\)?$")
_FILLER_TOKENS = frozenset({"$", "%", ")", "(", ")%", "—", "–", "-"})
MIN_ROWS = 3
_HEADING_LIKE = re.compile(r"\bcompared (?:to|with)\b", re.IGNORECASE)
MAX_CAPTION_LINES = 6


@dataclass
class TableBlock:
    start: int  # index of the first caption line
    end: int  # index after the last row
    caption: list[str]
    rows: list[str]

    @property
    def title(self) -> str:
        return " ".join(self.caption[:2]) if self.caption else "Table"


def is_row(line: str) -> bool:
    """A short label followed by two or more cells (at least one a number), read from the end.

    Token by token, not one regular expression: nested optional parts made a regex backtrack
    for minutes on long numeric lines."""
    if len(line) > 220:
        return False
    tokens = line.split()
    cells = numbers = 0
    i = len(tokens)
    while i > 0:
        token = tokens[i - 1]
        if _NUMBER_TOKEN.match(token):
            numbers += 1
            cells += 1
        elif token in _FILLER_TOKENS:
            cells += token in ("—", "–", "-")
        else:
            break
        i -= 1
    return numbers >= 1 and cells >= 2 and i <= 14


def _is_caption_line(line: str) -> bool:
    return len(line) <= 90 and not line.endswith((".", ";")) and len(line.split()) <= 12


def find_tables(lines: list[str]) -> list[TableBlock]:
    rows = [is_row(line) for line in lines]
    blocks: list[TableBlock] = []
    i = 0
    n = len(lines)
    while i < n:
        if not rows[i]:
            i += 1
            continue
        end = i
        count = 0
        j = i
        while j < n:
            if rows[j]:
                count += 1
                end = j + 1
                j += 1
                continue
            # a short group label counts when a row follows within three lines
            if _is_caption_line(lines[j]) and any(rows[k] for k in range(j + 1, min(n, j + 3))):
                j += 1
                continue
            break
        while end > i and _HEADING_LIKE.search(lines[end - 1]):
            end -= 1  # "2021 Compared to 2020" ends in two numbers but heads the prose after it
            count -= 1
        if count >= MIN_ROWS:
            start = i
            while start > 0 and i - start < MAX_CAPTION_LINES and _is_caption_line(lines[start - 1]):
                if blocks and start - 1 < blocks[-1].end:
                    break
                start -= 1
            blocks.append(TableBlock(start, end, lines[start:i], lines[i:end]))
            i = end
        else:
            i = j + 1 if j == i else j
    return blocks


def plumber_tables(path: Path, page_number: int) -> list[list[list[str]]]:
    """pdfplumber's tables on one page (cells as text), for callers who want ruled-table cells."""
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[page_number - 1]
        return [[[cell or "" for cell in row] for row in table] for table in page.extract_tables()]
