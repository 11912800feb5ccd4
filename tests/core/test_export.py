import json

from agents.events import TableResult, ToolCall
from tests.conftest import collect
from tui.export import export_chat


async def test_markdown_and_jsonl_exports_carry_the_whole_chat(replay_runtime):
    runtime = replay_runtime(["Paris.", "Rome."])
    session = runtime.session()
    await collect(session.send("@chat capital of France?"))
    await collect(session.send("@chat and of Italy?"))
    turns = runtime.store.load_turns(session.id)
    info = runtime.store.get_session(session.id)

    md = export_chat(info, turns, "md")
    assert md.startswith("# @chat capital of France?")
    assert md.index("capital of France?") < md.index("Paris.") < md.index("and of Italy?") < md.index("Rome.")
    assert "## chat (" in md

    lines = [json.loads(line) for line in export_chat(info, turns, "jsonl").splitlines()]
    assert lines[0]["kind"] == "session" and lines[0]["id"] == session.id
    assert [t["answer"] for t in lines[1:]] == ["Paris.", "Rome."]
    assert [e["type"] for e in lines[1]["events"]][:2] == ["turn_started", "route_decided"]


def test_tables_and_tool_calls_appear_in_markdown():
    from router.store import SessionInfo, StoredTurn

    turn = StoredTurn("t", 1, "gold members?", "sql", "There are 2.", "ok", (
        ToolCall(call_id="1", tool="run_sql", arguments={"sql": "SELECT 1"}),
        TableResult(columns=["tier", "n"], rows=[["gold", 2]]),
    ))
    md = export_chat(SessionInfo("s", "club", 0.0, 0.0), [turn], "md")
    assert "> tool `run_sql`" in md and "| tier | n |" in md and "| gold | 2 |" in md
