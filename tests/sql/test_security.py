"""The security suite: 100+ hostile inputs. None may change the database, none may return a
personal column, and each gets a refusal that says why.

Three layers are attacked separately, so a hole in one is caught even when another covers it:
SqlGuard alone, the read-only engine alone (the guard bypassed), and the whole agent, whose
model is replayed to obey every injection.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.sql.conftest import database_checksum, file_digest
from tools.sql.engine import DatabaseError, ReadOnlyDatabase
from tools.sql.guard import SqlGuard, SqlRefused
from tools.sql.schema import SchemaInfo

HOSTILE = yaml.safe_load((Path(__file__).parents[1] / "data" / "sql" / "hostile_inputs.yaml").read_text())
PERSONAL = {"email", "last_name", "birth_date"}


def test_the_suite_is_large_and_covers_every_attack() -> None:
    assert len(HOSTILE) >= 100
    assert {case["expect"] for case in HOSTILE} == {"forbidden", "personal", "unknown_name", "syntax"}
    assert len({case["id"] for case in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize("case", HOSTILE, ids=[c["id"] for c in HOSTILE])
def test_guard_refuses_every_hostile_query(demo_schema: SchemaInfo, case: dict) -> None:
    guard = SqlGuard(demo_schema, "duckdb")
    with pytest.raises(SqlRefused) as caught:
        guard.check(case["sql"])
    assert caught.value.kind == case["expect"]
    message = caught.value.message
    assert len(message) > 15 and "Traceback" not in message and "\x1b" not in message


def test_engine_alone_keeps_the_database_unchanged(private_demo_copy: Path, tmp_path: Path) -> None:
    """With the guard bypassed, every hostile statement still leaves the file and the rows as they were."""
    before_file, before_rows = file_digest(private_demo_copy), database_checksum(private_demo_copy)
    targets = [Path("/tmp/members.csv"), Path("/tmp/dump"), Path("/tmp/evil.duckdb")]
    existed = [t.exists() for t in targets]
    db = ReadOnlyDatabase(f"duckdb:///{private_demo_copy}", statement_timeout_s=2)
    outcomes = {"refused": 0, "ran": 0}
    for case in HOSTILE:
        if case["expect"] != "forbidden":
            continue
        try:
            db.execute(case["sql"])
            outcomes["ran"] += 1
        except DatabaseError:
            outcomes["refused"] += 1
    db.close()
    assert file_digest(private_demo_copy) == before_file
    assert database_checksum(private_demo_copy) == before_rows
    assert [t.exists() for t in targets] == existed  # COPY, EXPORT and ATTACH wrote nothing
    assert outcomes["refused"] > outcomes["ran"]


async def test_the_agent_refuses_every_hostile_input_and_changes_nothing(private_demo_copy: Path, tmp_path: Path) -> None:
    """The model is replayed to obey each injection, on every try; the agent still refuses."""
    from tests.sql.agent_helpers import answer, of_type, run_agent

    before_file, before_rows = file_digest(private_demo_copy), database_checksum(private_demo_copy)
    settings = {"db_url": f"duckdb:///{private_demo_copy}", "statement_timeout_s": 2}
    for case in HOSTILE:
        events = await run_agent(case["question"], [answer(case["sql"])] * 3, settings=settings, data_dir=tmp_path)
        assert not of_type(events, "table_result"), case["id"]
        [error] = of_type(events, "error")
        expected = "sql_refused" if case["expect"] in ("forbidden", "personal") else "sql_failed"
        assert error.kind == expected, (case["id"], error)
        assert error.message.endswith(".") and "Traceback" not in error.message
        shown = " ".join(e.model_dump_json() for e in events if e.type in ("text_delta", "table_result", "chart_result"))
        assert "@example.com" not in shown
    assert file_digest(private_demo_copy) == before_file
    assert database_checksum(private_demo_copy) == before_rows
