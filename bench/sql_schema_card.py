"""The schema card of a 200-table synthetic schema stays under the context budget. One JSON object.

    python bench/sql_schema_card.py [--tables 200] [--context 4096]

Target (issue 4): the card sent to the model fits in 40 % of the context window. The anchor is
the whole card (every table in full): `full_card_over_budget` says how far over it would be.
Also measured: the time to build (reflect + profile) and to render, and whether the table a
question names comes first (relevance).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.sql.engine import ReadOnlyDatabase  # noqa: E402
from tools.sql.schema import reflect_schema  # noqa: E402
from tools.sql.schema_card import SchemaCard, estimate_tokens  # noqa: E402

TOPICS = ["orders", "invoices", "shipments", "suppliers", "warehouses", "employees", "payroll", "tickets",
          "assets", "contracts", "leads", "visits", "returns", "coupons", "budgets", "audits", "devices",
          "sensors", "routes", "claims"]
STATUS = ["open", "closed", "pending", "cancelled"]


def make_schema(path: Path, n_tables: int, seed: int = 7) -> list[str]:
    """n_tables tables, 6 to 14 columns each, foreign keys to earlier tables, 20 rows each."""
    rng = random.Random(seed)
    con = sqlite3.connect(path)
    names = []
    for i in range(n_tables):
        name = f"{TOPICS[i % len(TOPICS)]}_{i:03d}"
        columns = [f"{name[:-4]}_id INTEGER PRIMARY KEY", "status TEXT", "label TEXT", "amount REAL", "created_at TEXT"]
        refs = []
        for j in range(rng.randint(0, 2)):
            if names:
                target = rng.choice(names)
                refs.append(f"{target[:-4]}_{j}_ref INTEGER REFERENCES {target}({target[:-4]}_id)")
        extra = [f"attr_{k} {rng.choice(['TEXT', 'INTEGER', 'REAL'])}" for k in range(rng.randint(1, 7))]
        con.execute(f"CREATE TABLE {name} ({', '.join(columns + extra + refs)})")
        width = 5 + len(extra) + len(refs)
        for r in range(20):
            row = [r + 1, rng.choice(STATUS), f"{name} item {r}", round(rng.random() * 100, 2), "2024-01-01"]
            row += [rng.randint(0, 9) for _ in range(width - 5)]
            con.execute(f"INSERT INTO {name} VALUES ({', '.join('?' * width)})", row)
        names.append(name)
    con.commit()
    con.close()
    return names


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=200)
    parser.add_argument("--context", type=int, default=4096)
    args = parser.parse_args()
    budget = int(0.4 * args.context)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wide.sqlite"
        names = make_schema(path, args.tables)
        db = ReadOnlyDatabase(f"sqlite:///{path}")
        started = time.perf_counter()
        schema = reflect_schema(db)
        reflect_s = time.perf_counter() - started
        card = SchemaCard.build(db, schema)
        build_s = time.perf_counter() - started
        full = estimate_tokens(card.full_text())
        rng = random.Random(1)
        asked = rng.sample(names, 20)
        views, render_ms, first_hits = [], [], 0
        for name in asked:
            question = f"What is the total amount of {name.split('_')[0]} in table {name} by status?"
            t = time.perf_counter()
            view = card.render(question, budget)
            render_ms.append((time.perf_counter() - t) * 1000)
            views.append(view)
            first_hits += view.tables[0] == name
        db.close()
    worst = max(v.tokens for v in views)
    print(json.dumps({
        "benchmark": "sql_schema_card",
        "tables": args.tables,
        "context_tokens": args.context,
        "budget_tokens": budget,
        "full_card_tokens": full,
        "full_card_over_budget": round(full / budget, 2),
        "card_tokens_max": worst,
        "card_tokens_mean": round(sum(v.tokens for v in views) / len(views), 1),
        "tables_in_full_mean": round(sum(len(v.tables) for v in views) / len(views), 1),
        "named_table_first": f"{first_hits}/{len(views)}",
        "reflect_s": round(reflect_s, 3),
        "build_s": round(build_s, 3),
        "render_ms_max": round(max(render_ms), 2),
        "meets_target": worst <= budget,
    }))


if __name__ == "__main__":
    main()
