"""What a database holds, as plain data: tables, columns, keys and comments.

DuckDB is read from its own catalogue functions (duckdb_engine's reflection does not work on
DuckDB 2); every other database through SQLAlchemy's inspector.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from tools.sql.engine import DatabaseError, ReadOnlyDatabase


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: str
    nullable: bool = True
    comment: str = ""


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]


@dataclass
class TableInfo:
    name: str
    columns: list[ColumnInfo]
    primary_key: tuple[str, ...] = ()
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    unique: list[tuple[str, ...]] = field(default_factory=list)
    comment: str = ""
    is_view: bool = False

    def column(self, name: str) -> ColumnInfo | None:
        lowered = name.lower()
        return next((c for c in self.columns if c.name.lower() == lowered), None)


@dataclass
class SchemaInfo:
    tables: dict[str, TableInfo]
    dialect: str

    def table(self, name: str) -> TableInfo | None:
        found = self.tables.get(name)
        if found is None:
            lowered = name.lower()
            found = next((t for key, t in self.tables.items() if key.lower() == lowered), None)
        return found

    def mapping(self) -> dict[str, dict[str, str]]:
        """{table: {column: type}}, the shape sqlglot's schema wants."""
        return {t.name: {c.name: c.type or "TEXT" for c in t.columns} for t in self.tables.values()}

    def fingerprint(self) -> str:
        """Changes whenever a table, column, type, key or comment changes."""
        payload = json.dumps([asdict(t) for t in sorted(self.tables.values(), key=lambda t: t.name)], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def neighbours(self, name: str) -> set[str]:
        """Tables joined to `name` by a foreign key, in either direction."""
        out: set[str] = set()
        for table in self.tables.values():
            for fk in table.foreign_keys:
                if table.name == name:
                    out.add(fk.ref_table)
                elif fk.ref_table == name:
                    out.add(table.name)
        out.discard(name)
        return {n for n in out if n in self.tables}


def reflect_schema(db: ReadOnlyDatabase) -> SchemaInfo:
    try:
        tables = _reflect_duckdb(db) if db.backend == "duckdb" else _reflect_inspector(db)
    except DatabaseError:
        raise
    except Exception as exc:  # a driver's reflection bug must still reach the user as a sentence
        raise DatabaseError(f"could not read the tables of {db.display_url}: {exc}") from None
    if not tables:
        raise DatabaseError(f"{db.display_url} holds no tables the sql agent can read")
    return SchemaInfo(tables, db.dialect)


def _reflect_duckdb(db: ReadOnlyDatabase) -> dict[str, TableInfo]:
    where = "database_name = current_database() AND schema_name = current_schema() AND NOT internal"
    tables: dict[str, TableInfo] = {}
    for name, comment in db.execute(
        f"SELECT table_name, comment FROM duckdb_tables() WHERE {where} AND NOT temporary ORDER BY table_name",
        row_cap=100_000,
    ).rows:
        tables[name] = TableInfo(name, [], comment=comment or "")
    for name, comment in db.execute(
        f"SELECT view_name, comment FROM duckdb_views() WHERE {where} AND NOT temporary ORDER BY view_name",
        row_cap=100_000,
    ).rows:
        tables[name] = TableInfo(name, [], comment=comment or "", is_view=True)
    for table, column, dtype, nullable, comment in db.execute(
        f"SELECT table_name, column_name, data_type, is_nullable, comment FROM duckdb_columns() "
        f"WHERE {where} ORDER BY table_name, column_index",
        row_cap=1_000_000,
    ).rows:
        if table in tables:
            tables[table].columns.append(ColumnInfo(column, dtype, bool(nullable), comment or ""))
    for table, kind, columns, ref_table, ref_columns in db.execute(
        f"SELECT table_name, constraint_type, constraint_column_names, referenced_table, referenced_column_names "
        f"FROM duckdb_constraints() WHERE database_name = current_database() AND schema_name = current_schema()",
        row_cap=1_000_000,
    ).rows:
        info = tables.get(table)
        if info is None:
            continue
        if kind == "PRIMARY KEY":
            info.primary_key = tuple(columns)
        elif kind == "UNIQUE":
            info.unique.append(tuple(columns))
        elif kind == "FOREIGN KEY" and ref_table:
            info.foreign_keys.append(ForeignKey(tuple(columns), ref_table, tuple(ref_columns)))
    return tables


def _reflect_inspector(db: ReadOnlyDatabase) -> dict[str, TableInfo]:
    import sqlalchemy as sa

    inspector = sa.inspect(db.engine)
    tables: dict[str, TableInfo] = {}
    names = [(n, False) for n in inspector.get_table_names()] + [(n, True) for n in _safe(inspector.get_view_names, [])]
    for name, is_view in names:
        columns = [
            ColumnInfo(c["name"], _type_name(c["type"]), bool(c.get("nullable", True)), c.get("comment") or "")
            for c in inspector.get_columns(name)
        ]
        pk = tuple(_safe(lambda n=name: inspector.get_pk_constraint(n), {}).get("constrained_columns") or ())
        if not pk:  # SQLite reports an INTEGER PRIMARY KEY through the columns only
            pk = tuple(c["name"] for c in inspector.get_columns(name) if c.get("primary_key"))
        fks = [
            ForeignKey(tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
            for fk in _safe(lambda n=name: inspector.get_foreign_keys(n), [])
            if fk.get("referred_table")
        ]
        unique = [tuple(u["column_names"]) for u in _safe(lambda n=name: inspector.get_unique_constraints(n), [])]
        comment = (_safe(lambda n=name: inspector.get_table_comment(n), {}) or {}).get("text") or ""
        tables[name] = TableInfo(name, columns, pk, fks, unique, comment, is_view)
    return tables


def _type_name(sa_type: Any) -> str:
    try:
        return str(sa_type)
    except Exception:  # some dialects' types cannot render without a compiler
        return type(sa_type).__name__.upper()


def _safe(call: Any, default: Any) -> Any:
    """Reflection features some dialects lack (comments, views, unique constraints) are optional."""
    try:
        return call()
    except (NotImplementedError, AttributeError):
        return default
    except Exception:
        return default
