"""Fixtures for the sql agent's tests: one small demo database per test session.

Scale 0.05 (500 members, 10 000 receipts) builds in about a second and has every table, value
and relationship the full database has. Bigger data is built only by the benchmarks.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.sql.demo_db import TABLES, build_demo_db, table_checksum
from tools.sql.engine import ReadOnlyDatabase
from tools.sql.schema import SchemaInfo, reflect_schema

TEST_SCALE = 0.05
SPIDER_DIR = Path(__file__).resolve().parents[1] / "data" / "sql" / "spider"


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_db(tmp_path_factory.mktemp("demo") / "demo.duckdb", scale=TEST_SCALE).path


@pytest.fixture(scope="session")
def demo_url(demo_db_file: Path) -> str:
    return f"duckdb:///{demo_db_file}"


@pytest.fixture(scope="session")
def demo_db(demo_url: str) -> Iterator[ReadOnlyDatabase]:
    db = ReadOnlyDatabase(demo_url, statement_timeout_s=10, row_cap=1000)
    yield db
    db.close()


@pytest.fixture(scope="session")
def demo_schema(demo_db: ReadOnlyDatabase) -> SchemaInfo:
    return reflect_schema(demo_db)


@pytest.fixture
def private_demo_copy(demo_db_file: Path, tmp_path: Path) -> Path:
    """A copy a test may attack without disturbing the shared file."""
    target = tmp_path / "victim.duckdb"
    shutil.copy(demo_db_file, target)
    return target


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def independent_connection(path: Path, folder: Path):  # type: ignore[no-untyped-def]
    """A plain DuckDB connection to a copy of `path`. DuckDB allows one configuration per file
    and process, and the file may already be open through maitre's read-only engine."""
    import duckdb

    copy = Path(folder) / f"copy-{Path(path).name}"
    shutil.copy(path, copy)
    return duckdb.connect(str(copy), read_only=True)


def database_checksum(path: Path) -> dict[str, tuple[int, int]]:
    """Row count and content hash of every demo table, read independently of maitre's engine."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        con = independent_connection(path, Path(folder))
        try:
            return {table: table_checksum(con, table) for table in TABLES}
        finally:
            con.close()
