"""Execution accuracy for text-to-SQL: question files, the Spider dev set, result comparison, metrics.

A prediction is right when its rows equal the gold SQL's rows: as multisets, or in order when
the gold query's outermost SELECT orders; columns may come in another order (as in Spider's
execution evaluation), and numbers are compared to 4 decimals.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from itertools import permutations
from pathlib import Path
from typing import Any

import yaml


class EvalFileError(ValueError):
    pass


@dataclass(frozen=True)
class EvalCase:
    id: str
    question: str
    gold_sql: str
    db_url: str | None = None  # None: the database the command was given (or the demo one)


@dataclass
class CaseOutcome:
    id: str
    question: str
    correct: bool
    valid_sql: bool
    attempts: int
    ms: float
    predicted_sql: str | None = None
    problem: str = ""


@dataclass
class EvalReport:
    outcomes: list[CaseOutcome] = field(default_factory=list)
    skipped: int = 0

    def metrics(self) -> dict[str, Any]:
        n = len(self.outcomes)
        times = sorted(o.ms for o in self.outcomes)
        return {
            "cases": n,
            "execution_accuracy": round(sum(o.correct for o in self.outcomes) / n, 4) if n else 0.0,
            "valid_sql_rate": round(sum(o.valid_sql for o in self.outcomes) / n, 4) if n else 0.0,
            "repairs_per_question": round(sum(max(0, o.attempts - 1) for o in self.outcomes) / n, 4) if n else 0.0,
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "skipped": self.skipped,
        }

    def as_dict(self) -> dict[str, Any]:
        return {**self.metrics(), "results": [asdict(o) for o in self.outcomes]}

    def as_text(self) -> str:
        lines = [f"{key:<22}{value}" for key, value in self.metrics().items()]
        wrong = [o for o in self.outcomes if not o.correct]
        if wrong:
            lines.append("")
            lines.append(f"wrong ({len(wrong)}):")
            for o in wrong:
                lines.append(f"  {o.id}: {o.question}  [{o.problem or 'different rows'}]")
        return "\n".join(lines)


def percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    rank = (len(sorted_values) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def load_questions(path: Path) -> list[EvalCase]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise EvalFileError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, list) or not data:
        raise EvalFileError(f"{path} must be a list of {{id, question, gold_sql}} items")
    cases = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("question", "gold_sql")):
            raise EvalFileError(f"item {i} of {path} needs `question` and `gold_sql` texts")
        cases.append(EvalCase(str(item.get("id", i)), item["question"].strip(), item["gold_sql"].strip(),
                              item.get("db_url")))
    return cases


def load_spider(folder: Path, limit: int | None = None) -> tuple[list[EvalCase], int]:
    """Spider's dev.json, each question on its own SQLite file; returns (cases, skipped)."""
    dev = Path(folder) / "dev.json"
    if not dev.is_file():
        raise EvalFileError(f"{folder} has no dev.json; point --spider at Spider's folder")
    items = json.loads(dev.read_text(encoding="utf-8"))
    cases, skipped = [], 0
    for i, item in enumerate(items):
        db_id = item["db_id"]
        database = Path(folder) / "database" / db_id / f"{db_id}.sqlite"
        if not database.is_file():
            skipped += 1
            continue
        cases.append(EvalCase(f"{db_id}/{i}", item["question"], item["query"], f"sqlite:///{database.resolve()}"))
        if limit is not None and len(cases) >= limit:
            break
    return cases, skipped


def gold_orders(gold_sql: str, dialect: str) -> bool:
    """True when the outermost query of the gold SQL has an ORDER BY."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        tree = sqlglot.parse_one(gold_sql, read=dialect)
    except SqlglotError:
        return "order by" in gold_sql.lower()
    return tree.args.get("order") is not None


def _normal(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, Decimal)):
        return round(float(value), 4) + 0.0  # + 0.0 folds -0.0 into 0.0
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _key(row: Sequence[Any]) -> tuple:
    return tuple((type(v).__name__ if v is not None else "", v) for v in row)


def results_match(gold: Sequence[Sequence[Any]], predicted: Sequence[Sequence[Any]], ordered: bool) -> bool:
    gold_rows = [tuple(_normal(v) for v in row) for row in gold]
    pred_rows = [tuple(_normal(v) for v in row) for row in predicted]
    if len(gold_rows) != len(pred_rows):
        return False
    if not gold_rows:
        return True
    width = len(gold_rows[0])
    if any(len(r) != width for r in pred_rows):
        return False
    # Try the columns in the predicted order first, then every other order (few columns in practice).
    orders = permutations(range(width)) if width <= 6 else iter([tuple(range(width))])
    for order in orders:
        moved = [tuple(row[i] for i in order) for row in pred_rows]
        if ordered:
            if moved == gold_rows:
                return True
        elif Counter(map(_key, moved)) == Counter(map(_key, gold_rows)):
            return True
    return False
