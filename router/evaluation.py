"""Routing evaluation: read a case file, run the router on every case, compute the metrics, and
fit the thresholds. Used by `maitre eval-router`, `maitre fit-router` and bench/router_bench.py.

A case file is a YAML list, or JSON Lines (one case per line):

    - id: sql-017
      history:                 # optional earlier turns, oldest first
        - user: "How many gold members do we have?"
          agent: sql
      text: "and how many of them joined this year?"
      expected: sql            # an agent name, clarify, out_of_scope, or split (with `parts`)
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError

from agents.base import Exchange
from router.routing import CascadeRouter, Router

ABSTAIN_LABELS = frozenset({"clarify", "out_of_scope"})


class CaseFileError(ValueError):
    """The case file cannot be read; the message says what to fix."""


class CaseTurn(BaseModel):
    user: str
    agent: str
    answer: str = ""


class RouterCase(BaseModel):
    id: str = ""
    text: str
    expected: str
    history: list[CaseTurn] = Field(default_factory=list)
    parts: list[str] = Field(default_factory=list, description="For expected: split, the agents in order.")

    def exchanges(self) -> tuple[Exchange, ...]:
        return tuple(Exchange(user=t.user, agent=t.agent, answer=t.answer) for t in self.history)


def load_cases(path: Path) -> list[RouterCase]:
    path = Path(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseFileError(f"{path} does not exist") from None
    if path.suffix in (".jsonl", ".ndjson"):
        raw: Any = []
        for number, line in enumerate(raw_text.splitlines(), 1):
            if line.strip():
                try:
                    raw.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise CaseFileError(f"{path}, line {number}: not JSON ({exc.msg})") from None
    else:
        try:
            raw = yaml.safe_load(raw_text)
        except yaml.YAMLError as exc:
            raise CaseFileError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(raw, list) or not raw:
        raise CaseFileError(f"{path} must be a list of cases (YAML) or one case per line (JSON Lines)")
    cases = []
    for number, item in enumerate(raw, 1):
        if isinstance(item, dict) and isinstance(item.get("expected"), list):
            # `expected: [sql, seo]` is shorthand for a split into those agents.
            item = {**item, "parts": item["expected"], "expected": "split"}
        try:
            case = RouterCase.model_validate(item)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise CaseFileError(f"{path}, case {number}: {problems}") from None
        cases.append(case if case.id else case.model_copy(update={"id": f"case-{number}"}))
    return cases


@dataclass
class CaseResult:
    case: RouterCase
    predicted: str
    parts: list[str]
    stage: str
    llm_called: bool
    asks_model: bool
    ms: float
    reason: str

    @property
    def correct(self) -> bool:
        if self.predicted != self.case.expected:
            return False
        return self.predicted != "split" or not self.case.parts or self.parts == self.case.parts


async def run_cases(router: Router, cases: Sequence[RouterCase]) -> list[CaseResult]:
    results = []
    for case in cases:
        started = time.perf_counter()
        decision = await router.route(case.text, case.exchanges())
        ms = (time.perf_counter() - started) * 1000
        results.append(CaseResult(
            case, decision.label, [p.agent for p in decision.parts], decision.stage, decision.llm_called,
            decision.asks_model, ms,
            decision.reason,
        ))
    return results


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def summarise(results: Sequence[CaseResult]) -> dict[str, Any]:
    """The metrics `maitre eval-router --json` prints."""
    n = len(results)
    labels = sorted({r.case.expected for r in results} | {r.predicted for r in results})
    per_route: dict[str, dict[str, float]] = {}
    for label in labels:
        true_pos = sum(1 for r in results if r.predicted == label and r.correct)
        predicted = sum(1 for r in results if r.predicted == label)
        support = sum(1 for r in results if r.case.expected == label)
        precision = true_pos / predicted if predicted else 0.0
        recall = true_pos / support if support else 0.0
        per_route[label] = {
            "precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(_f1(precision, recall), 4), "support": support,
        }
    confusion: dict[str, dict[str, int]] = {}
    for r in results:
        row = confusion.setdefault(r.case.expected, {})
        row[r.predicted] = row.get(r.predicted, 0) + 1
    abstained = [r for r in results if r.predicted in ABSTAIN_LABELS]
    should_abstain = [r for r in results if r.case.expected in ABSTAIN_LABELS]
    latencies = [r.ms for r in results]
    fast = [r.ms for r in results if not r.llm_called]
    supported = [label for label in labels if per_route[label]["support"]]
    return {
        "cases": n,
        "accuracy": round(sum(r.correct for r in results) / n, 4) if n else 0.0,
        "macro_f1": round(statistics.fmean(per_route[label]["f1"] for label in supported), 4) if supported else 0.0,
        "per_route": per_route,
        "confusion": confusion,
        "llm_call_rate": round(sum(r.llm_called for r in results) / n, 4) if n else 0.0,
        "p50_ms": round(_percentile(latencies, 0.5), 3),
        "p95_ms": round(_percentile(latencies, 0.95), 3),
        "stage1_p50_ms": round(_percentile(fast, 0.5), 3),
        "stage1_p95_ms": round(_percentile(fast, 0.95), 3),
        "abstain_precision": round(sum(r.correct for r in abstained) / len(abstained), 4) if abstained else 0.0,
        "abstain_recall": round(sum(r.correct for r in should_abstain) / len(should_abstain), 4) if should_abstain else 0.0,
        "stages": dict(Counter(r.stage for r in results)),
        "errors": [
            {"id": r.case.id, "expected": r.case.expected, "predicted": r.predicted, "stage": r.stage, "reason": r.reason}
            for r in results if not r.correct
        ],
    }


@dataclass(frozen=True)
class FittedThresholds:
    threshold: float
    clarify_margin: float
    accuracy: float  # expected, with the router model right `model_accuracy` of the time below the threshold
    confident_precision: float  # how often stage 1 is right on the turns it decides alone
    llm_call_rate: float

    def as_toml(self) -> str:
        return f"[router]\nthreshold = {self.threshold:.2f}\nclarify_margin = {self.clarify_margin:.2f}\n"


async def fit_thresholds(
    router: CascadeRouter,
    cases: Sequence[RouterCase],
    *,
    model_accuracy: float = 0.8,
    max_llm_rate: float = 0.2,
) -> FittedThresholds:
    """Choose `threshold` and `clarify_margin` for the best expected accuracy.

    Stage 1 runs on every case (no model calls: fast and repeatable). A turn below the threshold
    counts as right `model_accuracy` of the time, the router model's expected hit rate, so the
    threshold lands where stage 1 stops being more reliable than the model, within
    `max_llm_rate`. Ties go to fewer model calls, then to the smaller margin.
    """
    original, stage2 = router.config, router.stage2
    router.stage2 = None
    router.scores = lru_cache(maxsize=None)(router.classifier.scores)  # type: ignore[method-assign]
    grid_t = [round(0.30 + 0.025 * i, 3) for i in range(27)]  # 0.30 … 0.95
    grid_m = [round(0.02 * i, 2) for i in range(16)]  # 0 … 0.30
    trials: list[tuple[float, float, float, float, float]] = []
    try:
        for threshold in grid_t:
            for margin in grid_m:
                router.config = original.model_copy(update={"threshold": threshold, "clarify_margin": margin})
                results = await run_cases(router, cases)
                asked = [r for r in results if r.asks_model]
                alone = [r for r in results if not r.asks_model]
                expected = (sum(r.correct for r in alone) + model_accuracy * len(asked)) / len(results)
                precision = sum(r.correct for r in alone) / len(alone) if alone else 0.0
                trials.append((threshold, margin, expected, precision, len(asked) / len(results)))
    finally:
        router.config, router.stage2 = original, stage2
        del router.scores  # back to the class's method
    allowed = [t for t in trials if t[4] <= max_llm_rate + 1e-9] or trials
    chosen = max(allowed, key=lambda t: (round(t[2], 6), -t[4], -t[1]))
    return FittedThresholds(chosen[0], chosen[1], round(chosen[2], 4), round(chosen[3], 4), round(chosen[4], 4))
