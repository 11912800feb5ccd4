"""The copy check: flag every draft sentence that shares 12 or more consecutive words with an
inspiration passage. Words are compared as the audit counts them (lower case, punctuation
and Markdown ignored), so "Rust, the language" and "rust the language" are the same run.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from tools.seo.text import read_markdown, sentences, words

MIN_SHARED_WORDS = 12


class SourceText(BaseModel):
    source: str  # a URL, or any label the user will recognise
    text: str


class CopyFlag(BaseModel):
    sentence: str
    source: str
    shared_words: int
    shared_text: str


def find_copies(
    draft_markdown: str, sources: Sequence[SourceText], min_words: int = MIN_SHARED_WORDS
) -> list[CopyFlag]:
    """One flag per offending sentence, naming the source of its longest shared run."""
    grams: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    source_words = [words(s.text) for s in sources]
    for si, tokens in enumerate(source_words):
        for pos in range(len(tokens) - min_words + 1):
            grams.setdefault(tuple(tokens[pos : pos + min_words]), []).append((si, pos))
    flags: list[CopyFlag] = []
    if not grams:
        return flags
    for sentence in sentences(read_markdown(draft_markdown).plain_text):
        tokens = words(sentence)
        best: tuple[int, int, int] | None = None  # (length, source index, start in sentence)
        for start in range(len(tokens) - min_words + 1):
            for si, pos in grams.get(tuple(tokens[start : start + min_words]), ()):
                length = min_words
                other = source_words[si]
                while (start + length < len(tokens) and pos + length < len(other)
                       and tokens[start + length] == other[pos + length]):
                    length += 1
                if best is None or length > best[0]:
                    best = (length, si, start)
        if best is not None:
            length, si, start = best
            flags.append(CopyFlag(sentence=sentence, source=sources[si].source, shared_words=length,
                                  shared_text=" ".join(tokens[start : start + length])))
    return flags
