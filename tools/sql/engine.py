"""Read-only connections to any database SQLAlchemy reaches, with a timeout and a row cap.

SqlGuard already refuses anything but a SELECT; this module makes sure that even a statement
the guard got wrong cannot change anything, by asking the engine itself for read-only access:
- DuckDB: `read_only`, with external access (files, ATTACH, extension downloads) disabled;
- SQLite: `mode=ro`, no ATTACH, and an authorizer that allows reading only;
- PostgreSQL: every transaction is READ ONLY, with a server-side statement timeout;
- MySQL/MariaDB: the session is READ ONLY, with MAX_EXECUTION_TIME.
Every statement also runs inside a transaction that is rolled back, never committed.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# SQLAlchemy backend name -> sqlglot dialect name.
SQLGLOT_DIALECTS: dict[str, str] = {
    "duckdb": "duckdb",
    "sqlite": "sqlite",
    "postgresql": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "mssql": "tsql",
    "oracle": "oracle",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
    "redshift": "redshift",
    "trino": "trino",
    "clickhouse": "clickhouse",
    "databricks": "databricks",
}
ENGINE_ENFORCED = {"duckdb", "sqlite", "postgresql", "mysql", "mariadb"}
# Read-only PRAGMAs SQLAlchemy's reflection uses on SQLite; the authorizer allows only these.
_SQLITE_READ_PRAGMAS = {
    "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "table_list", "database_list", "collation_list",
}


class DatabaseError(Exception):
    """A failure worth telling the user (or the model, when repairing) in one sentence."""


class QueryTimeout(DatabaseError):
    pass


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool
    elapsed_ms: float


def _sqlite_authorizer(action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
    if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE):
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION:
        name = (arg2 or "").lower()
        return sqlite3.SQLITE_DENY if name in {"load_extension", "readfile", "writefile", "edit"} else sqlite3.SQLITE_OK
    # These PRAGMAs only read (their argument is a table or index name), whatever the argument.
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _SQLITE_READ_PRAGMAS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_TRANSACTION:  # BEGIN/ROLLBACK issued by the driver itself
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


class ReadOnlyDatabase:
    """One database, opened read-only. Thread-safe: each query checks out its own connection."""

    def __init__(self, url: str, *, statement_timeout_s: float = 10.0, row_cap: int = 1000) -> None:
        import sqlalchemy as sa
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            parsed = sa.make_url(url)
        except ArgumentError:
            raise DatabaseError(
                f"{url!r} is not a database URL; use one like duckdb:///path/file.duckdb, "
                "sqlite:///path/file.sqlite or postgresql://user@host/db"
            ) from None
        self.backend = parsed.get_backend_name()
        self.dialect = SQLGLOT_DIALECTS.get(self.backend, self.backend)
        self.display_url = parsed.render_as_string(hide_password=True)
        self.statement_timeout_s = statement_timeout_s
        self.row_cap = row_cap
        self.engine_enforced = self.backend in ENGINE_ENFORCED
        try:
            self.engine = self._create_engine(sa, parsed)
        except NoSuchModuleError:
            raise DatabaseError(
                f"maitre has no driver for {parsed.drivername} databases; install it with "
                f"`pip install` in maitre's environment (for example psycopg for PostgreSQL)"
            ) from None

    def _create_engine(self, sa: Any, url: Any) -> Any:
        if self.backend in ("duckdb", "sqlite"):
            database = url.database or ""
            if database in ("", ":memory:") or database.startswith("file:"):
                raise DatabaseError(f"{self.display_url} must name a database file for maitre to read")
            if not Path(database).is_file():
                raise DatabaseError(f"there is no database file at {database}; check the --db URL")
        if self.backend == "duckdb":
            config = {
                "enable_external_access": False,
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
            }
            engine = sa.create_engine(url, connect_args={"read_only": True, "config": config})

            @sa.event.listens_for(engine, "connect")
            def _quiet_and_locked(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                # DuckDB draws a progress bar on the terminal for long queries: agents never print.
                # (Not lock_configuration: it is global to the file's instance, so a second
                # connection could not switch its own bar off. External access, once disabled,
                # cannot be enabled again while the database is open, locked or not.)
                cursor.execute("SET enable_progress_bar = false")
                cursor.close()

            return engine
        if self.backend == "sqlite":
            ro_url = url.set(database=f"file:{Path(url.database).resolve()}?mode=ro", query={"uri": "true"})
            engine = sa.create_engine(ro_url)

            @sa.event.listens_for(engine, "connect")
            def _lock_down(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
                dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
                dbapi_connection.set_authorizer(_sqlite_authorizer)

            return engine
        if self.backend == "postgresql":
            engine = sa.create_engine(url, pool_pre_ping=True)
            timeout_ms = int(self.statement_timeout_s * 1000)

            @sa.event.listens_for(engine, "begin")
            def _read_only_transaction(conn: Any) -> None:
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {timeout_ms}")

            return engine
        if self.backend in ("mysql", "mariadb"):
            engine = sa.create_engine(url, pool_pre_ping=True)
            timeout_ms = int(self.statement_timeout_s * 1000)

            @sa.event.listens_for(engine, "connect")
            def _read_only_session(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute("SET SESSION TRANSACTION READ ONLY")
                cursor.execute(f"SET SESSION MAX_EXECUTION_TIME = {timeout_ms}")
                cursor.close()

            return engine
        return sa.create_engine(url)

    def execute(self, sql: str, *, row_cap: int | None = None, timeout_s: float | None = None) -> QueryResult:
        """Run one statement and return at most `row_cap` rows (truncated says if there were more)."""
        import sqlalchemy as sa
        from sqlalchemy.exc import DBAPIError, SQLAlchemyError

        cap = self.row_cap if row_cap is None else row_cap
        timeout = self.statement_timeout_s if timeout_s is None else timeout_s
        started = time.perf_counter()
        fired = threading.Event()
        try:
            with self.engine.connect() as conn:
                timer = self._watchdog(conn, timeout, fired)
                try:
                    # exec_driver_sql: the text goes to the driver as is (no bind-parameter parsing of ':x').
                    result = conn.exec_driver_sql(sql)
                    columns = list(result.keys()) if result.returns_rows else []
                    fetched = [tuple(r) for r in result.fetchmany(cap + 1)] if result.returns_rows else []
                finally:
                    if timer is not None:
                        timer.cancel()
                    conn.rollback()
        except DBAPIError as exc:
            if fired.is_set():
                raise QueryTimeout(
                    f"the query ran longer than {timeout:g} s and was stopped; ask for less data or a narrower period"
                ) from None
            raise DatabaseError(_first_line(exc.orig if exc.orig is not None else exc)) from None
        except SQLAlchemyError as exc:
            raise DatabaseError(_first_line(exc)) from None
        elapsed = (time.perf_counter() - started) * 1000
        return QueryResult(columns, fetched[:cap], len(fetched) > cap, round(elapsed, 3))

    def explain(self, sql: str) -> str:
        """The engine's plan, which also proves the query compiles against the real schema."""
        prefix = "EXPLAIN QUERY PLAN " if self.backend == "sqlite" else "EXPLAIN "
        result = self.execute(prefix + sql, row_cap=200)
        return "\n".join(" ".join(str(v) for v in row) for row in result.rows)

    def _watchdog(self, conn: Any, timeout: float, fired: threading.Event) -> threading.Timer | None:
        if timeout <= 0:
            return None
        raw = conn.connection.driver_connection
        stop = getattr(raw, "interrupt", None) or getattr(raw, "cancel", None)
        if stop is None:
            return None  # PostgreSQL and MySQL time out on the server

        def interrupt() -> None:
            fired.set()
            stop()

        timer = threading.Timer(timeout, interrupt)
        timer.daemon = True
        timer.start()
        return timer

    def close(self) -> None:
        self.engine.dispose()


def _first_line(exc: BaseException) -> str:
    """The driver's message without SQLAlchemy's echo of the statement; candidate names that
    DuckDB lists on the following lines are kept, since they help the model repair its query."""
    text = str(exc).split("[SQL:")[0].strip() or type(exc).__name__
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("LINE ")]
    return " ".join(lines)[:500]
