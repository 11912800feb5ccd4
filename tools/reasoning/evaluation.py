"""Run a mode over Game-of-24 puzzles and report what the Tree of Thoughts paper reports.

`success_rate` counts answers the checker accepts; nodes, tokens and milliseconds are per puzzle.
The engine is built per puzzle by the caller (`make_engine`), so every puzzle gets a fresh budget.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

from tools.reasoning.engine import ReasoningEngine
from tools.reasoning.tasks import Game24Puzzle, Game24Task
from tools.reasoning.tree import SearchDone, SearchResult


@dataclass(frozen=True)
class CaseResult:
    rank: int
    puzzle: str
    solved: bool
    answer: str
    nodes: int
    tokens: int
    ms: float
    stopped_by: str | None


@dataclass
class EvalReport:
    task: str
    mode: str
    cases: int = 0
    success_rate: float = 0.0
    mean_nodes: float = 0.0
    mean_tokens: float = 0.0
    p50_ms: float = 0.0
    per_case: list[CaseResult] = field(default_factory=list)

    def summarise(self) -> None:
        results = self.per_case
        self.cases = len(results)
        if not results:
            return
        self.success_rate = round(sum(r.solved for r in results) / len(results), 4)
        self.mean_nodes = round(statistics.fmean(r.nodes for r in results), 2)
        self.mean_tokens = round(statistics.fmean(r.tokens for r in results), 1)
        self.p50_ms = round(statistics.median(r.ms for r in results), 1)

    def as_dict(self, with_cases: bool = True) -> dict:
        data = asdict(self)
        if not with_cases:
            data.pop("per_case")
        return data


async def solve_puzzle(engine: ReasoningEngine, puzzle: Game24Puzzle) -> CaseResult:
    task = Game24Task(numbers=puzzle.numbers)
    result: SearchResult | None = None
    async for event in engine.run(task):
        if isinstance(event, SearchDone):
            result = event.result
    assert result is not None
    return CaseResult(
        rank=puzzle.rank, puzzle=task.puzzle, solved=bool(result.accepted), answer=result.answer,
        nodes=result.nodes, tokens=result.tokens, ms=result.ms, stopped_by=result.stopped_by,
    )


async def evaluate_game24(
    puzzles: Sequence[Game24Puzzle],
    make_engine: Callable[[], ReasoningEngine],
    on_case: Callable[[CaseResult], None] | None = None,
) -> EvalReport:
    report = EvalReport(task="game24", mode="")
    for puzzle in puzzles:
        engine = make_engine()
        report.mode = engine.options.mode if engine.options.mode != "tot" else f"tot/{engine.options.search}"
        case = await solve_puzzle(engine, puzzle)
        report.per_case.append(case)
        if on_case is not None:
            on_case(case)
    report.summarise()
    return report
