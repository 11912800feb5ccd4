"""From search hits to what a model and a reader see: numbered passages with file and page,
whether they support the question at all, which documents a question names, and the search
query for a follow-up question."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.pdf.chunker import estimate_tokens
from tools.retrieval import Hit, terms

# Words a question uses that say nothing about its subject.
_QUESTION_WORDS = frozenset(
    "what which who whom how much many when where why did does do was were is are the company report "
    "document documents pdf say said tell show give list according".split()
)
_FOLLOW_UP = re.compile(r"\b(it|its|they|them|their|that|this|those|these|same|also|what about|and the|how about)\b", re.I)
# File-name parts that do not identify a document.
_GENERIC_NAME_PARTS = frozenset("10k 10 k q1 q2 q3 q4 fy annual quarterly report earnings release results pdf final draft".split())


@dataclass(frozen=True)
class Passage:
    n: int  # 1-based, as cited: [n]
    file: str
    page: int
    label: str
    kind: str
    text: str

    @property
    def where(self) -> str:
        printed = f"page {self.label}" if self.label and self.label != str(self.page) else f"page {self.page}"
        extra = f" (PDF page {self.page})" if self.label and self.label != str(self.page) else ""
        return f"{self.file}, {printed}{extra}"

    def snippet(self, width: int = 160) -> str:
        flat = " ".join(self.text.split())
        return flat if len(flat) <= width else flat[: width - 1] + "…"


def passages_from_hits(hits: Sequence[Hit]) -> list[Passage]:
    return [
        Passage(i, str(h.meta.get("file", Path(h.doc_key).name)), int(h.meta.get("page", 0)),
                str(h.meta.get("label", "")), str(h.meta.get("kind", "text")), h.text)
        for i, h in enumerate(hits, start=1)
    ]


def format_passages(passages: Sequence[Passage], budget_tokens: int) -> str:
    """The passages as the model reads them, cut to fit `budget_tokens` (later ones first)."""
    blocks = []
    used = 0
    for p in passages:
        text = p.text
        cost = estimate_tokens(text) + 12
        if used + cost > budget_tokens:
            room = budget_tokens - used - 12
            if room < 60:
                break
            text = " ".join(text.split()[: int(room / 1.3)]) + " …"
            cost = room + 12
        blocks.append(f"[{p.n}] {p.where}\n{text}")
        used += cost
    return "\n\n".join(blocks)


def subject_terms(question: str) -> list[str]:
    return [t for t in terms(question) if t not in _QUESTION_WORDS]


def support_ratio(question: str, passages: Sequence[Passage]) -> float:
    """The largest share of the question's subject terms that one passage holds. Near 0 means
    the documents do not talk about what was asked, whatever the dense ranking says; one
    passage rather than all of them together, because a term from one page and a term from
    another do not make an answer ("capital" + "France" are both in a 10-K)."""
    wanted = set(subject_terms(question))
    if not wanted:
        return 1.0
    return max((len(wanted & set(terms(p.text))) / len(wanted) for p in passages), default=0.0)


def named_documents(question: str, names: Sequence[str]) -> list[str]:
    """The file names a question points at ("Uber's revenue" -> uber_10k_2021.pdf)."""
    asked = set(terms(question)) | {w.lower() for w in re.findall(r"[A-Za-z]+", question)}
    chosen = []
    for name in names:
        parts = {p for p in re.split(r"[^a-z0-9]+", Path(name).stem.lower()) if len(p) > 2 and not p.isdigit()}
        parts -= _GENERIC_NAME_PARTS
        if parts & asked:
            chosen.append(name)
    return chosen if len(chosen) < len(names) else []


def follow_up_query(question: str, previous_question: str | None) -> str:
    """A short or pronoun-led question continues the previous one: search with both."""
    if not previous_question:
        return question
    if len(question.split()) <= 6 or _FOLLOW_UP.search(question):
        return f"{previous_question} {question}"
    return question
