"""Run every example of club_examples.yaml against a fresh demo database (scale 0.02, as the
conversations use): each must run and return rows.

    PYTHONPATH=. python tests/conversations/sql/check_examples.py
"""

import sys
import tempfile
from pathlib import Path

import duckdb
import yaml

from tools.sql.demo_db import build_demo_db

HERE = Path(__file__).resolve().parent


def main() -> int:
    examples = yaml.safe_load((HERE / "club_examples.yaml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "club.duckdb"
        build_demo_db(path, 0.02)
        con = duckdb.connect(str(path), read_only=True)
        bad = 0
        for example in examples:
            rows = con.sql(example["sql"]).fetchall()
            print(f"{len(rows):4} rows  {example['question']}")
            bad += not rows
        con.close()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
