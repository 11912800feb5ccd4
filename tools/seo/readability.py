"""Flesch reading ease through textstat, in the article's language where textstat has a
formula for it, and without ever reaching for the network.

textstat counts English syllables with NLTK's CMU dictionary and downloads it on first use.
maitre runs offline, so when that dictionary is not installed locally English syllables are
counted with pyphen's hyphenation patterns instead (what textstat itself does for words the
dictionary lacks, and for every other language). The result says which way it was measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from typing import TYPE_CHECKING

import pyphen

if TYPE_CHECKING:  # textstat imports NLTK, SciPy and scikit-learn: ~2 s, paid at the first audit
    from textstat.textstat import textstatistics

from tools.seo.text import words

# Languages for which textstat has its own Flesch constants (the others get English ones).
FLESCH_LANGUAGES = frozenset({"en", "de", "es", "fr", "it", "nl", "ru"})
# Flesch (1948), English.
_EN_BASE, _EN_SENTENCE, _EN_SYLLABLE = 206.835, 1.015, 84.6


@dataclass(frozen=True)
class Readability:
    score: float
    language: str
    note: str = ""


@lru_cache(maxsize=1)
def _cmudict_installed() -> bool:
    try:
        import nltk

        nltk.data.find("corpora/cmudict")
        return True
    except (ImportError, LookupError):
        return False


@lru_cache(maxsize=16)
def _scorer(language: str) -> textstatistics:
    from textstat.textstat import textstatistics

    scorer = textstatistics()
    scorer.set_lang(language)
    scorer.set_rounding(True, 2)
    return scorer


@lru_cache(maxsize=8)
def _hyphenator(language: str) -> pyphen.Pyphen | None:
    try:
        return pyphen.Pyphen(lang=language)
    except KeyError:
        return None


@lru_cache(maxsize=65536)
def _syllables(word: str, hyphenator: pyphen.Pyphen) -> int:
    return len(hyphenator.positions(word)) + 1


def flesch_reading_ease(text: str, language: str = "en") -> Readability:
    root = language.split("_")[0].split("-")[0].lower() or "en"
    if not words(text):
        return Readability(0.0, root, "no text to measure")
    note = "" if root in FLESCH_LANGUAGES else f"textstat has no Flesch formula for {root!r}; the English one was used"
    if root != "en":
        pyphen_lang = root if _hyphenator(root) is not None else "en_US"
        return Readability(float(_scorer(pyphen_lang).flesch_reading_ease(text)), root, note)
    if _cmudict_installed():
        return Readability(float(_scorer("en_US").flesch_reading_ease(text)), root)
    scorer = _scorer("en_US")
    per_sentence = float(scorer.words_per_sentence(text))
    hyphenator = _hyphenator("en_US")
    assert hyphenator is not None  # pyphen always ships en_US
    text_words = words(text)
    per_word = sum(_syllables(w, hyphenator) for w in text_words) / len(text_words)
    score = _EN_BASE - _EN_SENTENCE * per_sentence - _EN_SYLLABLE * per_word
    return Readability(round(score, 2), root, "syllables counted with pyphen (the CMU dictionary is not installed)")
