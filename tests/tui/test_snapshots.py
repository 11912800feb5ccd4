"""Pictures of the main screens (pytest-textual-snapshot): what a user sees, compared with the
accepted SVGs in __snapshots__/. After a deliberate change of the look, review and accept with
`pytest tests/tui/test_snapshots.py --snapshot-update`.

Every chat here is built from stored events with fixed timings, so a picture never depends on
the clock or the machine's speed.
"""

from __future__ import annotations

from agents.events import (
    AgentStarted,
    Event,
    PlanNode,
    RouteCandidate,
    RouteDecided,
    TableResult,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnDone,
    TurnStarted,
)
from tools.models import ModelConfig, ModelHub
from tools.models.hub import BackendChoice
from tui.app import MaitreApp
from tui.runtime import build_runtime
from tui.widgets.messages import AnswerMessage, UserMessage

SIZE = (110, 32)
SQL = "SELECT city, count(*) AS members FROM members WHERE tier = 'gold' GROUP BY city ORDER BY members DESC"


def route(agent: str, score: float) -> RouteDecided:
    return RouteDecided(
        agent=agent, stage="classifier", confidence=score, threshold=0.55, elapsed_ms=0.4,
        reason=f"classifier: {agent} {score:.2f} ≥ 0.55",
        candidates=[RouteCandidate(agent=agent, score=score), RouteCandidate(agent="chat", score=round(1 - score, 2))],
    )


def store_turn(store, session_id: str, number: int, text: str, events: list[Event]) -> None:  # type: ignore[no-untyped-def]
    turn_id = f"{session_id}-{number}"
    agent = next(e.agent for e in events if isinstance(e, RouteDecided))
    answer = "".join(e.text for e in events if isinstance(e, TextDelta))
    store.start_turn(session_id, turn_id, text)
    store.append_events(turn_id, [TurnStarted(turn_id=turn_id, text=text), *events,
                                  TurnDone(turn_id=turn_id, elapsed_ms=812.0)])
    store.finish_turn(turn_id, status="ok", agent=agent, answer=answer, elapsed_ms=812.0)


def sql_turn() -> list[Event]:
    rows = [["Oslo", 41], ["Lyon", 37], ["Porto", 22], ["Gdansk", 19]]
    return [
        route("sql", 0.91),
        AgentStarted(agent="sql", model="SmolLM2-135M-Instruct", backend="embedded"),
        ToolCall(call_id="c1", tool="run_sql", arguments={"sql": SQL, "attempt": 1}),
        ToolResult(call_id="c1", tool="run_sql", content="4 rows"),
        TableResult(columns=["city", "members"], rows=rows, sql=SQL),
        TextDelta(text="Oslo has the most **gold** members (41), then Lyon (37)."),
    ]


def plan_turn() -> list[Event]:
    nodes = [
        PlanNode(node_id="r", text="4 9 10 13", state="kept"),
        PlanNode(node_id="a", parent_id="r", depth=1, text="13 - 9 = 4 (left: 4 4 10)", score=0.8, state="kept"),
        PlanNode(node_id="b", parent_id="r", depth=1, text="10 - 4 = 6 (left: 6 9 13)", score=0.3, state="pruned"),
        PlanNode(node_id="c", parent_id="a", depth=2, text="10 - 4 = 6 (left: 4 6)", score=0.9, state="chosen"),
        PlanNode(node_id="d", parent_id="c", depth=3, text="4 * 6 = 24", score=1.0, state="chosen"),
    ]
    return [route("planner", 0.88), AgentStarted(agent="planner", model="SmolLM2-135M-Instruct", backend="embedded"),
            *nodes, TextDelta(text="(13 - 9) * (10 - 4) = 24")]


def make_app(replay_runtime, settings, turns: dict[str, list[Event]] | None = None, title: str = "gold members"):  # type: ignore[no-untyped-def]
    runtime = replay_runtime([])
    session_id = None
    if turns:
        session_id = runtime.store.new_session(title).id
        for number, (text, events) in enumerate(turns.items()):
            store_turn(runtime.store, session_id, number, text, events)
    return MaitreApp(runtime, session_id)


def test_empty_chat(snap_compare, replay_runtime, settings):
    assert snap_compare(make_app(replay_runtime, settings), terminal_size=SIZE)


def test_streaming_answer(snap_compare, replay_runtime, settings):
    app = make_app(replay_runtime, settings)

    async def half_an_answer(pilot):  # type: ignore[no-untyped-def]
        answer = AnswerMessage()
        await app.messages.mount(UserMessage("@chat what makes a loyalty programme work?"), answer)
        for event in (route("chat", 0.97), AgentStarted(agent="chat", model="SmolLM2-135M-Instruct", backend="embedded")):
            await answer.add(event)
        for word in "A loyalty programme works when **members feel the reward** early: a".split(" "):
            await answer.add(TextDelta(text=word + " "))
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=half_an_answer)


def test_route_card_expanded(snap_compare, replay_runtime, settings):
    app = make_app(replay_runtime, settings, {"How many gold members per city?": sql_turn()})

    async def expand(pilot):  # type: ignore[no-untyped-def]
        app.messages.query_one(AnswerMessage).card.action_toggle()
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(110, 48), run_before=expand)


def test_sql_table(snap_compare, replay_runtime, settings):
    app = make_app(replay_runtime, settings, {"How many gold members per city?": sql_turn()})
    assert snap_compare(app, terminal_size=(110, 40))


def test_planner_tree(snap_compare, replay_runtime, settings):
    app = make_app(replay_runtime, settings, {"plan: use 4 9 10 13 to make 24": plan_turn()}, title="24 game")
    assert snap_compare(app, terminal_size=(110, 40))


def test_ollama_down(snap_compare, settings):
    """`auto` with nothing at the Ollama address: the status line says so and why, and the
    Models screen (F3) shows the sentence instead of models."""
    config = ModelConfig(backend="auto", ollama_host="http://127.0.0.1:9")
    choice = BackendChoice("embedded", "Ollama is not reachable: nothing answers at http://127.0.0.1:9")
    runtime = build_runtime(settings, models=ModelHub(config, choice), load_plugins=False)
    try:
        assert snap_compare(MaitreApp(runtime), terminal_size=SIZE, press=["f3", "_", "_"])
    finally:
        runtime.close()
