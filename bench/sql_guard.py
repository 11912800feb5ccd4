"""SqlGuard's cost per query, against the cost of running the query. Prints one JSON object.

    python bench/sql_guard.py [--scale 1] [--repeat 20]

Target (issue 4): SqlGuard adds under 2 ms per query (p50 over the 46 demo questions' gold SQL;
the 136 hostile inputs, most refused before any parsing, are reported apart). The anchor in the same run is the query's own execution time on
the demo database at the given scale, so `guard_share_of_execution` says what the check adds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from tools.sql.demo_db import build_demo_db  # noqa: E402
from tools.sql.engine import ReadOnlyDatabase  # noqa: E402
from tools.sql.guard import SqlGuard, SqlRefused  # noqa: E402
from tools.sql.schema import reflect_schema  # noqa: E402

TARGET_MS = 2.0
DATA = ROOT / "tests" / "data" / "sql"


def timed_ms(call, repeat: int) -> float:  # type: ignore[no-untyped-def]
    best = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        best.append((time.perf_counter() - started) * 1000)
    return statistics.median(best)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = build_demo_db(Path(folder) / "demo.duckdb", scale=args.scale).path
        db = ReadOnlyDatabase(f"duckdb:///{path}", row_cap=1000)
        guard = SqlGuard(reflect_schema(db), db.dialect, row_cap=1000)
        gold = [q["gold_sql"] for q in yaml.safe_load((DATA / "demo_questions.yaml").read_text())]
        hostile = [h["sql"] for h in yaml.safe_load((DATA / "hostile_inputs.yaml").read_text())]

        def check(sql: str) -> None:
            try:
                guard.check(sql)
            except SqlRefused:
                pass

        guard_gold = [timed_ms(lambda s=s: check(s), args.repeat) for s in gold]
        guard_hostile = [timed_ms(lambda s=s: check(s), args.repeat) for s in hostile]
        execute = [timed_ms(lambda s=s: db.execute(guard.check(s).sql), max(3, args.repeat // 5)) for s in gold]
        db.close()
    ratios = [g / e for g, e in zip(guard_gold, execute) if e > 0]
    all_guard = sorted(guard_gold + guard_hostile)
    p50 = statistics.median(all_guard)
    print(json.dumps({
        "benchmark": "sql_guard",
        "scale": args.scale,
        "queries": len(gold) + len(hostile),
        "guard_ms_p50": round(p50, 3),
        "guard_ms_p95": round(all_guard[int(0.95 * (len(all_guard) - 1))], 3),
        "guard_ms_p50_gold": round(statistics.median(guard_gold), 3),
        "guard_ms_p50_hostile": round(statistics.median(guard_hostile), 3),
        "execute_ms_p50_gold": round(statistics.median(execute), 3),
        "guard_share_of_execution": round(statistics.median(ratios), 3),
        "target_ms": TARGET_MS,
        "meets_target": statistics.median(guard_gold) < TARGET_MS,
    }))


if __name__ == "__main__":
    main()
