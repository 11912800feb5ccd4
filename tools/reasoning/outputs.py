"""Structured outputs the search asks the model for, and lenient readers for what comes back.

The pydantic models go to the backend as `json_output`, so llama.cpp (grammar) and Ollama
(format schema) can only produce JSON of that shape. The readers still accept anything: a replay
tape, an older server or a model that ignores the schema must never break the search, only
earn a notice.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

SCORE_MAX = 10.0
# Limits that keep a small model's JSON short; the grammar enforces them on llama.cpp.
MAX_THOUGHTS = 8
MAX_THOUGHT_CHARS = 300
MAX_REASON_CHARS = 200


class ThoughtProposals(BaseModel):
    thoughts: list[str] = Field(
        max_length=MAX_THOUGHTS, description="Possible next steps, each one short sentence, all different."
    )


class ThoughtEvaluation(BaseModel):
    score: float = Field(description="0 = wrong or hopeless, 10 = certainly leads to the solution.")
    reason: str = Field(max_length=MAX_REASON_CHARS, description="Why, in one short sentence.")


class BranchVote(BaseModel):
    choice: int = Field(description="The number of the best candidate.")
    reason: str = Field(max_length=MAX_REASON_CHARS, description="Why, in one short sentence.")


@dataclass(frozen=True)
class ReadProposals:
    thoughts: list[str]
    problem: str | None = None


@dataclass(frozen=True)
class ReadEvaluation:
    score: float | None  # 0..1, None when nothing usable came back
    reason: str
    problem: str | None = None


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)]|step\s*\d+\s*[:.)])\s*", re.IGNORECASE)
# Words a model uses instead of numbers (the ToT paper's value prompt uses the first three).
_WORD_SCORES = {"sure": 9.0, "certain": 9.0, "likely": 6.0, "maybe": 5.0, "unlikely": 2.0, "impossible": 0.0}


def _json(text: str) -> Any:
    text = text.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        return json.loads(text)
    except (json.JSONDecodeError, ValueError):
        start, end = text.find("{"), text.rfind("}")
        if 0 <= start < end:
            try:
                return json.loads(text[start : end + 1])
            except (json.JSONDecodeError, ValueError):
                return None
        return None


def read_proposals(text: str) -> ReadProposals:
    data = _json(text)
    items: list[Any] | None = None
    problem = None
    if isinstance(data, dict):
        found = data.get("thoughts", data.get("steps", data.get("proposals")))
        items = found if isinstance(found, list) else None
    elif isinstance(data, list):
        items = data
    if items is None:
        # Not the JSON we asked for: take one thought per line, so a chatty model still helps.
        items = [_BULLET.sub("", line) for line in text.splitlines()]
        problem = "the model's proposals were not the JSON asked for; its lines were used instead"
    thoughts = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("text", item.get("thought", ""))
        if not isinstance(item, (str, int, float)):
            continue
        thought = str(item).strip()[:MAX_THOUGHT_CHARS]
        if thought and not thought.startswith(("{", "}", "[", "]")):
            thoughts.append(thought)
    return ReadProposals(thoughts, problem)


def read_evaluation(text: str) -> ReadEvaluation:
    """A score in 0..1. Out-of-range numbers are clamped; NaN and words without a score are unusable."""
    data = _json(text)
    raw: Any = None
    reason = ""
    if isinstance(data, dict):
        raw = data.get("score", data.get("value"))
        reason = str(data.get("reason", ""))[:MAX_REASON_CHARS]
    elif isinstance(data, (int, float)):
        raw = data
    if isinstance(raw, str):
        raw = _score_from_words(raw)
    if raw is None and data is None:
        raw = _score_from_words(text)
        reason = reason or text.strip()[:MAX_REASON_CHARS]
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return ReadEvaluation(None, reason, "the model gave no usable score")
    value = float(raw)
    if math.isnan(value):
        return ReadEvaluation(None, reason, "the model gave no usable score")
    if value < 0 or value > SCORE_MAX:
        clamped = min(max(value, 0.0), SCORE_MAX)
        return ReadEvaluation(clamped / SCORE_MAX, reason, f"the model scored {raw} on a 0–10 scale; clamped")
    return ReadEvaluation(value / SCORE_MAX, reason)


def _score_from_words(text: str) -> float | None:
    lowered = text.lower()
    for word, score in _WORD_SCORES.items():
        if re.search(rf"\b{word}\b", lowered):
            return score
    match = _NUMBER.search(text)
    return float(match.group()) if match else None


def read_vote(text: str, candidates: int) -> tuple[int | None, str]:
    """The 0-based index of the chosen candidate, or None."""
    data = _json(text)
    raw: Any = data.get("choice") if isinstance(data, dict) else data
    reason = str(data.get("reason", "")) if isinstance(data, dict) else ""
    if isinstance(raw, str):
        match = _NUMBER.search(raw)
        raw = int(float(match.group())) if match else None
    if raw is None and data is None:
        match = _NUMBER.search(text)
        raw = int(float(match.group())) if match else None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 1 <= int(raw) <= candidates:
        return int(raw) - 1, reason
    return None, reason
