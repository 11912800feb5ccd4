from agents.events import (
    AgentStarted, ChartResult, Error, Notice, PlanNode, RouteCandidate, RouteDecided, TableResult, TextDelta,
    ToolCall, ToolResult, TurnDone, TurnStarted, Usage, parse_event,
)

ALL = [
    TurnStarted(turn_id="t", text="hi"),
    RouteDecided(agent="sql", stage="classifier", confidence=0.9, candidates=[RouteCandidate(agent="sql", score=0.9)]),
    AgentStarted(agent="sql", model="m", backend="embedded"),
    TextDelta(text="Hel"),
    ToolCall(call_id="1", tool="run_sql", arguments={"sql": "SELECT 1"}),
    ToolResult(call_id="1", tool="run_sql", content="1 row"),
    TableResult(columns=["a"], rows=[[1], [None]], sql="SELECT 1"),
    ChartResult(kind="bar", text_chart="██"),
    PlanNode(node_id="n1", parent_id=None, depth=0, text="start", score=0.5, state="kept"),
    Notice(message="careful"),
    Usage(prompt_tokens=3, completion_tokens=4),
    Error(kind="model_unreachable", message="start ollama", retryable=True),
    TurnDone(turn_id="t", status="cancelled"),
]


def test_every_event_round_trips_through_json_as_its_own_class():
    for event in ALL:
        back = parse_event(event.model_dump_json())
        assert type(back) is type(event)
        assert back == event


def test_event_types_are_distinct():
    assert len({e.type for e in ALL}) == len(ALL)
