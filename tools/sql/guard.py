"""SqlGuard: the only door between a model's SQL and the database.

It parses the SQL with sqlglot and lets through exactly one read-only query over the tables of
this database, with a LIMIT, whose results never carry a personal column. What goes to the
database is sqlglot's own rendering of the parsed query, never the model's text, so comment
tricks (MySQL's `/*! ... */`, a `--` hiding a second statement) cannot survive.

A refusal says why in a sentence. `repairable` refusals (a typo, an unknown column) are fed
back to the model for another try; the others (writes, files, personal data) end the turn.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError, ParseError, SqlglotError, TokenError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, traverse_scope
from sqlglot.schema import MappingSchema

from tools.sql.schema import SchemaInfo

DEFAULT_DENY_COLUMNS: tuple[str, ...] = ("members.email", "members.last_name", "members.birth_date")
MAX_SQL_CHARS = 20_000

RefusalKind = Literal["syntax", "unknown_name", "forbidden", "personal"]

# Statement and clause types that change data, the schema, the session or the file system.
_FORBIDDEN_NODES: tuple[type[exp.Expression], ...] = tuple(
    getattr(exp, name)
    for name in (
        "Insert", "Update", "Delete", "Merge", "Create", "Drop", "Alter", "TruncateTable", "Command",
        "Pragma", "Attach", "Detach", "Copy", "Set", "Use", "Transaction", "Commit", "Rollback", "Install",
        "Into", "Describe", "Summarize", "Show", "Grant", "Revoke", "Analyze", "Kill", "Cache", "Uncache",
        "Refresh", "LoadData", "Execute", "Lock", "Export",
    )
    if hasattr(exp, name)
)
# Functions that read or write files, reach the network, run other SQL, sleep, or touch state.
_DENY_FUNCTIONS = {
    "load_extension", "readfile", "writefile", "edit", "load_file", "query", "query_table", "columns",
    "getenv", "glob", "sniff_csv", "parquet_scan", "parquet_metadata", "parquet_schema", "iceberg_scan",
    "delta_scan", "current_setting", "set_config", "sleep", "benchmark", "nextval", "setval", "currval",
    "lastval", "system", "shell", "openrowset", "opendatasource", "openquery", "openxml", "http_get",
    "http_post", "make_timestamp_from_file", "export_database", "import_database", "checkpoint",
    "force_checkpoint", "copy", "xp_cmdshell", "txid_current",
}
_DENY_PREFIXES = ("read_", "pg_", "lo_", "dblink", "sqlite_", "duckdb_", "xp_", "sp_", "utl_", "dbms_", "sys_", "file_")
# Table functions that only make numbers up.
_ALLOWED_TABLE_FUNCTIONS = (exp.GenerateSeries, exp.Unnest)
_DEFAULT_SCHEMAS = {"main", "public", "dbo"}
_SYSTEM_TABLE_PREFIXES = ("sqlite_", "pg_", "duckdb_", "information_schema")
# A statement that starts with one of these is refused before parsing, so that dialect syntax
# sqlglot does not know (EXPORT DATABASE, EXEC ...) is named for what it is, not as a typo.
_FORBIDDEN_FIRST_WORDS = {
    "INSERT", "UPDATE", "DELETE", "DROP", "ALTER", "CREATE", "TRUNCATE", "MERGE", "ATTACH", "DETACH", "COPY",
    "EXPORT", "IMPORT", "INSTALL", "LOAD", "PRAGMA", "SET", "RESET", "USE", "CALL", "EXEC", "EXECUTE", "GRANT",
    "REVOKE", "VACUUM", "CHECKPOINT", "BEGIN", "COMMIT", "ROLLBACK", "ANALYZE", "REINDEX", "REPLACE", "UPSERT",
    "LOCK", "UNLOCK", "KILL", "SHUTDOWN", "DECLARE", "PREPARE", "DEALLOCATE", "LISTEN", "NOTIFY", "COMMENT",
}

_STATEMENT_WORDS = {
    "Insert": "INSERT", "Update": "UPDATE", "Delete": "DELETE", "Merge": "MERGE", "Create": "CREATE",
    "Drop": "DROP", "Alter": "ALTER", "TruncateTable": "TRUNCATE", "Pragma": "PRAGMA", "Attach": "ATTACH",
    "Detach": "DETACH", "Copy": "COPY", "Set": "SET", "Use": "USE", "Install": "INSTALL", "Into": "SELECT INTO",
    "Lock": "SELECT ... FOR UPDATE", "Grant": "GRANT", "Revoke": "REVOKE", "Transaction": "BEGIN",
    "Commit": "COMMIT", "Rollback": "ROLLBACK", "Export": "EXPORT",
}


class SqlRefused(Exception):
    def __init__(self, kind: RefusalKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    @property
    def repairable(self) -> bool:
        return self.kind in ("syntax", "unknown_name")


@dataclass(frozen=True)
class GuardedSql:
    sql: str
    tables: tuple[str, ...]
    limit: int
    notes: tuple[str, ...] = field(default_factory=tuple)


def parse_deny_list(entries: Iterable[str]) -> frozenset[tuple[str, str]]:
    out = set()
    for entry in entries:
        table, _, column = entry.strip().lower().rpartition(".")
        if table and column:
            out.add((table, column))
    return frozenset(out)


class SqlGuard:
    def __init__(
        self,
        schema: SchemaInfo | Mapping[str, Mapping[str, str]],
        dialect: str,
        *,
        row_cap: int = 1000,
        deny_columns: Iterable[str] = DEFAULT_DENY_COLUMNS,
    ) -> None:
        mapping = schema.mapping() if isinstance(schema, SchemaInfo) else {t: dict(c) for t, c in schema.items()}
        self.dialect = dialect
        self.row_cap = row_cap
        self.deny = parse_deny_list(deny_columns)
        # Lower-cased names: identifiers are compared the way the dialects resolve unquoted names.
        self.columns = {t.lower(): [c for c in cols] for t, cols in mapping.items()}
        self.column_sets = {t: {c.lower() for c in cols} for t, cols in self.columns.items()}
        self.table_names = {t.lower(): t for t in mapping}
        self._schema = MappingSchema(mapping, dialect=dialect)

    def check(self, sql: str) -> GuardedSql:
        """Return the SQL to run, or raise SqlRefused saying why not."""
        tree = self._parse_one(sql)
        self._refuse_side_effects(tree)
        tables = self._check_tables(tree)
        notes = self._hide_personal_stars(tree)
        if self.dialect == "sqlite":
            self._sqlite_quoted_strings(tree)
        self._check_columns(tree)
        limit = self._apply_limit(tree)
        return GuardedSql(tree.sql(dialect=self.dialect, comments=False), tables, limit, tuple(notes))

    # -- parsing and statement kind -------------------------------------------------------------
    def _parse_one(self, sql: str) -> exp.Query:
        text = (sql or "").strip().rstrip(";").strip()
        if not text:
            raise SqlRefused("syntax", "the answer held no SQL query")
        if len(text) > MAX_SQL_CHARS:
            raise SqlRefused("forbidden", f"the query is longer than {MAX_SQL_CHARS:,} characters")
        first_word = text.split(None, 1)[0].upper().strip("(") if text.split() else ""
        if first_word in _FORBIDDEN_FIRST_WORDS:
            raise SqlRefused("forbidden", f"{first_word} statements are not allowed: the sql agent only reads")
        logger = logging.getLogger("sqlglot")
        level = logger.level
        logger.setLevel(logging.ERROR)  # "falling back to parsing as a Command" is our refusal, not a log line
        try:
            statements = [s for s in sqlglot.parse(text, read=self.dialect) if s is not None]
        except (ParseError, TokenError) as exc:
            raise SqlRefused("syntax", f"the SQL does not parse: {_short(exc)}") from None
        finally:
            logger.setLevel(level)
        if len(statements) != 1:
            raise SqlRefused("forbidden", f"only one statement may run at a time, and this text holds {len(statements)}")
        tree = statements[0]
        while isinstance(tree, (exp.Subquery, exp.Paren)) and isinstance(tree.this, exp.Query):
            tree = tree.this
        if not isinstance(tree, (exp.Select, exp.SetOperation)):
            raise SqlRefused("forbidden", f"{_statement_word(tree)} statements are not allowed: the sql agent only reads")
        return tree

    def _refuse_side_effects(self, tree: exp.Expression) -> None:
        for node in tree.walk():
            if isinstance(node, _FORBIDDEN_NODES):
                raise SqlRefused("forbidden", f"{_statement_word(node)} is not allowed: the sql agent only reads")
            if isinstance(node, (exp.Placeholder, exp.Parameter)):
                raise SqlRefused("syntax", "the query uses a parameter placeholder; write the value itself instead")
            if isinstance(node, exp.Func):
                name = _function_name(node)
                if name in _DENY_FUNCTIONS or name.startswith(_DENY_PREFIXES):
                    raise SqlRefused("forbidden", f"the function {name}() is not allowed: it reaches outside the data")

    def _check_tables(self, tree: exp.Expression) -> tuple[str, ...]:
        ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
        used: list[str] = []
        for table in tree.find_all(exp.Table):
            if not isinstance(table.this, exp.Identifier):
                if isinstance(table.this, _ALLOWED_TABLE_FUNCTIONS):
                    continue
                raise SqlRefused("forbidden", f"reading from {table.this.sql(self.dialect)[:60]} is not allowed; "
                                 "only the database's own tables can be queried")
            name = table.name
            if table.catalog or (table.db and table.db.lower() not in _DEFAULT_SCHEMAS):
                raise SqlRefused("forbidden", f"{table.sql(self.dialect)} is outside this database's tables")
            if "/" in name or "\\" in name or "." in name:
                raise SqlRefused("forbidden", f"reading the file {name!r} is not allowed; only tables can be queried")
            lowered = name.lower()
            if lowered.startswith(_SYSTEM_TABLE_PREFIXES) and lowered not in self.table_names:
                raise SqlRefused("forbidden", f"{name} is a system table; only the database's own tables can be queried")
            if lowered in ctes and not table.db:
                continue
            if lowered not in self.table_names:
                known = ", ".join(sorted(self.table_names.values())[:40])
                raise SqlRefused("unknown_name", f"there is no table named {name}; the tables are: {known}")
            used.append(self.table_names[lowered])
        return tuple(dict.fromkeys(used))

    def _sqlite_quoted_strings(self, tree: exp.Expression) -> None:
        """SQLite reads "text" as a string when no column has that name; so do we, or many real
        queries (Spider's among them) would be refused for a typo SQLite forgives."""
        known = set().union(*self.column_sets.values()) if self.column_sets else set()
        aliases = {a.alias.lower() for a in tree.find_all(exp.Alias)}
        for column in list(tree.find_all(exp.Column)):
            identifier = column.this
            if (
                not column.table and isinstance(identifier, exp.Identifier) and identifier.quoted
                and identifier.name.lower() not in known and identifier.name.lower() not in aliases
            ):
                column.replace(exp.Literal.string(identifier.name))

    # -- personal columns -----------------------------------------------------------------------
    def _hide_personal_stars(self, tree: exp.Expression) -> list[str]:
        """Replace a `*` that would return a personal column by the list of the other columns."""
        notes: list[str] = []
        for select in list(tree.find_all(exp.Select)):
            sources = _direct_sources(select)
            new: list[exp.Expression] = []
            changed = False
            for projection in select.expressions:
                star, qualifier = _star_of(projection)
                if star is None:
                    new.append(projection)
                    continue
                excluded = {c.name.lower() for c in (star.args.get("except_") or star.args.get("except") or [])}
                hidden = [
                    (alias, real) for alias, real in sources
                    if real is not None and (qualifier is None or alias == qualifier)
                    and any((real, c) in self.deny for c in self.column_sets.get(real, ()) if c not in excluded)
                ]
                if not hidden:
                    new.append(projection)
                    continue
                changed = True
                for alias, real in sources:
                    if qualifier is not None and alias != qualifier:
                        continue
                    if real is None:
                        new.append(exp.Column(this=exp.Star(), table=exp.to_identifier(alias)))
                        continue
                    for column in self.columns[real]:
                        lowered = column.lower()
                        if lowered in excluded:
                            continue
                        if (real, lowered) in self.deny:
                            notes.append(f"{real}.{column} is personal data and was left out")
                            continue
                        new.append(exp.column(column, table=alias))
            if changed:
                select.set("expressions", new)
        return list(dict.fromkeys(notes))

    def _check_columns(self, tree: exp.Expression) -> None:
        try:
            qualified = qualify(
                tree.copy(), schema=self._schema, dialect=self.dialect, validate_qualify_columns=True,
                quote_identifiers=False, identify=False,
            )
        except OptimizeError as exc:
            raise SqlRefused("unknown_name", f"{_short(exc)}; use only the columns listed in the schema") from None
        except SqlglotError as exc:
            raise SqlRefused("syntax", f"the query could not be checked: {_short(exc)}") from None
        whole_row = next(qualified.find_all(exp.TableColumn), None) if hasattr(exp, "TableColumn") else None
        if whole_row is not None:
            raise SqlRefused("unknown_name", f"{whole_row.name} is a whole table row, not a column; name the columns instead")
        for scope in traverse_scope(qualified):
            aliases = {s.lower() for s in getattr(scope.expression, "named_selects", [])}
            for column in scope.columns:
                self._resolve(scope, column, aliases)
            if isinstance(scope.expression, exp.Select):
                for projection in scope.expression.expressions:
                    for column in projection.find_all(exp.Column):
                        real = self._real_table(scope, column)
                        if real is not None and (real, column.name.lower()) in self.deny:
                            raise SqlRefused(
                                "personal",
                                f"{real}.{column.name} is personal data: it may be used to filter rows "
                                "but is never shown",
                            )

    def _resolve(self, scope: Scope, column: exp.Column, aliases: set[str]) -> None:
        name = column.name.lower()
        if isinstance(column.this, exp.Star):
            return
        if not column.table:
            if name in aliases:
                return  # ORDER BY / HAVING on an output alias
            raise SqlRefused("unknown_name", f"{column.name} is not a column of the tables in this query")
        source = scope.sources.get(column.table)
        if isinstance(source, exp.Table):
            real = source.name.lower()
            if real in self.column_sets and name not in self.column_sets[real]:
                raise SqlRefused("unknown_name", f"table {real} has no column {column.name}")
        elif isinstance(source, Scope):
            outputs = {s.lower() for s in getattr(source.expression, "named_selects", [])}
            if "*" not in outputs and outputs and name not in outputs:
                raise SqlRefused("unknown_name", f"{column.table} has no column {column.name}")

    def _real_table(self, scope: Scope, column: exp.Column) -> str | None:
        source = scope.sources.get(column.table)
        if isinstance(source, exp.Table) and source.name.lower() in self.column_sets:
            return source.name.lower()
        return None

    # -- limit ----------------------------------------------------------------------------------
    def _apply_limit(self, tree: exp.Query) -> int:
        limit = tree.args.get("limit")
        if isinstance(limit, exp.Limit):
            wanted = _literal_int(limit.expression)
        elif isinstance(limit, exp.Fetch):  # FETCH FIRST n ROWS ONLY lands in the same slot
            wanted = _literal_int(limit.args.get("count"))
        else:
            wanted = None
        final = self.row_cap if wanted is None else max(0, min(wanted, self.row_cap))
        tree.set("limit", exp.Limit(expression=exp.Literal.number(final)))
        return final


def _direct_sources(select: exp.Select) -> list[tuple[str, str | None]]:
    """(alias, real table name or None for a derived table) for the FROM and JOIN items."""
    items: list[exp.Expression] = []
    from_ = select.args.get("from_") or select.args.get("from")
    if from_ is not None:
        items.append(from_.this)
    items += [join.this for join in select.args.get("joins") or []]
    out: list[tuple[str, str | None]] = []
    for item in items:
        alias = item.alias_or_name.lower()
        if isinstance(item, exp.Table) and isinstance(item.this, exp.Identifier):
            out.append((alias, item.name.lower()))
        else:
            out.append((alias, None))
    return out


def _star_of(projection: exp.Expression) -> tuple[exp.Star | None, str | None]:
    if isinstance(projection, exp.Star):
        return projection, None
    if isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
        return projection.this, projection.table.lower()
    return None, None


def _function_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower()


def _literal_int(node: exp.Expression | None) -> int | None:
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return int(float(node.this))
        except ValueError:
            return None
    return None


def _statement_word(node: exp.Expression) -> str:
    if isinstance(node, exp.Command):
        return str(node.this).upper()
    return _STATEMENT_WORDS.get(type(node).__name__, type(node).__name__.upper())


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _short(exc: Exception) -> str:
    text = " ".join(_ANSI.sub("", str(exc)).split())
    return text[:300]
