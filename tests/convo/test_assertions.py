"""Each assertion over a turn's typed events: it passes on the right events, and its failure
says what happened instead."""

import pytest

from agents.events import (
    AgentStarted, ChartResult, Error, Notice, PlanNode, RouteCandidate, RouteDecided, TableResult, TextDelta,
    ToolCall, ToolResult, TurnDone, TurnStarted, Usage,
)
from tui.convo.assertions import TurnRecord, check_turn
from tui.convo.format import Expectations


def sql_turn() -> TurnRecord:
    events = [
        TurnStarted(turn_id="t", text="How many gold members?"),
        RouteDecided(agent="sql", stage="classifier", confidence=0.91, candidates=[RouteCandidate(agent="sql", score=0.91)],
                     reason="closest to sql's examples"),
        AgentStarted(agent="sql", model="m", backend="replay"),
        ToolCall(call_id="1", tool="run_sql", arguments={"sql": "SELECT count(*) FROM members WHERE tier = 'gold'"}),
        ToolResult(call_id="1", tool="run_sql", content="1 row"),
        TableResult(columns=["city", "members"], rows=[["Lyon", 3], ["Paris", 5]], sql="SELECT city, count(*) FROM members GROUP BY city"),
        ChartResult(kind="bar", title="Members by city"),
        Notice(message="Sources: [1] annual-report-2023.pdf p.12; [2] q3-results.pdf, pages 4-6"),
        TextDelta(text="There are 8 "), TextDelta(text="gold members."),
        Usage(prompt_tokens=10, completion_tokens=4),
        TurnDone(turn_id="t", status="ok", elapsed_ms=120.0),
    ]
    return TurnRecord(index=1, user="How many gold members?", events=events, elapsed_ms=130)


def failures(expect: dict, record: TurnRecord | None = None) -> list[str]:
    record = record or sql_turn()
    return [f"{f.expectation}: {f.message}" for f in check_turn(Expectations.model_validate(expect), record)]


PASSING = [
    {"route": "sql"}, {"route": ["pdf", "sql"]}, {"stage": "classifier"}, {"clarify": False},
    {"contains": ["GOLD", "8"]}, {"not_contains": ["error", "traceback"]}, {"regex": r"\d+ gold"},
    {"equals": "There are 8 gold members. "}, {"tool_called": "run_sql"}, {"tool_not_called": "web_search"},
    {"sql_contains": ["tier", "gold"]}, {"sql_contains": ["group by", "city"]},
    {"table": {"min_rows": 1, "max_rows": 2, "rows": 2, "columns": ["City"]}}, {"chart": "bar"},
    {"cites": [{"file": "annual-report-2023.pdf", "page": 12}, "q3-results.pdf p.5", {"file": "q3-results.pdf"}]},
    {"latency_ms": {"max": 500, "min": 100}},
    {"events": ["route_decided:sql", "tool_call:run_sql", "table_result", "TextDelta", "turn_done:ok"]},
    {"status": "ok"}, {"error": "none"}, {"notice": "sources"}, {"backend": ["ollama", "replay"]},
]


@pytest.mark.parametrize("expect", PASSING, ids=lambda e: next(iter(e)))
def test_expectations_that_hold_pass(expect):
    assert failures(expect) == []


FAILING = [
    ({"route": "pdf"}, "route: expected pdf, routed to sql (stage classifier, confidence 0.91"),
    ({"stage": "explicit"}, "stage: expected stage explicit, decided by sql"),
    ({"clarify": True}, "clarify: expected the router to ask a clarifying question; it routed to sql"),
    ({"contains": ["silver"]}, "contains: the answer lacks 'silver'; it was 'There are 8 gold members.'"),
    ({"not_contains": ["gold"]}, "not_contains: the answer contains 'gold'"),
    ({"regex": r"^\d+$"}, "regex: no match for '^\\\\d+$'"),
    ({"equals": "8"}, "equals: expected exactly '8', got 'There are 8 gold members.'"),
    ({"tool_called": ["make_chart"]}, "tool_called: make_chart was not called; tools called: run_sql"),
    ({"tool_not_called": "run_sql"}, "tool_not_called: run_sql was called"),
    ({"sql_contains": ["tier", "silver"]}, "sql_contains: no statement holds all of ['tier', 'silver']; the closest lacks ['silver']"),
    ({"table": {"min_rows": 5, "columns": ["revenue"]}}, "table: expected at least 5 rows, got 2; columns ['revenue'] are missing"),
    ({"chart": "pie"}, "chart: expected a pie chart, got bar"),
    ({"cites": "annual-report-2023.pdf p.13"}, "cites: annual-report-2023.pdf p.13 was not cited; sources shown: Sources: [1]"),
    ({"plan": {"min_nodes": 3, "mode": "tot"}}, "plan: expected at least 3 plan nodes, got 0; no notice says mode tot"),
    ({"latency_ms": 50}, "latency_ms: took 120 ms, more than 50 ms"),
    ({"events": ["table_result", "tool_call"]}, "events: no tool_call after table_result (expected the sequence"),
    ({"status": "error"}, "status: expected the turn to end error, it ended ok"),
    ({"error": "model_unreachable"}, "error: expected an error of kind model_unreachable, got no error"),
    ({"notice": "incomplete"}, "notice: no notice mentions ['incomplete']"),
    ({"backend": "embedded"}, "backend: expected the embedded backend, ran on replay"),
]


@pytest.mark.parametrize(("expect", "message"), FAILING, ids=lambda x: next(iter(x)) if isinstance(x, dict) else "")
def test_expectations_that_fail_say_what_happened(expect, message):
    [failure] = failures(expect)
    assert failure.startswith(message), failure


def test_a_failure_names_the_turn_the_expectation_and_what_happened():
    [failure] = check_turn(Expectations(route=["pdf"]), sql_turn())
    assert str(failure).startswith("turn 2 ('How many gold members?') · route: expected pdf, routed to sql")


def test_the_events_failure_lists_the_turns_events_compactly():
    [failure] = failures({"events": ["error"]})
    assert "text_delta ×2" in failure and "tool_call:run_sql" in failure


def test_plan_mode_and_nodes_follow_the_planner_convention():
    events = [
        RouteDecided(agent="planner", stage="classifier", confidence=0.8),
        Notice(message="Mode tot, because the puzzle has many paths."),
        *[PlanNode(node_id=str(i), depth=1) for i in range(4)],
        TurnDone(turn_id="t"),
    ]
    record = TurnRecord(index=0, user="make 24 from 4 7 8 8", events=events)
    assert failures({"plan": {"mode": "tot", "min_nodes": 4}}, record) == []
    assert failures({"plan": {"mode": "cot"}}, record)[0].startswith("plan: no notice says mode cot")


def test_min_nodes_counts_nodes_not_their_updates():
    # A node scored then pruned is sent three times; the tree still has two nodes.
    updates = [PlanNode(node_id=n, depth=1, state=s) for n in ("n1", "n2") for s in ("proposed", "proposed", "pruned")]
    record = TurnRecord(index=0, user="make 24", events=[*updates, TurnDone(turn_id="t")])
    assert failures({"plan": {"min_nodes": 2}}, record) == []
    assert failures({"plan": {"min_nodes": 3}}, record) == ["plan: expected at least 3 plan nodes, got 2"]


@pytest.mark.parametrize("summary, mode, passes", [
    ("tot/bfs (b=2, d=3, k=2): 9 nodes, 1,200 tokens, 9 model calls, 4.0 s.", "tot", True),
    ("cot: 4 nodes, 300 tokens, 1 model calls, 1.0 s.", "cot", True),
    ("branches (5 chains, majority vote): 6 nodes, 900 tokens, 5 model calls, 2.0 s.", "branches", True),
    ("cot: 4 nodes, 300 tokens, 1 model calls, 1.0 s.", "tot", False),
    ("Planner settings: tot is not a number.", "tot", False),
])
def test_a_mode_the_user_typed_is_read_from_the_planners_summary(summary, mode, passes):
    # `/plan cot …` chooses the mode, so no "Mode cot, because" notice exists: only the summary.
    record = TurnRecord(index=0, user=f"/plan {mode} how long?", events=[
        RouteDecided(agent="planner", stage="explicit", confidence=1.0, reason="the turn starts with @planner"),
        Notice(message=summary), TurnDone(turn_id="t"),
    ])
    assert (failures({"plan": {"mode": mode}}, record) == []) is passes


def test_clarify_and_errors_and_ignored_turns():
    clarify = TurnRecord(index=0, user="show me", events=[
        RouteDecided(agent="clarify", stage="llm", confidence=0.4, reason="sql or pdf?"),
        Error(kind="model_unreachable", message="Ollama at http://x is not answering."),
        TurnDone(turn_id="t", status="error"),
    ])
    assert failures({"clarify": True, "error": "model_unreachable", "status": "error"}, clarify) == []
    assert failures({"error": "none"}, clarify) == ["error: expected no error, got model_unreachable: Ollama at http://x is not answering."]
    ignored = TurnRecord(index=0, user="   ", events=[])
    assert failures({"status": "ignored", "events": []}, ignored) == []
    assert failures({"status": "ok"}, ignored) == ["status: expected the turn to end ok, it ended ignored"]


def test_sql_and_table_expectations_on_a_turn_without_sql_say_so():
    chat = TurnRecord(index=0, user="hi", events=[TextDelta(text="hello")])
    assert failures({"sql_contains": "select"}, chat) == [
        "sql_contains: no SQL was run (no ToolCall with an `sql` argument, no TableResult with sql)"]
    assert failures({"table": {"min_rows": 1}}, chat) == ["table: the turn showed no table"]
    assert failures({"regex": "("}, chat)[0].startswith("regex: the pattern '(' is not a valid regular expression")
