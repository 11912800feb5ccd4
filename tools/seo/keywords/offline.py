"""The offline keyword source: terms and phrases weighted from the inspirations and the brief.

A phrase scores high when several inspiration pages use it (it belongs to the topic, not to
one page), when it is used often (log-damped), when it is two or three words long (more
specific), when it shares a word with the target keyword, and when the brief names it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import Any

from tools.seo.keywords import KeywordRequest, KeywordSuggestion
from tools.seo.keywords.stopwords import stopwords_for
from tools.seo.text import sentences, words

LENGTH_WEIGHT = {1: 1.0, 2: 1.6, 3: 1.9}


def candidate_phrases(text: str, stop: frozenset[str]) -> Counter[str]:
    """Counts of 1–3 word phrases that neither start nor end with a stop word; a phrase never
    crosses a sentence end."""
    counts: Counter[str] = Counter()
    for sentence in sentences(text):
        tokens = [t for t in words(sentence) if not t.isdigit()]
        for i, first in enumerate(tokens):
            if first in stop or len(first) < 3:
                continue
            for n in (1, 2, 3):
                gram = tokens[i : i + n]
                if len(gram) < n or gram[-1] in stop or len(gram[-1]) < 3:
                    continue
                if n == 3 and gram[1] in stop and gram[1] not in ("of", "for", "and", "de", "la", "der"):
                    continue
                if n == 2 and gram[1] in stop:
                    continue
                counts[" ".join(gram)] += 1
    return counts


class OfflineKeywordSource:
    name = "offline"

    def __init__(self, brief_boost: float = 2.0, min_count: int = 2) -> None:
        self.brief_boost = brief_boost
        self.min_count = min_count

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> OfflineKeywordSource:
        return cls(**{k: options[k] for k in ("brief_boost", "min_count") if k in options})

    async def suggest(self, request: KeywordRequest) -> list[KeywordSuggestion]:
        return self.rank(request)

    def rank(self, request: KeywordRequest) -> list[KeywordSuggestion]:
        stop = stopwords_for(request.language)
        per_doc = [candidate_phrases(doc, stop) for doc in request.documents if doc.strip()]
        brief = candidate_phrases(request.brief_text, stop)
        key_words = set(words(request.keyword)) - stop
        key_phrase = " ".join(words(request.keyword))
        total: Counter[str] = Counter()
        df: Counter[str] = Counter()
        for counts in per_doc:
            total.update(counts)
            df.update(counts.keys())
        n_docs = max(1, len(per_doc))
        scores: dict[str, float] = {}
        for phrase in set(total) | set(brief):
            if phrase == key_phrase:
                continue
            count = total[phrase]
            if count < self.min_count and phrase not in brief:
                continue
            tokens = phrase.split()
            score = math.log1p(count) * (0.5 + df[phrase] / n_docs) * LENGTH_WEIGHT[len(tokens)]
            if key_words & set(tokens):
                score *= 1.5
            if phrase in brief:
                score = (score or 1.0) * self.brief_boost
            scores[phrase] = score
        if not scores:
            return []
        top = max(scores.values())
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[: request.limit]
        return [KeywordSuggestion(phrase=p, score=round(s / top, 4), source=self.name) for p, s in ranked]
