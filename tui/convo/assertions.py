"""Assertions over one turn's typed event stream.

Each check reads the events `Session.send` yielded for the turn and returns None when the
expectation holds, or a sentence saying what happened instead. The runner adds which turn
and which expectation, so every failure names all three.

Conventions that agents follow so a conversation can assert on them:
- clarify: the router's RouteDecided has agent "clarify" or stage "clarify".
- cites: a Notice message, a ToolResult content or the answer names the source as
  "FILE p.N" (also "FILE, page N", "FILE pp.N-M"); a source list such as
  "[1] annual-report.pdf p.12" satisfies {file: annual-report.pdf, page: 12}.
- plan.mode: a Notice message or the RouteDecided reason says "mode MODE" (also "mode: MODE",
  "Mode tot, because…"), or the planner's summary notice starts with it ("tot/bfs (b=2…): 9 nodes");
  plan.min_nodes counts distinct PlanNode ids (a node is re-sent when its score or state changes).
- sql_contains: the SQL is ToolCall.arguments["sql"] or TableResult.sql; every fragment must
  appear (case-insensitive) in one statement.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import BaseModel

from agents.events import (
    AgentStarted,
    ChartResult,
    Error,
    Event,
    Notice,
    PlanNode,
    RouteDecided,
    TableResult,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnDone,
)
from tui.convo.format import (
    ChartExpect,
    CiteExpect,
    Expectations,
    LatencyExpect,
    PlanExpect,
    TableExpect,
)


class Failure(BaseModel):
    turn: int  # 1-based
    user: str
    expectation: str
    message: str

    def __str__(self) -> str:
        return f"turn {self.turn} ({shorten(self.user)!r}) · {self.expectation}: {self.message}"


def shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class TurnRecord:
    """What one turn did: its events and how long it took."""

    index: int  # 0-based
    user: str
    events: list[Event] = field(default_factory=list)
    elapsed_ms: float = 0.0

    @cached_property
    def answer(self) -> str:
        return "".join(e.text for e in self.events if isinstance(e, TextDelta))

    @cached_property
    def route(self) -> RouteDecided | None:
        return next((e for e in self.events if isinstance(e, RouteDecided)), None)

    @cached_property
    def status(self) -> str:
        done = next((e for e in reversed(self.events) if isinstance(e, TurnDone)), None)
        if done is not None:
            return done.status
        return "ignored" if not self.events else "unfinished"

    @cached_property
    def latency_ms(self) -> float:
        done = next((e for e in reversed(self.events) if isinstance(e, TurnDone)), None)
        return done.elapsed_ms if done is not None else self.elapsed_ms

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


def _route_text(record: TurnRecord) -> str:
    r = record.route
    if r is None:
        return "no route was decided (the turn had no RouteDecided event)"
    return f"{r.agent} (stage {r.stage}, confidence {r.confidence:.2f}: {r.reason})"


def _quote(text: str, limit: int = 160) -> str:
    return repr(shorten(text, limit)) if text else "an empty answer"


def check_route(want: list[str], record: TurnRecord) -> str | None:
    if record.route is not None and record.route.agent in want:
        return None
    return f"expected {' or '.join(want)}, routed to {_route_text(record)}"


def check_stage(want: list[str], record: TurnRecord) -> str | None:
    if record.route is not None and record.route.stage in want:
        return None
    return f"expected stage {' or '.join(want)}, decided by {_route_text(record)}"


def is_clarify(record: TurnRecord) -> bool:
    return record.route is not None and "clarify" in (record.route.agent, record.route.stage)


def check_clarify(want: bool, record: TurnRecord) -> str | None:
    if is_clarify(record) == want:
        return None
    if want:
        return f"expected the router to ask a clarifying question; it routed to {_route_text(record)}"
    return "expected a routed answer; the router asked a clarifying question instead"


def check_contains(want: list[str], record: TurnRecord) -> str | None:
    lower = record.answer.lower()
    missing = [w for w in want if w.lower() not in lower]
    if not missing:
        return None
    return f"the answer lacks {', '.join(repr(m) for m in missing)}; it was {_quote(record.answer)}"


def check_not_contains(banned: list[str], record: TurnRecord) -> str | None:
    lower = record.answer.lower()
    found = [w for w in banned if w.lower() in lower]
    if not found:
        return None
    return f"the answer contains {', '.join(repr(f) for f in found)}: {_quote(record.answer)}"


def check_regex(patterns: list[str], record: TurnRecord) -> str | None:
    failed = []
    for pattern in patterns:
        try:
            if not re.search(pattern, record.answer, re.IGNORECASE | re.MULTILINE):
                failed.append(pattern)
        except re.error as exc:
            return f"the pattern {pattern!r} is not a valid regular expression ({exc})"
    if not failed:
        return None
    return f"no match for {', '.join(repr(p) for p in failed)} in {_quote(record.answer)}"


def check_equals(want: str, record: TurnRecord) -> str | None:
    if record.answer.strip() == want.strip():
        return None
    return f"expected exactly {want.strip()!r}, got {_quote(record.answer)}"


def _tools(record: TurnRecord) -> list[str]:
    return [e.tool for e in record.of(ToolCall)]


def check_tool_called(want: list[str], record: TurnRecord) -> str | None:
    called = _tools(record)
    missing = [t for t in want if t not in called]
    if not missing:
        return None
    return f"{', '.join(missing)} was not called; tools called: {', '.join(called) or 'none'}"


def check_tool_not_called(banned: list[str], record: TurnRecord) -> str | None:
    called = [t for t in _tools(record) if t in banned]
    return None if not called else f"{', '.join(sorted(set(called)))} was called"


def sql_statements(record: TurnRecord) -> list[str]:
    out = [str(e.arguments["sql"]) for e in record.of(ToolCall) if isinstance(e.arguments.get("sql"), str)]
    out += [e.sql for e in record.of(TableResult) if e.sql]
    return out


def check_sql_contains(fragments: list[str], record: TurnRecord) -> str | None:
    statements = sql_statements(record)
    if not statements:
        return "no SQL was run (no ToolCall with an `sql` argument, no TableResult with sql)"
    for sql in statements:
        if all(f.lower() in sql.lower() for f in fragments):
            return None
    best = max(statements, key=lambda s: sum(f.lower() in s.lower() for f in fragments))
    missing = [f for f in fragments if f.lower() not in best.lower()]
    return f"no statement holds all of {fragments}; the closest lacks {missing}: {shorten(best, 200)!r}"


def check_table(want: TableExpect, record: TurnRecord) -> str | None:
    tables = record.of(TableResult)
    if not tables:
        return "the turn showed no table"
    table = tables[-1]
    n = len(table.rows)
    problems = []
    if want.rows is not None and n != want.rows:
        problems.append(f"expected {want.rows} rows, got {n}")
    if want.min_rows is not None and n < want.min_rows:
        problems.append(f"expected at least {want.min_rows} rows, got {n}")
    if want.max_rows is not None and n > want.max_rows:
        problems.append(f"expected at most {want.max_rows} rows, got {n}")
    have = [c.lower() for c in table.columns]
    missing = [c for c in want.columns if c.lower() not in have]
    if missing:
        problems.append(f"columns {missing} are missing (columns: {table.columns})")
    return "; ".join(problems) or None


def check_chart(want: ChartExpect, record: TurnRecord) -> str | None:
    kinds = [e.kind for e in record.of(ChartResult)]
    if want.kind.lower() in (k.lower() for k in kinds):
        return None
    return f"expected a {want.kind} chart, got {', '.join(kinds) if kinds else 'no chart'}"


_PAGE = r"(?:pp?\.?|pages?)\s*(\d+)(?:\s*[-–]\s*(\d+))?"


def cite_texts(record: TurnRecord) -> list[str]:
    texts = [e.message for e in record.of(Notice)] + [e.content for e in record.of(ToolResult)]
    return [*texts, record.answer]


def cites(text: str, cite: CiteExpect) -> bool:
    name = re.escape(cite.file.rsplit("/", 1)[-1])
    if cite.page is None:
        return re.search(name, text, re.IGNORECASE) is not None
    for match in re.finditer(rf"{name}[^\n]{{0,40}}?\b{_PAGE}", text, re.IGNORECASE):
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first <= cite.page <= last:
            return True
    return False


def check_cites(want: list[CiteExpect], record: TurnRecord) -> str | None:
    texts = cite_texts(record)
    missing = [c for c in want if not any(cites(t, c) for t in texts)]
    if not missing:
        return None
    names = ", ".join(f"{c.file}" + (f" p.{c.page}" if c.page is not None else "") for c in missing)
    sources = [shorten(t, 120) for t in texts[:-1] if t] or ["none"]
    return f"{names} was not cited; sources shown: {'; '.join(sources)}"


def check_plan(want: PlanExpect, record: TurnRecord) -> str | None:
    problems = []
    # The planner re-sends a node each time its score or state changes: count nodes, not updates.
    nodes = {e.node_id for e in record.of(PlanNode)}
    if want.min_nodes is not None and len(nodes) < want.min_nodes:
        problems.append(f"expected at least {want.min_nodes} plan nodes, got {len(nodes)}")
    if want.mode is not None:
        mode = re.escape(want.mode)
        pattern = re.compile(rf"\bmode\s*[:=]?\s*`?{mode}\b", re.IGNORECASE)
        # A mode the user typed (`/plan cot …`) gets no "Mode cot, because" notice; the planner's
        # closing summary names it instead: "cot: 4 nodes, …" or "tot/bfs (b=2, d=3, k=2): 9 nodes, …".
        summary = re.compile(rf"^{mode}(?:/\w+)?(?:\s*\([^)]*\))?:\s*\d+ nodes\b", re.IGNORECASE)
        said = [e.message for e in record.of(Notice)] + ([record.route.reason] if record.route else [])
        if not any(pattern.search(text) or summary.search(text) for text in said):
            problems.append(f"no notice says mode {want.mode} (notices: {[shorten(s, 80) for s in said] or 'none'})")
    return "; ".join(problems) or None


def check_latency(want: LatencyExpect, record: TurnRecord) -> str | None:
    ms = record.latency_ms
    if want.max is not None and ms > want.max:
        return f"took {ms:.0f} ms, more than {want.max:.0f} ms"
    if want.min is not None and ms < want.min:
        return f"took {ms:.0f} ms, less than {want.min:.0f} ms"
    return None


# For `events: [tool_call:run_sql]`: which field the part after the colon is compared with.
_DETAIL_FIELD = {
    "tool_call": "tool", "tool_result": "tool", "route_decided": "agent", "agent_started": "agent",
    "error": "kind", "chart_result": "kind", "notice": "level", "turn_done": "status", "plan_node": "state",
}


def _event_label(event: Event) -> str:
    detail = _DETAIL_FIELD.get(event.type)
    return f"{event.type}:{getattr(event, detail)}" if detail else event.type


def _normalise_type(name: str) -> str:
    return name.replace("_", "").lower()


def _matches(spec: str, event: Event) -> bool:
    kind, _, detail = spec.partition(":")
    if _normalise_type(kind) != _normalise_type(event.type):
        return False
    if not detail:
        return True
    field_name = _DETAIL_FIELD.get(event.type)
    return field_name is not None and str(getattr(event, field_name)).lower() == detail.strip().lower()


def _collapse(labels: list[str]) -> list[str]:
    """text_delta ×42 instead of 42 entries."""
    out: list[str] = []
    for label in labels:
        if out and out[-1].split(" ×")[0] == label:
            head, _, count = out[-1].partition(" ×")
            out[-1] = f"{head} ×{int(count or 1) + 1}"
        else:
            out.append(label)
    return out


def check_events(want: list[str], record: TurnRecord) -> str | None:
    position = 0
    for i, spec in enumerate(want):
        while position < len(record.events) and not _matches(spec, record.events[position]):
            position += 1
        if position == len(record.events):
            seen = ", ".join(_collapse([_event_label(e) for e in record.events])) or "no events"
            after = f" after {want[i - 1]}" if i else ""
            return f"no {spec}{after} (expected the sequence {want}); the turn's events: {seen}"
        position += 1
    return None


def check_status(want: str, record: TurnRecord) -> str | None:
    if record.status == want:
        return None
    errors = [e.message for e in record.of(Error)]
    why = f" ({'; '.join(errors)})" if errors else ""
    return f"expected the turn to end {want}, it ended {record.status}{why}"


def check_error(want: str, record: TurnRecord) -> str | None:
    kinds = [e.kind for e in record.of(Error)]
    if want.lower() == "none":
        return None if not kinds else f"expected no error, got {', '.join(kinds)}: {record.of(Error)[0].message}"
    if want in kinds:
        return None
    return f"expected an error of kind {want}, got {', '.join(kinds) if kinds else 'no error'}"


def check_notice(want: list[str], record: TurnRecord) -> str | None:
    messages = [e.message for e in record.of(Notice)]
    missing = [w for w in want if not any(w.lower() in m.lower() for m in messages)]
    if not missing:
        return None
    return f"no notice mentions {missing}; notices: {[shorten(m, 100) for m in messages] or 'none'}"


def check_backend(want: list[str], record: TurnRecord) -> str | None:
    backends = [e.backend for e in record.of(AgentStarted)]
    if any(b in want for b in backends):
        return None
    return f"expected the {' or '.join(want)} backend, ran on {', '.join(backends) or 'no backend (no agent started)'}"


CHECKS: dict[str, Callable[[Any, TurnRecord], str | None]] = {
    "route": check_route,
    "stage": check_stage,
    "clarify": check_clarify,
    "contains": check_contains,
    "not_contains": check_not_contains,
    "regex": check_regex,
    "equals": check_equals,
    "tool_called": check_tool_called,
    "tool_not_called": check_tool_not_called,
    "sql_contains": check_sql_contains,
    "table": check_table,
    "chart": check_chart,
    "cites": check_cites,
    "plan": check_plan,
    "latency_ms": check_latency,
    "events": check_events,
    "status": check_status,
    "error": check_error,
    "notice": check_notice,
    "backend": check_backend,
}


def check_turn(expect: Expectations, record: TurnRecord) -> list[Failure]:
    """Every expectation the turn sets except `judge` (which needs a model: see judge.py)."""
    failures = []
    for name in expect.names():
        check = CHECKS.get(name)
        if check is None:
            continue
        message = check(getattr(expect, name), record)
        if message is not None:
            failures.append(Failure(turn=record.index + 1, user=record.user, expectation=name, message=message))
    errors = record.of(Error)
    if failures and errors and "error" not in expect.names():
        # The error is usually why the expectation failed: say it where the failure is read.
        failures[0].message += f" (the turn ended with an error: {errors[0].message})"
    return failures
