"""Everything the sql agent needs for one database, opened once and reused across turns.

`SqlWorkspaces.open` is blocking (it connects, reflects and profiles): call it in a worker
thread. The schema is reflected again on every call, which is cheap, so a changed database
gets a new schema card and a new guard; an unchanged one reuses both.
"""

from __future__ import annotations

import atexit
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from tools.sql.engine import ReadOnlyDatabase
from tools.sql.examples import VerifiedExample, load_examples
from tools.sql.guard import SqlGuard
from tools.sql.schema import SchemaInfo, reflect_schema
from tools.sql.schema_card import SchemaCard, SchemaCardCache


@dataclass
class SqlWorkspace:
    db: ReadOnlyDatabase
    schema: SchemaInfo
    card: SchemaCard
    guard: SqlGuard
    examples: list[VerifiedExample] = field(default_factory=list)


@dataclass(frozen=True)
class WorkspaceOptions:
    url: str
    statement_timeout_s: float = 10.0
    row_cap: int = 1000
    deny_columns: tuple[str, ...] = ()
    glossary_path: Path | None = None
    examples_path: Path | None = None
    card_dir: Path | None = None


class SqlWorkspaces:
    """Open databases by URL and options; closed when the process ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._databases: dict[tuple[str, float, int], ReadOnlyDatabase] = {}
        self._workspaces: dict[WorkspaceOptions, tuple[str, SqlWorkspace]] = {}
        self._cards: dict[Path | None, SchemaCardCache] = {}
        atexit.register(self.close)

    def open(self, options: WorkspaceOptions) -> SqlWorkspace:
        with self._lock:
            key = (options.url, options.statement_timeout_s, options.row_cap)
            db = self._databases.get(key)
            if db is None:
                db = ReadOnlyDatabase(options.url, statement_timeout_s=options.statement_timeout_s, row_cap=options.row_cap)
                self._databases[key] = db
            cards = self._cards.setdefault(options.card_dir, SchemaCardCache(options.card_dir))
        schema = reflect_schema(db)
        glossary = _read_glossary(options.glossary_path)
        examples = load_examples(options.examples_path) if options.examples_path else []
        stamp = f"{schema.fingerprint()}|{glossary}|{[(e.question, e.sql) for e in examples]}"
        with self._lock:
            known = self._workspaces.get(options)
            if known is not None and known[0] == stamp:
                return known[1]
        card = cards.get(db, schema, glossary=glossary, deny_columns=options.deny_columns)
        guard = SqlGuard(schema, db.dialect, row_cap=options.row_cap, deny_columns=options.deny_columns)
        workspace = SqlWorkspace(db, schema, card, guard, examples)
        with self._lock:
            self._workspaces[options] = (stamp, workspace)
        return workspace

    def close(self) -> None:
        with self._lock:
            for db in self._databases.values():
                db.close()
            self._databases.clear()
            self._workspaces.clear()


def _read_glossary(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return Path(path).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        from tools.sql.engine import DatabaseError

        raise DatabaseError(f"the glossary file {path} cannot be read ({exc.strerror}); fix `glossary_path`") from None


def jsonable(value: Any) -> Any:
    """A result cell as a JSON value: numbers stay numbers, dates become ISO text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)
