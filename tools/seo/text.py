"""Plain-text views of a Markdown article: headings, words, sentences, keyword matches.

Every check of the audit and the copy check counts words the same way, so the numbers they
report agree with each other: a word is a run of letters or digits, with inner apostrophes
and hyphens kept ("don't", "e-mail" are one word), compared in lower case.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

WORD = re.compile(r"[^\W_](?:[\w’'\-]*[^\W_])?")
# Sentence ends: . ! ? … followed by space or end, keeping decimals like 3.5 together.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[^\s])")
_ATX_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CITATION = re.compile(r"\s?\[(?:\d+(?:\s*[,–-]\s*\d+)*)\]")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>]+>")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|`+|~~)")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_QUOTE_MARKER = re.compile(r"^\s*>\s?")


def normalise(text: str) -> str:
    """NFC, so that "é" typed two ways matches itself."""
    return unicodedata.normalize("NFC", text)


def words(text: str) -> list[str]:
    """The words of plain text, lower-cased."""
    return [w.lower() for w in WORD.findall(normalise(text))]


def sentences(text: str) -> list[str]:
    """Split plain text into sentences; each line break also ends one (headings, list items)."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            out.extend(s.strip() for s in _SENTENCE_END.split(line) if s.strip())
    return out


def strip_inline(text: str) -> str:
    """Markdown inline syntax to plain text: links keep their label, citations [3] go."""
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _CITATION.sub("", text)
    text = _HTML_TAG.sub("", text)
    return _EMPHASIS.sub("", text)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass
class MarkdownView:
    """A Markdown article read as an SEO checker reads it."""

    headings: list[Heading] = field(default_factory=list)
    # Plain text of every line, headings included, in order; code blocks are left out.
    lines: list[str] = field(default_factory=list)
    # Index into `lines` of the first line after the first H1 (0 when there is no H1).
    after_h1: int = 0

    @property
    def plain_text(self) -> str:
        return "\n".join(self.lines)

    @property
    def text_after_h1(self) -> str:
        return "\n".join(self.lines[self.after_h1 :])

    def of_level(self, level: int) -> list[Heading]:
        return [h for h in self.headings if h.level == level]


def read_markdown(markdown: str) -> MarkdownView:
    view = MarkdownView()
    in_fence = False
    for number, raw in enumerate(normalise(markdown).splitlines(), start=1):
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        match = _ATX_HEADING.match(raw)
        if match:
            level = len(match.group(1))
            text = strip_inline(match.group(2)).strip()
            view.headings.append(Heading(level, text, number))
            view.lines.append(text)
            if level == 1 and len(view.of_level(1)) == 1:
                view.after_h1 = len(view.lines)
            continue
        line = _QUOTE_MARKER.sub("", _LIST_MARKER.sub("", raw))
        line = strip_inline(line).strip()
        if line and set(line) - set("-=*_|: "):  # skip rules and table separators
            view.lines.append(line)
    return view


def count_phrase(haystack: list[str], phrase: list[str]) -> int:
    """Non-overlapping occurrences of the word sequence `phrase` in `haystack`."""
    if not phrase or len(phrase) > len(haystack):
        return 0
    count, i, n = 0, 0, len(phrase)
    first = phrase[0]
    while i <= len(haystack) - n:
        if haystack[i] == first and haystack[i : i + n] == phrase:
            count += 1
            i += n
        else:
            i += 1
    return count


def contains_phrase(text: str, phrase: str) -> bool:
    return count_phrase(words(text), words(phrase)) > 0


def contains_all_words(text: str, phrase: str) -> bool:
    present = set(words(text))
    return all(w in present for w in words(phrase))
