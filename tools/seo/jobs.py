"""The job store: one SQLite file (e.g. <data_dir>/seo/jobs.db) holding every writing job,
the state and output of each of its steps, and a log of every step run.

A step's output is saved the moment the step ends, so a job can be resumed after a crash or a
fix, inspected step by step, or re-run from any step (which resets that step and the ones
after it; their old outputs stay in the run log).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

STEPS: tuple[str, ...] = ("brief", "crawl", "inspirations", "keywords", "outline", "draft", "meta", "audit", "revise")
StepState = Literal["pending", "running", "done", "failed", "waiting"]
JobState = Literal["new", "running", "waiting", "failed", "done"]
# How a checklist shows each step state: the seo agent writes them, the chat UI reads them.
STEP_MARKS: dict[str, str] = {"done": "✓", "failed": "✗", "running": "…", "waiting": "?", "pending": "·"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL,
    brief TEXT NOT NULL, state TEXT NOT NULL, step TEXT, message TEXT NOT NULL DEFAULT '',
    approvals TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS steps (
    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, name TEXT NOT NULL,
    state TEXT NOT NULL, output TEXT, message TEXT NOT NULL DEFAULT '',
    started REAL, finished REAL, attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, name)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, name TEXT NOT NULL,
    state TEXT NOT NULL, output TEXT, message TEXT NOT NULL DEFAULT '', at REAL NOT NULL
);
"""


class StepRecord(BaseModel):
    name: str
    state: StepState
    output: dict[str, Any] | None = None
    message: str = ""
    started: float | None = None
    finished: float | None = None
    attempts: int = 0


class JobRecord(BaseModel):
    id: str
    created: float
    updated: float
    brief: dict[str, Any]
    state: JobState
    step: str | None = None
    message: str = ""
    approvals: dict[str, bool] = {}


class JobNotFound(LookupError):
    pass


class JobStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def _exec(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._db.execute(sql, args)

    # ---- jobs ---------------------------------------------------------------------------

    def create_job(self, brief: dict[str, Any]) -> JobRecord:
        job_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("INSERT INTO jobs (id, created, updated, brief, state) VALUES (?, ?, ?, ?, 'new')",
                             (job_id, now, now, json.dumps(brief)))
            self._db.executemany("INSERT INTO steps (job_id, name, state) VALUES (?, ?, 'pending')",
                                 [(job_id, name) for name in STEPS])
            self._db.execute("COMMIT")
        return self.job(job_id)

    def job(self, job_id: str) -> JobRecord:
        row = self._exec("SELECT id, created, updated, brief, state, step, message, approvals FROM jobs "
                         "WHERE id = ? OR id LIKE ? ORDER BY created DESC", (job_id, f"%{job_id}")).fetchone()
        if row is None:
            raise JobNotFound(f"there is no seo job {job_id!r}; `maitre seo --list` shows the jobs")
        return JobRecord(id=row[0], created=row[1], updated=row[2], brief=json.loads(row[3]), state=row[4],
                         step=row[5], message=row[6], approvals=json.loads(row[7]))

    def jobs(self, limit: int = 20) -> list[JobRecord]:
        ids = [r[0] for r in self._exec("SELECT id FROM jobs ORDER BY created DESC LIMIT ?", (limit,))]
        return [self.job(i) for i in ids]

    def latest(self) -> JobRecord | None:
        found = self.jobs(limit=1)
        return found[0] if found else None

    def set_job(self, job_id: str, *, state: JobState | None = None, step: str | None = None,
                message: str | None = None) -> None:
        job = self.job(job_id)
        self._exec("UPDATE jobs SET state = ?, step = ?, message = ?, updated = ? WHERE id = ?",
                   (state or job.state, step if step is not None else job.step,
                    message if message is not None else job.message, time.time(), job.id))

    def update_brief(self, job_id: str, brief: dict[str, Any]) -> None:
        self._exec("UPDATE jobs SET brief = ?, updated = ? WHERE id = ?", (json.dumps(brief), time.time(), job_id))

    def set_approval(self, job_id: str, gate: str, approved: bool) -> None:
        job = self.job(job_id)
        approvals = dict(job.approvals)
        approvals[gate] = approved
        self._exec("UPDATE jobs SET approvals = ? WHERE id = ?", (json.dumps(approvals), job.id))

    # ---- steps --------------------------------------------------------------------------

    def steps(self, job_id: str) -> list[StepRecord]:
        rows = self._exec("SELECT name, state, output, message, started, finished, attempts FROM steps "
                          "WHERE job_id = ?", (job_id,)).fetchall()
        by_name = {r[0]: StepRecord(name=r[0], state=r[1], output=json.loads(r[2]) if r[2] else None, message=r[3],
                                    started=r[4], finished=r[5], attempts=r[6]) for r in rows}
        return [by_name[name] for name in STEPS if name in by_name]

    def step(self, job_id: str, name: str) -> StepRecord:
        for record in self.steps(job_id):
            if record.name == name:
                return record
        raise KeyError(f"no step named {name!r}; the steps are {', '.join(STEPS)}")

    def output(self, job_id: str, name: str) -> dict[str, Any]:
        record = self.step(job_id, name)
        if record.output is None:
            raise KeyError(f"step {name!r} of job {job_id} has no output yet")
        return record.output

    def start_step(self, job_id: str, name: str) -> None:
        self._exec("UPDATE steps SET state = 'running', started = ?, finished = NULL, message = '', "
                   "attempts = attempts + 1 WHERE job_id = ? AND name = ?", (time.time(), job_id, name))
        self.set_job(job_id, state="running", step=name, message="")

    def finish_step(self, job_id: str, name: str, output: dict[str, Any], message: str = "",
                    state: StepState = "done") -> None:
        now = time.time()
        text = json.dumps(output, ensure_ascii=False)
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("UPDATE steps SET state = ?, output = ?, message = ?, finished = ? "
                             "WHERE job_id = ? AND name = ?", (state, text, message, now, job_id, name))
            self._db.execute("INSERT INTO runs (job_id, name, state, output, message, at) VALUES (?, ?, ?, ?, ?, ?)",
                             (job_id, name, state, text, message, now))
            self._db.execute("COMMIT")

    def fail_step(self, job_id: str, name: str, message: str) -> None:
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("UPDATE steps SET state = 'failed', message = ?, finished = ? WHERE job_id = ? AND name = ?",
                             (message, now, job_id, name))
            self._db.execute("INSERT INTO runs (job_id, name, state, message, at) VALUES (?, ?, 'failed', ?, ?)",
                             (job_id, name, message, now))
            self._db.execute("UPDATE jobs SET state = 'failed', step = ?, message = ?, updated = ? WHERE id = ?",
                             (name, message, now, job_id))
            self._db.execute("COMMIT")

    def reset_from(self, job_id: str, name: str) -> None:
        """Make `name` and every later step pending again (their run log is kept)."""
        later = STEPS[STEPS.index(name):]
        marks = ",".join("?" * len(later))
        self._exec(f"UPDATE steps SET state = 'pending', output = NULL, message = '' "
                   f"WHERE job_id = ? AND name IN ({marks})", (job_id, *later))
        gates = {"outline", "audit"} & set(later)
        for gate in gates:
            self.set_approval(job_id, gate, False)

    def runs(self, job_id: str) -> list[tuple[str, str, str, float]]:
        return [tuple(r) for r in self._exec(  # type: ignore[misc]
            "SELECT name, state, message, at FROM runs WHERE job_id = ? ORDER BY id", (job_id,))]
