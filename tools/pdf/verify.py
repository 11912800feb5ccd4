"""Check an answer against its sources: which passages it cites, and whether every number it
states appears in the passages cited next to it.

Numbers are compared by value, not by spelling: "$17.5 billion" in an answer matches "17,455"
in a table presented in millions, "(496)" matches "a loss of $496 million", "9%" matches "9 %".
The answer's own precision sets the tolerance (17.5 means anything that rounds to 17.5).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

CITATION = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_NUMBER = re.compile(
    r"(?<![\w.\[])(?P<body>\d[\d,]*(?:\.\d+)?)(?P<pct>\s?(?:%|percent\b|per cent\b))?"
    r"(?:\s?(?P<scale>billion|million|thousand|bn|mn|B|M|K)\b)?",
)
_SCALES = {"billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "mn": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3}
# A table says "(in millions)" once; its cells carry no unit, so any of these may apply.
_IMPLIED_UNITS = (1.0, 1e3, 1e6, 1e9)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[$])|\n+")


@dataclass(frozen=True)
class StatedNumber:
    text: str
    value: float
    decimals: int
    scale: float
    percent: bool


@dataclass
class NumberCheck:
    supported: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    miscited: list[tuple[str, int]] = field(default_factory=list)  # (number, the passage that has it)

    @property
    def total(self) -> int:
        return len(self.supported) + len(self.unsupported) + len(self.miscited)


def citations(text: str) -> list[int]:
    """Passage numbers cited in `text`, in order of first appearance."""
    seen: list[int] = []
    for match in CITATION.finditer(text):
        for part in re.split(r"[,;]", match.group(1)):
            n = int(part.strip())
            if n not in seen:
                seen.append(n)
    return seen


def stated_numbers(text: str) -> list[StatedNumber]:
    text = CITATION.sub(" ", text)
    out = []
    for m in _NUMBER.finditer(text):
        body = m.group("body").rstrip(",")
        try:
            value = float(body.replace(",", ""))
        except ValueError:
            continue
        decimals = len(body.split(".")[1]) if "." in body else 0
        scale_word = (m.group("scale") or "").lower()
        out.append(StatedNumber(m.group(0).strip(), value, decimals, _SCALES.get(scale_word, 1.0), bool(m.group("pct"))))
    return out


def _matches(claim: StatedNumber, found: StatedNumber) -> bool:
    tolerance = 0.5 * 10 ** (-claim.decimals) + 1e-9
    if claim.percent or found.percent:
        return abs(found.value - claim.value) <= tolerance
    target = claim.value * claim.scale
    units = (found.scale,) if found.scale != 1.0 else _IMPLIED_UNITS
    if claim.scale == 1.0 and found.scale == 1.0:
        units = (1.0,)
    return any(abs(found.value * unit - target) <= tolerance * claim.scale for unit in units)


def _found_in(claim: StatedNumber, numbers: Sequence[StatedNumber]) -> bool:
    return any(_matches(claim, n) for n in numbers)


def check_numbers(answer: str, passages: Sequence[str]) -> NumberCheck:
    """Every number in `answer` against the passages cited in its sentence (1-based [n]).

    A sentence without a citation is checked against the passages the answer cites anywhere.
    A number found only in a passage that is not cited there is reported as miscited."""
    result = NumberCheck()
    in_passage = [stated_numbers(p) for p in passages]
    cited_anywhere = [n for n in citations(answer) if 1 <= n <= len(passages)]
    for sentence in _SENTENCE.split(answer):
        cited = [n for n in citations(sentence) if 1 <= n <= len(passages)] or cited_anywhere
        for claim in stated_numbers(sentence):
            if claim.value in cited and not claim.percent and claim.decimals == 0 and claim.value < 10:
                continue  # a bare small number that is only a passage reference
            if any(_found_in(claim, in_passage[n - 1]) for n in cited):
                result.supported.append(claim.text)
                continue
            elsewhere = next((i + 1 for i, nums in enumerate(in_passage) if _found_in(claim, nums)), None)
            if elsewhere is not None:
                result.miscited.append((claim.text, elsewhere))
            else:
                result.unsupported.append(claim.text)
    return result


def attribute(answer: str, passages: Sequence[str], min_overlap: float = 0.5) -> list[int]:
    """For an answer that cites nothing: the passages (1-based) its sentences come from.

    A sentence goes to the first passage holding all of its numbers; a sentence without numbers
    to the passage sharing most of its terms, if that is at least `min_overlap` of them."""
    from tools.retrieval import terms

    in_passage = [stated_numbers(p) for p in passages]
    passage_terms = [set(terms(p)) for p in passages]
    found: list[int] = []
    for sentence in _SENTENCE.split(answer):
        claims = stated_numbers(sentence)
        chosen: int | None = None
        if claims:
            chosen = next((i + 1 for i, nums in enumerate(in_passage) if all(_found_in(c, nums) for c in claims)), None)
        else:
            words = set(terms(sentence))
            if words:
                overlap = [len(words & pt) / len(words) for pt in passage_terms]
                best = max(range(len(overlap)), key=overlap.__getitem__, default=None)
                if best is not None and overlap[best] >= min_overlap:
                    chosen = best + 1
        if chosen is not None and chosen not in found:
            found.append(chosen)
    return found
