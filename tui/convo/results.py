"""What a run found, as data: per turn, per conversation, and for a whole suite.

The JSON report is these models dumped; the JUnit, HTML and terminal reports read them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from pydantic import BaseModel, Field

from tui.convo.assertions import Failure

Mode = Literal["replay", "record", "live"]


class TurnResult(BaseModel):
    index: int  # 1-based
    user: str
    name: str | None = None
    passed: bool = True
    skipped: str | None = Field(default=None, description="Why the turn did not run.")
    failures: list[Failure] = Field(default_factory=list)
    checked: list[str] = Field(default_factory=list, description="The expectations the turn set.")
    route: str | None = None
    stage: str | None = None
    confidence: float | None = None
    status: str = ""
    elapsed_ms: float = 0.0
    answer: str = ""
    judge_score: float | None = None
    events: list[dict[str, Any]] = Field(default_factory=list)


class ConvoResult(BaseModel):
    name: str
    path: str
    mode: Mode
    run: int = 1
    backend: str = ""
    passed: bool = True
    problem: str | None = Field(default=None, description="Why the conversation could not run at all.")
    turns: list[TurnResult] = Field(default_factory=list)
    elapsed_ms: float = 0.0
    setup_ms: float = 0.0
    cassette_written: str | None = None

    def failure_lines(self) -> list[str]:
        lines = [f"{self.path}: {self.problem}"] if self.problem else []
        for turn in self.turns:
            lines += [str(f) for f in turn.failures]
        return lines


class TurnStability(BaseModel):
    """For `--mode live --repeat N`: how often one turn passed."""

    path: str
    name: str
    turn: int
    user: str
    runs: int
    passes: int

    @property
    def pass_rate(self) -> float:
        return self.passes / self.runs if self.runs else 0.0

    @property
    def flaky(self) -> bool:
        return 0 < self.passes < self.runs


class RunSummary(BaseModel):
    mode: Mode
    repeat: int = 1
    results: list[ConvoResult] = Field(default_factory=list)
    elapsed_ms: float = 0.0

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def counts(self) -> dict[str, int]:
        turns = [t for r in self.results for t in r.turns]
        return {
            "conversations": len(self.results),
            "conversations_failed": sum(not r.passed for r in self.results),
            "turns": len(turns),
            "turns_failed": sum(not t.passed for t in turns if t.skipped is None),
            "turns_skipped": sum(t.skipped is not None for t in turns),
        }

    def stability(self) -> list[TurnStability]:
        runs: dict[tuple[str, int], list[TurnResult]] = defaultdict(list)
        names: dict[str, str] = {}
        for result in self.results:
            names[result.path] = result.name
            for turn in result.turns:
                runs[(result.path, turn.index)].append(turn)
        return [
            TurnStability(
                path=path, name=names[path], turn=index, user=turns[0].user, runs=len(turns),
                passes=sum(t.passed for t in turns),
            )
            for (path, index), turns in runs.items()
        ]

    def as_json(self) -> dict[str, Any]:
        data = {"mode": self.mode, "repeat": self.repeat, "passed": self.passed, "elapsed_ms": round(self.elapsed_ms, 1),
                **self.counts, "conversations_detail": [r.model_dump(mode="json") for r in self.results]}
        if self.repeat > 1:
            data["stability"] = [
                {**s.model_dump(), "pass_rate": round(s.pass_rate, 3), "flaky": s.flaky} for s in self.stability()
            ]
        return data
