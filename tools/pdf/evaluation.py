"""RAG evaluation: questions with the pages that answer them, scored on retrieval and answers.

A questions file is YAML, a list of
    - {id, question, file (optional), expected_pages: [int], expected_answer_contains: [str]}
Pages are physical page numbers counted from 1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError


class EvalCase(BaseModel):
    id: str
    question: str
    file: str | None = None
    expected_pages: list[int] = Field(min_length=1)
    expected_answer_contains: list[str] = Field(default_factory=list)


class EvalFileError(ValueError):
    pass


def load_cases(path: Path) -> list[EvalCase]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EvalFileError(f"cannot read {path}: {exc}") from None
    if isinstance(data, dict) and "questions" in data:
        data = data["questions"]
    if not isinstance(data, list) or not data:
        raise EvalFileError(f"{path} must hold a YAML list of questions")
    cases = []
    for i, item in enumerate(data, start=1):
        try:
            cases.append(EvalCase.model_validate({"id": str(i), **item} if isinstance(item, dict) else item))
        except ValidationError as exc:
            raise EvalFileError(f"{path}, question {i}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None
    return cases


@dataclass
class CaseResult:
    id: str
    retrieved: list[tuple[str, int]]  # (file, page) of the passages, best first
    latency_ms: float
    answer: str | None = None
    cited: list[tuple[str, int]] = field(default_factory=list)


def _same_file(case: EvalCase, file: str) -> bool:
    return case.file is None or Path(case.file).name == file


def page_hit(case: EvalCase, retrieved: Sequence[tuple[str, int]], k: int = 5) -> bool:
    return any(_same_file(case, f) and page in case.expected_pages for f, page in retrieved[:k])


def _normalise(text: str) -> str:
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text.lower())
    return " ".join(text.split())


def answer_contains(case: EvalCase, answer: str) -> bool:
    body = _normalise(answer)
    return all(_normalise(s) in body for s in case.expected_answer_contains)


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))
    return ordered[index]


def score(cases: Sequence[EvalCase], results: Sequence[CaseResult]) -> dict[str, object]:
    by_id = {c.id: c for c in cases}
    hits = [page_hit(by_id[r.id], r.retrieved) for r in results]
    answered = [r for r in results if r.answer is not None]
    cited = [(by_id[r.id], c) for r in answered for c in r.cited]
    latencies = [r.latency_ms for r in results]
    return {
        "cases": len(results),
        "page_hit_at_5": round(sum(hits) / len(hits), 3) if hits else None,
        "citation_page_accuracy": (
            round(sum(1 for case, (f, p) in cited if _same_file(case, f) and p in case.expected_pages) / len(cited), 3)
            if cited else None
        ),
        "answer_contains_rate": (
            round(sum(answer_contains(by_id[r.id], r.answer or "") for r in answered) / len(answered), 3)
            if answered else None
        ),
        "p50_ms": round(percentile(latencies, 0.5), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "missed": [r.id for r, hit in zip(results, hits) if not hit],
    }
