"""Grouped queries over 10 million transactions (demo database, scale 50). Prints one JSON object.

    python bench/sql_big_query.py [--path FILE] [--scale 50]

Target (issue 4): a grouped query over 10 million transactions returns in under 2 s, through
maitre's read-only engine and SqlGuard. The anchor is the same queries at scale 1 (200 000
transactions) in the same run: `time_ratio_vs_scale_1` shows how the cost grows with 50x the data.

The scale-50 file takes minutes to build; it is kept at --path and reused by later runs.
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

from tools.sql.demo_db import build_demo_db  # noqa: E402
from tools.sql.engine import ReadOnlyDatabase  # noqa: E402
from tools.sql.guard import SqlGuard  # noqa: E402
from tools.sql.schema import reflect_schema  # noqa: E402

TARGET_S = 2.0
QUERIES = {
    "revenue_by_region_month": (
        "SELECT s.region, date_trunc('month', t.purchased_at) AS month, sum(t.total_amount) AS revenue "
        "FROM transactions t JOIN stores s ON s.store_id = t.store_id GROUP BY 1, 2 ORDER BY 1, 2"
    ),
    "tier_channel_baskets": (
        "SELECT m.tier, t.channel, count(*) AS receipts, avg(t.total_amount) AS basket "
        "FROM transactions t JOIN members m ON m.member_id = t.member_id GROUP BY 1, 2 ORDER BY 1, 2"
    ),
    "category_sales": (
        "SELECT p.category, sum(i.quantity * i.unit_price - i.discount) AS sales "
        "FROM transaction_items i JOIN products p ON p.product_id = i.product_id GROUP BY 1 ORDER BY 2 DESC"
    ),
}


def measure(path: Path, runs: int = 3) -> dict[str, dict[str, float]]:
    db = ReadOnlyDatabase(f"duckdb:///{path}", statement_timeout_s=120, row_cap=10_000)
    guard = SqlGuard(reflect_schema(db), db.dialect, row_cap=10_000)
    out = {}
    for name, sql in QUERIES.items():
        times = []
        for _ in range(runs + 1):  # the first run is cold (file pages not yet cached)
            started = time.perf_counter()
            result = db.execute(guard.check(sql).sql)
            times.append(time.perf_counter() - started)
        out[name] = {"cold_s": round(times[0], 3), "warm_s": round(statistics.median(times[1:]), 3),
                     "rows": len(result.rows)}
    transactions = db.execute("SELECT count(*) FROM transactions").rows[0][0]
    db.close()
    out["_transactions"] = transactions  # type: ignore[assignment]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--path", type=Path, default=Path(tempfile.gettempdir()) / "maitre-bench" / "loyalty_scale50.duckdb")
    parser.add_argument("--scale", type=float, default=50.0)
    args = parser.parse_args()
    build_s = None
    if not args.path.is_file():
        print(f"building scale {args.scale:g} into {args.path} (minutes) …", file=sys.stderr)
        build_s = round(build_demo_db(args.path, scale=args.scale).seconds, 1)
    big = measure(args.path)
    with tempfile.TemporaryDirectory() as folder:
        small_info = build_demo_db(Path(folder) / "small.duckdb", scale=1.0)
        small = measure(small_info.path)
    report = {
        "benchmark": "sql_big_query",
        "transactions": big.pop("_transactions"),
        "anchor_transactions": small.pop("_transactions"),
        "scale_1_build_s": round(small_info.seconds, 2),
        "big_build_s": build_s,
        "queries": big,
        "time_ratio_vs_scale_1": {n: round(big[n]["warm_s"] / max(small[n]["warm_s"], 1e-6), 1) for n in QUERIES},
        "target_s": TARGET_S,
        "meets_target": big["revenue_by_region_month"]["warm_s"] < TARGET_S,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
