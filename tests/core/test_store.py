import hashlib
import sqlite3
from pathlib import Path

import pytest

from agents.events import Notice, TextDelta, TurnDone, TurnStarted
from router.store import SCHEMA_VERSION, Store, StoreError


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_reopened_store_gives_back_every_turn_and_event(tmp_path):
    path = tmp_path / "maitre.db"
    store = Store(path)
    session = store.new_session()
    store.start_turn(session.id, "t1", "How are you?")
    store.append_events("t1", [TurnStarted(turn_id="t1", text="How are you?")] + [TextDelta(text=w) for w in ["I ", "am ", "fine"]])
    store.append_events("t1", [Notice(message="note"), TurnDone(turn_id="t1")])
    store.finish_turn("t1", status="ok", agent="chat", answer="I am fine", elapsed_ms=3.0)
    store.close()

    reopened = Store(path)
    [info] = reopened.list_sessions()
    assert info.title == "How are you?"
    [turn] = reopened.load_turns(session.id)
    assert (turn.text, turn.agent, turn.answer, turn.status) == ("How are you?", "chat", "I am fine", "ok")
    deltas = [e for e in turn.events if isinstance(e, TextDelta)]
    # Consecutive deltas are merged into one row, with the text intact.
    assert [d.text for d in deltas] == ["I am fine"]
    assert [e.type for e in turn.events] == ["turn_started", "text_delta", "notice", "turn_done"]


def _not_a_database(path: Path) -> None:
    path.write_bytes(b"this is not sqlite at all" * 100)


def _foreign_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")


@pytest.mark.parametrize(
    "make, message",
    [(_not_a_database, "not a maitre store or is damaged"), (_foreign_sqlite, "not a maitre store")],
)
def test_a_file_that_is_not_a_maitre_store_is_refused_and_left_untouched(tmp_path, make, message):
    path = tmp_path / "maitre.db"
    make(path)
    before = digest(path)
    with pytest.raises(StoreError, match=message):
        Store(path)
    assert digest(path) == before


def test_a_store_from_a_newer_maitre_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "maitre.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE store_info SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    before = digest(path)
    with pytest.raises(StoreError, match="newer maitre"):
        Store(path)
    assert digest(path) == before


def test_deleting_a_session_removes_its_turns(tmp_path):
    store = Store(tmp_path / "s.db")
    a, b = store.new_session("a"), store.new_session("b")
    store.start_turn(a.id, "t1", "one")
    store.append_events("t1", [TextDelta(text="x")])
    store.delete_session(a.id)
    assert [s.id for s in store.list_sessions()] == [b.id]
    assert store.load_turns(a.id) == []
