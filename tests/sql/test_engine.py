"""Read-only connections: the engine itself refuses writes, even when SqlGuard is bypassed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.sql.conftest import SPIDER_DIR, database_checksum, file_digest
from tools.sql.engine import DatabaseError, QueryTimeout, ReadOnlyDatabase

DUCKDB_WRITES = [
    "DELETE FROM members",
    "UPDATE members SET tier = 'platinum'",
    "INSERT INTO stores VALUES (999, 'x', 'x', 'North', 'online', DATE '2020-01-01')",
    "DROP TABLE transactions",
    "CREATE TABLE stolen AS SELECT * FROM members",
    "ALTER TABLE members ADD COLUMN x INTEGER",
    "CHECKPOINT; DELETE FROM members",
    "ATTACH '{tmp}/other.duckdb' AS other",
    "COPY members TO '{tmp}/members.csv'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "EXPORT DATABASE '{tmp}/dump'",
]


@pytest.mark.parametrize("statement", DUCKDB_WRITES)
def test_duckdb_connection_refuses_writes_and_files(private_demo_copy: Path, tmp_path: Path, statement: str) -> None:
    before_file, before_rows = file_digest(private_demo_copy), database_checksum(private_demo_copy)
    db = ReadOnlyDatabase(f"duckdb:///{private_demo_copy}")
    with pytest.raises(DatabaseError):
        db.execute(statement.format(tmp=tmp_path))
    db.close()
    assert file_digest(private_demo_copy) == before_file
    assert database_checksum(private_demo_copy) == before_rows
    assert sorted(p.name for p in tmp_path.iterdir()) == ["victim.duckdb"]


SQLITE_WRITES = [
    "DELETE FROM Student",
    "UPDATE Student SET Age = 99",
    "DROP TABLE Pets",
    "CREATE TABLE x (a)",
    "ATTACH '{tmp}/other.sqlite' AS other",
    "PRAGMA journal_mode = WAL",
    "SELECT load_extension('mod_spatialite')",
    "VACUUM INTO '{tmp}/copy.sqlite'",
]


@pytest.mark.parametrize("statement", SQLITE_WRITES)
def test_sqlite_connection_refuses_writes(tmp_path: Path, statement: str) -> None:
    path = tmp_path / "pets.sqlite"
    shutil.copy(SPIDER_DIR / "database" / "pets_1" / "pets_1.sqlite", path)
    before = file_digest(path)
    db = ReadOnlyDatabase(f"sqlite:///{path}")
    with pytest.raises(DatabaseError):
        db.execute(statement.format(tmp=tmp_path))
    assert db.execute("SELECT count(*) FROM Student").rows == [(34,)]
    db.close()
    assert file_digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pets.sqlite"]


def test_row_cap_truncates_and_says_so(demo_db: ReadOnlyDatabase) -> None:
    result = demo_db.execute("SELECT member_id FROM members ORDER BY member_id", row_cap=7)
    assert len(result.rows) == 7 and result.truncated
    assert result.columns == ["member_id"]
    small = demo_db.execute("SELECT * FROM stores WHERE store_id = 1")
    assert len(small.rows) == 1 and not small.truncated


def test_a_slow_query_is_stopped_at_the_timeout(demo_db: ReadOnlyDatabase) -> None:
    slow = "SELECT count(*) FROM transaction_items a, transaction_items b WHERE a.quantity + b.quantity > 3"
    with pytest.raises(QueryTimeout, match="longer than 0.3 s"):
        demo_db.execute(slow, timeout_s=0.3)
    assert demo_db.execute("SELECT count(*) FROM stores").rows == [(48,)]  # the connection is still usable


def test_errors_are_sentences_without_the_statement(demo_db: ReadOnlyDatabase) -> None:
    with pytest.raises(DatabaseError) as caught:
        demo_db.execute("SELECT nope FROM members")
    assert "nope" in str(caught.value) and "[SQL:" not in str(caught.value) and "Traceback" not in str(caught.value)


def test_bad_urls_and_missing_files_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="not a database URL"):
        ReadOnlyDatabase("this is not a url")
    with pytest.raises(DatabaseError, match="no database file"):
        ReadOnlyDatabase(f"duckdb:///{tmp_path}/missing.duckdb")
    with pytest.raises(DatabaseError, match="no database file"):
        ReadOnlyDatabase(f"sqlite:///{tmp_path}/missing.sqlite")
    with pytest.raises(DatabaseError, match="no driver"):
        ReadOnlyDatabase("nosuchdialect://host/db")
