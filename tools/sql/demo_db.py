"""`maitre demo-db`: build the loyalty-club demo database as a DuckDB file.

The same scale and seed give the same rows every time. The file is written beside its final
name and moved into place at the end, so a crash never leaves a half-built database that a
later run would take for a good one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np

from tools.sql import demo_data as data
from tools.sql import demo_vocab as vocab

DEMO_SEED = 20240611
DEMO_FILE_NAME = "loyalty_demo.duckdb"
# Receipts are written in chunks so scale 50 never holds 30 million lines in memory at once.
CHUNK_RECEIPTS = 1_000_000
TABLES: tuple[str, ...] = (
    "stores", "members", "products", "transactions", "transaction_items",
    "points_ledger", "campaigns", "campaign_responses",
)
EPOCH_2022 = 1_640_995_200  # 2022-01-01 00:00:00 UTC in Unix seconds


@dataclass(frozen=True)
class DemoDbInfo:
    path: Path
    scale: float
    row_counts: dict[str, int]
    seconds: float


def demo_db_path(data_dir: Path) -> Path:
    """Where the agent looks for (and builds) the demo database by default."""
    return Path(data_dir) / "sql" / DEMO_FILE_NAME


def schema_sql() -> str:
    return files("tools.sql").joinpath("demo_schema.sql").read_text(encoding="utf-8")


def build_demo_db(
    path: Path, scale: float = 1.0, seed: int = DEMO_SEED, progress: Callable[[str], None] | None = None
) -> DemoDbInfo:
    """Write the demo database to `path` (replacing any file there) and return its row counts."""
    import duckdb

    started = time.perf_counter()
    say = progress or (lambda _message: None)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".building")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):
        leftover.unlink(missing_ok=True)
    n_members, n_receipts = data.sizes(scale)
    rng = np.random.default_rng(seed)
    con = duckdb.connect(str(partial))
    con.execute("SET enable_progress_bar = false")  # progress goes through `progress`, not the terminal
    try:
        con.execute(schema_sql())
        small = data.small_tables(rng)
        _insert_small(con, small)
        say(f"members: {n_members:,}")
        people = data.members(rng, n_members, small)
        _insert_members(con, people)
        online = (data.N_STORES_PHYSICAL + 1, data.N_STORES_PHYSICAL + 2)
        receipts = data.receipts(rng, n_receipts, people, online)
        say(f"transactions: {n_receipts:,}")
        points = np.zeros(n_receipts, dtype=np.int32)
        for first in range(0, n_receipts, CHUNK_RECEIPTS):
            count = min(CHUNK_RECEIPTS, n_receipts - first)
            chunk_rng = np.random.default_rng([seed, first])
            lines = data.receipt_lines(chunk_rng, first + 1, count, small)
            tier = people.tier[receipts.member[first : first + count] - 1]
            points[first : first + count] = data.points_for(lines["_total_cents"], tier)
            _insert_receipts(con, receipts, first, count, lines["_total_cents"], points[first : first + count])
            _insert_lines(con, lines)
        responses = data.campaign_responses(rng, small, people)
        _insert_responses(con, responses)
        say("points ledger")
        _insert_ledger(con, data.ledger(rng, people, receipts, points, responses))
        con.execute("CHECKPOINT")
        counts = {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}  # type: ignore[index]
    finally:
        con.close()
    os.replace(partial, path)
    return DemoDbInfo(path, scale, counts, time.perf_counter() - started)


def _columns(rows: list[tuple], names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Python rows to one numpy array per column (object arrays keep text and NULLs as they are);
    DuckDB scans these in one statement, where executemany costs a round trip per row."""
    return {name: np.array([row[i] for row in rows], dtype=object) for i, name in enumerate(names)}


def _insert_small(con, small: data.SmallTables) -> None:  # type: ignore[no-untyped-def]
    store_rows = _columns(small.stores, ("id", "name", "city", "region", "format", "opened"))  # noqa: F841
    con.execute(
        "INSERT INTO stores SELECT id::INTEGER, name::VARCHAR, city::VARCHAR, region::VARCHAR, format::VARCHAR, "
        "DATE '2022-01-01' + opened::INTEGER FROM store_rows ORDER BY 1"
    )
    product_rows = _columns(small.products, ("id", "sku", "name", "category", "brand", "cents"))  # noqa: F841
    con.execute(
        "INSERT INTO products SELECT id::INTEGER, sku::VARCHAR, name::VARCHAR, category::VARCHAR, brand::VARCHAR, "
        "(cents::BIGINT)::DECIMAL(12, 2) / 100 FROM product_rows ORDER BY 1"
    )
    campaign_rows = _columns(small.campaigns, ("id", "name", "channel", "starts", "ends", "target"))  # noqa: F841
    con.execute(
        "INSERT INTO campaigns SELECT id::INTEGER, name::VARCHAR, channel::VARCHAR, "
        "DATE '2022-01-01' + starts::INTEGER, DATE '2022-01-01' + ends::INTEGER, target::VARCHAR "
        "FROM campaign_rows ORDER BY 1"
    )


def _insert_members(con, people: data.Members) -> None:  # type: ignore[no-untyped-def]
    member_rows = people.arrays  # noqa: F841 - read by DuckDB's scan of local variables
    con.execute(
        """
        INSERT INTO members
        SELECT member_id,
               ($first)[first_i + 1],
               ($last)[last_i + 1],
               lower(($first)[first_i + 1] || '.' || ($last)[last_i + 1] || '.' || member_id || '@example.com'),
               CASE WHEN birth_known THEN DATE '2022-01-01' + birth_day END,
               CASE WHEN gender_i >= 0 THEN ($genders)[gender_i + 1] END,
               ($cities)[city_i + 1],
               home_store_id,
               ($tiers)[tier_i + 1],
               DATE '2022-01-01' + join_day,
               ($statuses)[status_i + 1],
               consent
        FROM member_rows ORDER BY member_id
        """,
        {
            "first": list(vocab.FIRST_NAMES),
            "last": list(vocab.LAST_NAMES),
            "genders": list(vocab.GENDERS),
            "cities": list(vocab.CITIES),
            "tiers": list(vocab.TIERS),
            "statuses": list(vocab.STATUSES),
        },
    )


def _insert_receipts(con, receipts: data.Receipts, first: int, count: int, total_cents, points) -> None:  # type: ignore[no-untyped-def]
    window = slice(first, first + count)
    receipt_rows = {  # noqa: F841 - read by DuckDB's scan of local variables
        "transaction_id": np.arange(first + 1, first + count + 1, dtype=np.int64),
        "member_id": receipts.member[window],
        "store_id": receipts.store[window],
        "seconds": receipts.seconds[window],
        "channel_i": receipts.channel[window],
        "total_cents": total_cents,
        "points": points,
    }
    con.execute(
        f"""
        INSERT INTO transactions
        SELECT transaction_id, member_id, store_id,
               make_timestamp((seconds + {EPOCH_2022}) * 1000000),
               ($channels)[channel_i + 1],
               total_cents::DECIMAL(14, 2) / 100,
               points
        FROM receipt_rows ORDER BY transaction_id
        """,
        {"channels": list(vocab.CHANNELS)},
    )


def _insert_lines(con, lines: dict[str, np.ndarray]) -> None:  # type: ignore[no-untyped-def]
    line_rows = {k: v for k, v in lines.items() if not k.startswith("_")}  # noqa: F841
    con.execute(
        """
        INSERT INTO transaction_items
        SELECT transaction_id, line_no, product_id, quantity,
               price_cents::DECIMAL(12, 2) / 100, discount_cents::DECIMAL(12, 2) / 100
        FROM line_rows ORDER BY transaction_id, line_no
        """
    )


def _insert_responses(con, responses: dict[str, np.ndarray]) -> None:  # type: ignore[no-untyped-def]
    response_rows = responses  # noqa: F841
    con.execute(
        f"""
        INSERT INTO campaign_responses
        SELECT campaign_id, member_id, make_timestamp((seconds + {EPOCH_2022}) * 1000000), opened, converted
        FROM response_rows ORDER BY campaign_id, member_id
        """
    )


def _insert_ledger(con, entries: dict[str, np.ndarray]) -> None:  # type: ignore[no-untyped-def]
    ledger_rows = entries  # noqa: F841
    con.execute(
        f"""
        INSERT INTO points_ledger
        SELECT entry_id, member_id, make_timestamp((seconds + {EPOCH_2022}) * 1000000), points,
               ($reasons)[reason_i + 1]
        FROM ledger_rows ORDER BY entry_id
        """,
        {"reasons": list(vocab.LEDGER_REASONS)},
    )


def table_checksum(con, table: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(row count, order-independent hash of every row) of one table, on a DuckDB connection."""
    count, digest = con.execute(f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {table} AS t").fetchone()
    return int(count), int(digest)
