"""The conversation store: sessions, turns and every event, in SQLite through SQLAlchemy.

A reloaded chat shows its whole trace because every event is kept, cancelled and failed turns
included. Consecutive text deltas are merged before they are written, so a 500-token answer is
one row, not 500. The file carries a schema version; a file from a newer maitre, or one that is
not a maitre store at all, is refused with a message and never written to.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from agents.events import Event, TextDelta, parse_event

SCHEMA_VERSION = 1

metadata = MetaData()

store_info = Table(
    "store_info",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String, primary_key=True),
    Column("title", String, nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

turns = Table(
    "turns",
    metadata,
    Column("id", String, primary_key=True),
    Column("session_id", String, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("agent", String, nullable=True),
    Column("answer", Text, nullable=False, default=""),
    Column("status", String, nullable=False, default="running"),
    Column("started_at", Float, nullable=False),
    Column("elapsed_ms", Float, nullable=True),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("turn_id", String, ForeignKey("turns.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("type", String, nullable=False),
    Column("payload", Text, nullable=False),
)


class StoreError(RuntimeError):
    """The store file cannot be used; the message says what to do."""


@dataclass(frozen=True)
class SessionInfo:
    id: str
    title: str
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class StoredTurn:
    id: str
    seq: int
    text: str
    agent: str | None
    answer: str
    status: str
    events: tuple[Event, ...]


# Each migration takes the store from version N-1 to N. Version 1 is the first schema, made
# by `create_all`; later versions append a function here and bump SCHEMA_VERSION.
MIGRATIONS: dict[int, str] = {}


def merge_text_deltas(items: Iterable[Event]) -> list[Event]:
    """Join each run of consecutive TextDelta events into one, keeping the first one's time."""
    merged: list[Event] = []
    run: list[TextDelta] = []

    def close_run() -> None:
        if run:
            merged.append(run[0] if len(run) == 1 else TextDelta(text="".join(d.text for d in run), ts=run[0].ts))
            run.clear()

    for item in items:
        if isinstance(item, TextDelta):
            run.append(item)
        else:
            close_run()
            merged.append(item)
    close_run()
    return merged


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{self.path}" if self.path is not None else "sqlite://"
        self.engine: Engine = create_engine(url)
        event.listen(self.engine, "connect", _sqlite_pragmas)
        self._check_and_migrate()

    def _check_and_migrate(self) -> None:
        where = self.path or "memory"
        try:
            with self.engine.connect() as conn:
                tables = {row[0] for row in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
                version: int | None = None
                if "store_info" in tables:
                    row = conn.execute(select(store_info.c.value).where(store_info.c.key == "schema_version")).first()
                    version = int(row[0]) if row else None
        except (DatabaseError, OperationalError, ValueError) as exc:
            raise StoreError(
                f"{where} is not a maitre store or is damaged ({_first_line(exc)}). It was left untouched: "
                "move it aside and maitre will start a new one, or point `store_path` elsewhere."
            ) from None
        if tables and version is None:
            raise StoreError(
                f"{where} is an SQLite file but not a maitre store. It was left untouched: "
                "choose another `store_path`."
            )
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(
                f"{where} was written by a newer maitre (store version {version}, this one reads up to "
                f"{SCHEMA_VERSION}). It was left untouched: upgrade maitre, or point `store_path` elsewhere."
            )
        with self.engine.begin() as conn:
            if version is None:
                # WAL lets the UI read while a turn writes; it is set only on a store we create.
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
                metadata.create_all(conn)
                conn.execute(store_info.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
                return
            for target in range(version + 1, SCHEMA_VERSION + 1):
                conn.exec_driver_sql(MIGRATIONS[target])
            if version < SCHEMA_VERSION:
                conn.execute(
                    store_info.update().where(store_info.c.key == "schema_version").values(value=str(SCHEMA_VERSION))
                )

    # sessions -------------------------------------------------------------------------------
    def new_session(self, title: str = "", session_id: str | None = None) -> SessionInfo:
        now = time.time()
        info = SessionInfo(session_id or uuid.uuid4().hex, title, now, now)
        with self.engine.begin() as conn:
            conn.execute(sessions.insert().values(id=info.id, title=title, created_at=now, updated_at=now))
        return info

    def list_sessions(self) -> list[SessionInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(sessions).order_by(sessions.c.updated_at.desc())).all()
        return [SessionInfo(r.id, r.title, r.created_at, r.updated_at) for r in rows]

    def get_session(self, session_id: str) -> SessionInfo | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(sessions).where(sessions.c.id == session_id)).first()
        return SessionInfo(r.id, r.title, r.created_at, r.updated_at) if r else None

    def rename_session(self, session_id: str, title: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sessions.update().where(sessions.c.id == session_id).values(title=title))

    def delete_session(self, session_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sessions.delete().where(sessions.c.id == session_id))

    # turns ----------------------------------------------------------------------------------
    def start_turn(self, session_id: str, turn_id: str, text_: str) -> None:
        now = time.time()
        with self.engine.begin() as conn:
            seq = conn.execute(
                text("SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE session_id = :s"), {"s": session_id}
            ).scalar_one()
            conn.execute(turns.insert().values(
                id=turn_id, session_id=session_id, seq=seq, text=text_, answer="", status="running", started_at=now
            ))
            conn.execute(sessions.update().where(sessions.c.id == session_id).values(updated_at=now))
            title = conn.execute(select(sessions.c.title).where(sessions.c.id == session_id)).scalar_one()
            if not title:
                conn.execute(sessions.update().where(sessions.c.id == session_id).values(title=_title_from(text_)))

    def append_events(self, turn_id: str, items: list[Event]) -> None:
        if not items:
            return
        with self.engine.begin() as conn:
            start = conn.execute(
                text("SELECT COALESCE(MAX(seq), 0) FROM events WHERE turn_id = :t"), {"t": turn_id}
            ).scalar_one()
            conn.execute(events.insert(), [
                {"turn_id": turn_id, "seq": start + i + 1, "type": e.type, "payload": e.model_dump_json()}
                for i, e in enumerate(merge_text_deltas(items))
            ])

    def finish_turn(self, turn_id: str, *, status: str, agent: str | None, answer: str, elapsed_ms: float) -> None:
        with self.engine.begin() as conn:
            conn.execute(turns.update().where(turns.c.id == turn_id).values(
                status=status, agent=agent, answer=answer, elapsed_ms=elapsed_ms
            ))

    def load_turns(
        self, session_id: str, with_events: bool = True, *, last: int | None = None, before_seq: int | None = None
    ) -> list[StoredTurn]:
        """The chat's turns, oldest first. `with_events=False` skips reading and parsing the
        trace, for callers that need only the texts (a session's history). `last` keeps only
        the newest turns (those before `before_seq`, when given), so a long chat opens at the
        cost of the part on screen."""
        chosen = select(turns.c.id).where(turns.c.session_id == session_id)
        if before_seq is not None:
            chosen = chosen.where(turns.c.seq < before_seq)
        if last is not None:
            chosen = chosen.order_by(turns.c.seq.desc()).limit(last)
        ids = chosen.scalar_subquery() if last is None else select(chosen.subquery().c.id)
        with self.engine.connect() as conn:
            turn_rows = conn.execute(select(turns).where(turns.c.id.in_(ids)).order_by(turns.c.seq)).all()
            event_rows = conn.execute(
                select(events.c.turn_id, events.c.payload)
                .join(turns, turns.c.id == events.c.turn_id)
                .where(turns.c.id.in_(ids))
                .order_by(turns.c.seq, events.c.seq)
            ).all() if with_events else []
        by_turn: dict[str, list[Event]] = {}
        for row in event_rows:
            by_turn.setdefault(row.turn_id, []).append(parse_event(json.loads(row.payload)))
        return [
            StoredTurn(r.id, r.seq, r.text, r.agent, r.answer, r.status, tuple(by_turn.get(r.id, ())))
            for r in turn_rows
        ]

    def count_turns(self, session_id: str, before_seq: int | None = None) -> int:
        query = select(func.count()).select_from(turns).where(turns.c.session_id == session_id)
        if before_seq is not None:
            query = query.where(turns.c.seq < before_seq)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _title_from(text_: str) -> str:
    line = " ".join(text_.split())
    return line[:60] + ("…" if len(line) > 60 else "")


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", exc)).splitlines()[0]
