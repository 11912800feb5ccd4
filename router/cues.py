"""Surface cues the cascade reads before and beside the classifier: follow-ups, split points,
answers to a clarifying question, and turns with no words to route on."""

from __future__ import annotations

import re
from collections.abc import Sequence

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Openers of elliptical turns that lean on the previous answer ("and by month?", "what about gold?").
_FOLLOW_UP_OPENERS = (
    "and", "also", "what about", "how about", "same", "now", "then", "but", "ok", "okay", "only", "just",
    "instead", "make it", "make them", "do it", "do the same", "again", "more", "less", "shorter", "longer",
    "another", "next", "continue", "go on", "expand", "add", "remove", "drop", "exclude", "include", "by",
    "per", "for", "in", "as a", "with", "without", "excluding", "including", "sort", "filter", "split",
    "break it", "why", "what if", "so", "plus", "except", "compared", "vs", "versus", "can you", "could you",
    "turn it", "put it", "show it", "show that", "show them", "use", "try", "let's", "lets", "nope", "no,",
    "yes", "sure", "rather",
)
# Words that point back at the previous answer.
_ANAPHORA = {"it", "that", "those", "these", "them", "this", "they", "same", "its", "their", "there", "one", "ones"}
# A turn longer than this is a request of its own, whatever it starts with.
FOLLOW_UP_MAX_WORDS = 12
# Where one turn may hold two requests: "…, and then …", "…; …", "…. Also …".
_SPLIT_AT = re.compile(
    r"\s*(?:;|[.!?](?=\s)|,?\s+(?:and then|and also|and after that|after that|then|also|plus|and)\b)\s*",
    re.IGNORECASE,
)
MAX_SPLIT_POINTS = 6
MIN_PART_WORDS = 3


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def has_words(text: str) -> bool:
    """False for empty, emoji-only or punctuation-only turns: nothing a classifier can read."""
    return any(any(ch.isalpha() for ch in w) for w in words(text[:2000]))


def looks_like_follow_up(text: str) -> bool:
    """Short, elliptical or pronoun-led: a turn that continues the previous exchange."""
    found = words(text)
    if not found or len(found) > FOLLOW_UP_MAX_WORDS:
        return False
    lowered = " ".join(found)
    if any(lowered == o or lowered.startswith(o + " ") for o in _FOLLOW_UP_OPENERS):
        return True
    if len(found) <= 6:
        return True
    return len(found) <= 8 and any(w in _ANAPHORA for w in found)


def points_back(text: str) -> bool:
    """Does the turn refer to the previous answer ("why does that work?", "shorten it")?"""
    return any(w in _ANAPHORA for w in words(text))


def split_candidates(text: str) -> list[tuple[str, str]]:
    """Ways to cut `text` in two at a connector, each part long enough to be a request."""
    out: list[tuple[str, str]] = []
    for match in list(_SPLIT_AT.finditer(text[:2000]))[:MAX_SPLIT_POINTS]:
        left, right = text[: match.start()].strip(" ,"), text[match.end():].strip(" ,")
        if len(words(left)) >= MIN_PART_WORDS and len(words(right)) >= MIN_PART_WORDS:
            out.append((left, right))
    return out


def named_options(reply: str, options: Sequence[str]) -> list[str]:
    """Which of `options` (agent names) the reply names, as a word or as @name."""
    found = set(words(reply))
    return [name for name in options if name in found]
