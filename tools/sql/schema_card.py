"""SchemaCard: what the model is told about the database, within its context budget.

A card is compact DDL with keys and comments, three sample rows per table, the values of
low-cardinality text columns, and the user's glossary. When the whole card would take more
than the budget (40 % of the model's context, by default), only the tables that matter for the
question go in: those whose names, columns, comments or values the question mentions, then
the tables joined to them.

Profiling (samples and values) is the slow part; it is cached in memory and on disk, keyed by
the schema's fingerprint, so a changed schema rebuilds the card and an unchanged one never does.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tools.sql.engine import DatabaseError, ReadOnlyDatabase
from tools.sql.guard import DEFAULT_DENY_COLUMNS, parse_deny_list
from tools.sql.schema import SchemaInfo, TableInfo

CHARS_PER_TOKEN = 3  # the same rough measure the session uses to budget the context
SAMPLE_ROWS = 3
MAX_DISTINCT = 12
PROFILE_SCAN_ROWS = 20_000
CELL_CHARS = 28
PERSONAL_NOTE = "personal: may filter, never select"
_TEXT_TYPES = ("CHAR", "TEXT", "STRING", "VARCHAR", "ENUM", "CLOB", "NAME")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = {
    "the", "and", "for", "with", "what", "which", "who", "how", "many", "much", "are", "was", "were", "per",
    "each", "show", "list", "give", "from", "that", "this", "have", "has", "all", "top", "by", "of", "in",
    "me", "is", "a", "an", "to", "on", "do", "did", "does", "their", "there", "than", "more", "most", "less",
}


@dataclass
class TableProfile:
    sample_columns: list[str] = field(default_factory=list)
    samples: list[list[str]] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class CardView:
    text: str
    tables: tuple[str, ...]
    total_tables: int
    tokens: int

    @property
    def complete(self) -> bool:
        return len(self.tables) == self.total_tables


def estimate_tokens(text: str) -> int:
    return len(text) // CHARS_PER_TOKEN + 1


def words(text: str) -> set[str]:
    """Lower-case words, each also in a crude singular form, so 'members' meets 'member'."""
    out: set[str] = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOP or len(word) < 2:
            continue
        out.add(word)
        if len(word) > 3 and word.endswith("s"):
            out.add(word[:-1])
    return out


class SchemaCard:
    def __init__(
        self,
        schema: SchemaInfo,
        profiles: dict[str, TableProfile],
        *,
        glossary: str = "",
        deny_columns: Iterable[str] = DEFAULT_DENY_COLUMNS,
    ) -> None:
        self.schema = schema
        self.profiles = profiles
        self.glossary = glossary.strip()
        self.deny = parse_deny_list(deny_columns)
        self._blocks = {name: self._block(table) for name, table in schema.tables.items()}
        self._lean_blocks = {name: self._block(table, samples=False) for name, table in schema.tables.items()}
        self._index = {name: self._table_words(table) for name, table in schema.tables.items()}

    @classmethod
    def build(
        cls,
        db: ReadOnlyDatabase,
        schema: SchemaInfo,
        *,
        glossary: str = "",
        deny_columns: Iterable[str] = DEFAULT_DENY_COLUMNS,
    ) -> SchemaCard:
        deny = parse_deny_list(deny_columns)
        profiles = {name: profile_table(db, table, deny) for name, table in schema.tables.items()}
        return cls(schema, profiles, glossary=glossary, deny_columns=deny_columns)

    # -- text --------------------------------------------------------------------------------------
    def full_text(self) -> str:
        return self._assemble(list(self.schema.tables), note="")

    def render(self, question: str, budget_tokens: int) -> CardView:
        """The whole card when it fits the budget, else the tables relevant to `question`."""
        names = list(self.schema.tables)
        full = self._assemble(names, note="")
        if estimate_tokens(full) <= budget_tokens:
            return CardView(full, tuple(names), len(names), estimate_tokens(full))
        chosen: list[str] = []
        budget_chars = budget_tokens * CHARS_PER_TOKEN
        used = len(self._glossary_text(budget_chars)) + 200  # the header line
        # Keep room to name every table with its columns, when that costs under a fifth of the budget.
        listing = sum(len(self._compact(n)) + 12 for n in names)
        reserve = listing if listing <= budget_chars // 5 else 0
        blocks: dict[str, str] = {}
        for name in self.ranked_tables(question):
            # The full block if it fits, else the block without its sample rows.
            for block in (self._blocks[name], self._lean_blocks[name]):
                if used + len(block) + 1 + reserve <= budget_chars or not chosen:
                    chosen.append(name)
                    blocks[name] = block
                    used += len(block) + 1
                    break
        others = [n for n in names if n not in chosen]
        note = f"-- {len(chosen)} of {len(names)} tables are shown in full, chosen for this question."
        for name in others:  # the rest by name and columns only, while they fit
            line = "\n-- also: " + self._compact(name)
            if used + len(line) > budget_chars:
                break
            note += line
            used += len(line)
        text = self._assemble(chosen, note=note, budget_chars=budget_chars, blocks=blocks)
        return CardView(text, tuple(chosen), len(names), estimate_tokens(text))

    def ranked_tables(self, question: str) -> list[str]:
        """Tables by relevance to the question: the best matches, then the tables that join them
        (a question about members and products needs the receipts in between), then the other
        matches, then their neighbours, then the rest."""
        asked = words(question)
        scores = {name: self._score(name, asked) for name in self.schema.tables}
        hits = sorted((n for n, s in scores.items() if s > 0), key=lambda n: (-scores[n], n))
        core = [n for n in hits if scores[n] >= 0.5 * scores[hits[0]]][:4] if hits else []
        ranked = list(core)
        for i, a in enumerate(core):
            for b in core[i + 1:]:
                for bridge in self._path(a, b):
                    if bridge not in ranked:
                        ranked.append(bridge)
        ranked += [n for n in hits if n not in ranked]
        for name in list(ranked):
            ranked += [n for n in sorted(self.schema.neighbours(name)) if n not in ranked]
        degree = {n: len(self.schema.neighbours(n)) for n in self.schema.tables}
        ranked += sorted((n for n in self.schema.tables if n not in ranked), key=lambda n: (-degree[n], n))
        return ranked

    def _path(self, start: str, goal: str, max_hops: int = 4) -> list[str]:
        """The tables strictly between two tables on a shortest foreign-key path (breadth first)."""
        previous: dict[str, str | None] = {start: None}
        frontier = [start]
        for _ in range(max_hops):
            following = []
            for node in frontier:
                for neighbour in sorted(self.schema.neighbours(node)):
                    if neighbour not in previous:
                        previous[neighbour] = node
                        following.append(neighbour)
            if goal in previous:
                path, node = [], previous[goal]
                while node is not None and node != start:
                    path.append(node)
                    node = previous[node]
                return list(reversed(path))
            frontier = following
        return []

    def _compact(self, name: str) -> str:
        table = self.schema.tables[name]
        return f"{name}({', '.join(c.name for c in table.columns)})"

    def _score(self, name: str, asked: set[str]) -> float:
        index = self._index[name]
        return (
            4.0 * len(asked & index["name"])
            + 2.0 * len(asked & index["columns"])
            + 1.0 * len(asked & index["comments"])
            + 3.0 * len(asked & index["values"])
        )

    def _table_words(self, table: TableInfo) -> dict[str, set[str]]:
        profile = self.profiles.get(table.name, TableProfile())
        return {
            "name": words(table.name.replace("_", " ")) | {table.name.lower()},
            "columns": set().union(*(words(c.name.replace("_", " ")) for c in table.columns)) if table.columns else set(),
            "comments": words(" ".join([table.comment] + [c.comment for c in table.columns])),
            "values": set().union(*(words(" ".join(v)) for v in profile.values.values())) if profile.values else set(),
        }

    def _assemble(
        self, names: list[str], note: str, budget_chars: int | None = None, blocks: dict[str, str] | None = None
    ) -> str:
        parts = [f"-- {self.schema.dialect} database"]
        if note:
            parts.append(note)
        parts += [(blocks or self._blocks)[n] for n in names]
        glossary = self._glossary_text(budget_chars)
        if glossary:
            parts.append(glossary)
        return "\n".join(parts)

    def _glossary_text(self, budget_chars: int | None) -> str:
        if not self.glossary:
            return ""
        text = self.glossary
        if budget_chars is not None and len(text) > budget_chars // 4:
            text = text[: budget_chars // 4].rsplit("\n", 1)[0] + "\n…"
        return "-- Glossary (the words of this business):\n" + "\n".join(f"-- {line}" for line in text.splitlines())

    def _block(self, table: TableInfo, samples: bool = True) -> str:
        profile = self.profiles.get(table.name, TableProfile())
        lines = [f"-- {table.comment}"] if table.comment else []
        lines.append(f"CREATE {'VIEW' if table.is_view else 'TABLE'} {table.name} (")
        fk_of = {fk.columns[0].lower(): fk for fk in table.foreign_keys if len(fk.columns) == 1}
        single_pk = table.primary_key[0].lower() if len(table.primary_key) == 1 else None
        unique = {u[0].lower() for u in table.unique if len(u) == 1}
        column_lines = []
        for column in table.columns:
            lowered = column.name.lower()
            text = f"  {column.name} {column.type}"
            if lowered == single_pk:
                text += " PRIMARY KEY"
            elif lowered in unique:
                text += " UNIQUE"
            if not column.nullable and lowered != single_pk:
                text += " NOT NULL"
            fk = fk_of.get(lowered)
            if fk is not None:
                text += f" REFERENCES {fk.ref_table}({fk.ref_columns[0] if fk.ref_columns else ''})"
            notes = [column.comment] if column.comment else []
            if (table.name.lower(), lowered) in self.deny:
                notes.append(PERSONAL_NOTE)
                notes = [n.replace(" (personal data)", "") for n in notes]
            elif profile.values.get(column.name) and not _all_in(profile.values[column.name], column.comment):
                notes.append("values: " + ", ".join(repr(v) for v in profile.values[column.name]))
            column_lines.append((text, notes))
        extra = []
        if len(table.primary_key) > 1:
            extra.append(f"  PRIMARY KEY ({', '.join(table.primary_key)})")
        for fk in table.foreign_keys:
            if len(fk.columns) > 1:
                extra.append(f"  FOREIGN KEY ({', '.join(fk.columns)}) REFERENCES {fk.ref_table}({', '.join(fk.ref_columns)})")
        for i, (text, notes) in enumerate(column_lines):
            comma = "," if i < len(column_lines) - 1 or extra else ""
            lines.append(f"{text}{comma}" + (f" -- {'; '.join(notes)}" if notes else ""))
        lines += [e + ("," if i < len(extra) - 1 else "") for i, e in enumerate(extra)]
        lines.append(");")
        if samples and profile.samples:
            lines.append(f"-- {len(profile.samples)} sample rows: {' | '.join(profile.sample_columns)}")
            lines += [f"--   {' | '.join(row)}" for row in profile.samples]
        return "\n".join(lines)


def _all_in(values: list[str], comment: str) -> bool:
    """True when the comment already names every value (then listing them again wastes tokens)."""
    said = words(comment)
    return bool(said) and all(words(v) <= said for v in values)


def profile_table(db: ReadOnlyDatabase, table: TableInfo, deny: frozenset[tuple[str, str]]) -> TableProfile:
    """Sample rows and the values of low-cardinality text columns, personal columns left out."""
    q = _quoter(db.dialect)
    visible = [c for c in table.columns if (table.name.lower(), c.name.lower()) not in deny]
    profile = TableProfile(sample_columns=[c.name for c in visible])
    if not visible:
        return profile
    source = q(table.name)
    try:
        rows = db.execute(f"SELECT {', '.join(q(c.name) for c in visible)} FROM {source} LIMIT {SAMPLE_ROWS}").rows
        profile.samples = [[_cell(v) for v in row] for row in rows]
        text_columns = [
            c for c in visible
            if any(t in c.type.upper() for t in _TEXT_TYPES) and c.name.lower() not in {k.lower() for k in table.primary_key}
        ]
        if text_columns:
            # DuckDB scans a column of millions of rows in milliseconds; elsewhere, read a slice.
            limit = "" if db.backend == "duckdb" else f" LIMIT {PROFILE_SCAN_ROWS}"
            scan = f"(SELECT {', '.join(q(c.name) for c in text_columns)} FROM {source}{limit}) AS s"
            counts = db.execute(
                "SELECT " + ", ".join(f"COUNT(DISTINCT {q(c.name)})" for c in text_columns) + f" FROM {scan}"
            ).rows[0]
            for column, count in zip(text_columns, counts):
                if count and int(count) <= MAX_DISTINCT:
                    found = db.execute(
                        f"SELECT DISTINCT {q(column.name)} FROM {scan} WHERE {q(column.name)} IS NOT NULL "
                        f"ORDER BY 1 LIMIT {MAX_DISTINCT}"
                    ).rows
                    profile.values[column.name] = [_cell(r[0]) for r in found]
    except DatabaseError:
        pass  # a table we may not read (permissions, odd types) still gets its DDL on the card
    return profile


def _quoter(dialect: str):  # type: ignore[no-untyped-def]
    from sqlglot import exp

    return lambda name: exp.to_identifier(name, quoted=True).sql(dialect=dialect)


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, (datetime, date)):
        text = value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    elif isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, bytes):
        text = f"<{len(value)} bytes>"
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


class SchemaCardCache:
    """Cards by database and schema fingerprint, in memory and (when given a folder) on disk."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._cards: dict[str, SchemaCard] = {}

    def get(
        self, db: ReadOnlyDatabase, schema: SchemaInfo, *, glossary: str = "",
        deny_columns: Iterable[str] = DEFAULT_DENY_COLUMNS,
    ) -> SchemaCard:
        deny = sorted(deny_columns)
        key = hashlib.sha256(
            json.dumps([db.display_url, schema.fingerprint(), glossary, deny]).encode()
        ).hexdigest()[:20]
        if key in self._cards:
            return self._cards[key]
        profiles = self._load(key)
        if profiles is None:
            card = SchemaCard.build(db, schema, glossary=glossary, deny_columns=deny)
            self._save(key, card.profiles)
        else:
            card = SchemaCard(schema, profiles, glossary=glossary, deny_columns=deny)
        self._cards[key] = card
        return card

    def _path(self, key: str) -> Path | None:
        return None if self.folder is None else self.folder / f"card-{key}.json"

    def _load(self, key: str) -> dict[str, TableProfile] | None:
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return {name: TableProfile(**p) for name, p in raw.items()}
        except (ValueError, TypeError):
            return None  # a damaged cache file is rebuilt, never trusted

    def _save(self, key: str, profiles: dict[str, TableProfile]) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({n: asdict(p) for n, p in profiles.items()}), encoding="utf-8")
        except OSError:
            pass  # the cache is an optimisation; a read-only data folder must not stop the agent
