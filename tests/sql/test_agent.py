"""The sql agent end to end, on a real DuckDB file, with replayed model answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from autogen_core.models import SystemMessage

from agents.sql import SqlAgent, parse_answer
from tests.sql.agent_helpers import answer, of_type, replay_hub, run_agent
from agents.base import Exchange

REVENUE_BY_REGION = (
    "SELECT s.region, sum(t.total_amount) AS revenue FROM transactions t JOIN stores s ON s.store_id = t.store_id "
    "GROUP BY s.region ORDER BY revenue DESC"
)


@pytest.fixture
def settings(demo_url: str) -> dict:
    return {"db_url": demo_url}


async def test_a_typo_is_repaired_and_the_answer_is_a_table_and_a_chart(settings: dict, tmp_path: Path) -> None:
    events = await run_agent(
        "What is the revenue by region?",
        [answer("SELECT regin, sum(total_amount) FROM transactions GROUP BY 1"), answer(REVENUE_BY_REGION, "Revenue per region.")],
        settings=settings, data_dir=tmp_path,
    )
    calls, results = of_type(events, "tool_call"), of_type(events, "tool_result")
    assert [c.arguments["attempt"] for c in calls] == [1, 2]
    assert [r.ok for r in results] == [False, True]
    assert "regin" in results[0].content
    [table] = of_type(events, "table_result")
    assert table.columns == ["region", "revenue"] and len(table.rows) == 5
    assert table.sql.endswith("LIMIT 1000") and table.rows[0][1] >= table.rows[-1][1]
    text = "".join(e.text for e in of_type(events, "text_delta"))
    assert "Revenue per region." in text and "```sql" in text
    [chart] = of_type(events, "chart_result")
    assert chart.kind == "bar" and Path(chart.html_path).is_file()
    assert Path(chart.html_path).parent == tmp_path / "charts"
    assert "North" in chart.text_chart and "\x1b" not in chart.text_chart
    assert not of_type(events, "error")


async def test_a_forbidden_query_is_refused_at_once(settings: dict, tmp_path: Path) -> None:
    events = await run_agent("Drop the members table", [answer("DROP TABLE members")], settings=settings, data_dir=tmp_path)
    assert len(of_type(events, "tool_call")) == 1
    [error] = of_type(events, "error")
    assert error.kind == "sql_refused" and "DROP" in error.message and "only reads" in error.message
    assert not of_type(events, "table_result")


async def test_personal_columns_are_refused_or_left_out(settings: dict, tmp_path: Path) -> None:
    events = await run_agent("List member emails", [answer("SELECT email FROM members")], settings=settings, data_dir=tmp_path)
    [error] = of_type(events, "error")
    assert error.kind == "sql_refused" and "personal" in error.message
    events = await run_agent("Show members", [answer("SELECT * FROM members LIMIT 5")], settings=settings, data_dir=tmp_path)
    [table] = of_type(events, "table_result")
    assert "email" not in table.columns and "first_name" in table.columns
    assert any("members.email" in n.message for n in of_type(events, "notice"))


async def test_an_empty_result_gets_one_more_try(settings: dict, tmp_path: Path) -> None:
    events = await run_agent(
        "How many gold members?",
        [answer("SELECT count(*) AS n FROM members WHERE tier = 'Gold' GROUP BY tier"),
         answer("SELECT count(*) AS n FROM members WHERE tier = 'gold'")],
        settings=settings, data_dir=tmp_path,
    )
    assert len(of_type(events, "tool_call")) == 2
    [table] = of_type(events, "table_result")
    assert table.rows[0][0] > 0


async def test_three_failures_end_with_a_sentence(settings: dict, tmp_path: Path) -> None:
    bad = answer("SELECT nothing FROM nowhere")
    events = await run_agent("Something odd", [bad, bad, bad], settings=settings, data_dir=tmp_path)
    assert len(of_type(events, "tool_call")) == 3
    [error] = of_type(events, "error")
    assert error.kind == "sql_failed" and "3 tries" in error.message and "nowhere" in error.message


async def test_the_demo_database_is_built_on_first_use(tmp_path: Path) -> None:
    events = await run_agent(
        "How many stores?", [answer("SELECT count(*) AS stores FROM stores")],
        settings={"demo_scale": 0.02}, data_dir=tmp_path,
    )
    assert "Building the demo loyalty-club database" in of_type(events, "notice")[0].message
    assert (tmp_path / "sql" / "loyalty_demo.duckdb").is_file()
    assert of_type(events, "table_result")[0].rows == [[48]]
    again = await run_agent("How many stores?", [answer("SELECT count(*) FROM stores")],
                            settings={"demo_scale": 0.02}, data_dir=tmp_path)
    assert not any("Building" in n.message for n in of_type(again, "notice"))


async def test_the_prompt_holds_the_card_the_examples_and_the_history(settings: dict, tmp_path: Path) -> None:
    hub = replay_hub([answer("SELECT tier, count(*) AS n FROM members GROUP BY tier")])
    seen: list = []
    client = hub.client("sql")
    original = client.create

    async def spy(messages, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(list(messages))
        return await original(messages, **kwargs)

    client.create = spy  # type: ignore[method-assign]
    examples = tmp_path / "examples.yaml"
    examples.write_text("- question: How many members per tier?\n  sql: SELECT tier, count(*) FROM members GROUP BY tier\n")
    history = (Exchange(user="How many members?", agent="sql", answer="SELECT count(*) FROM members"),
               Exchange(user="hello", agent="chat", answer="Hi!"))
    glossary = tmp_path / "glossary.txt"
    glossary.write_text("VIP: a member of the platinum tier\n")
    await run_agent("Members per tier please",
                    settings={**settings, "examples_path": str(examples), "glossary_path": str(glossary)},
                    data_dir=tmp_path, hub=hub, history=history)
    system = seen[0][0]
    assert isinstance(system, SystemMessage)
    assert "CREATE TABLE members" in system.content and "DuckDB" in system.content
    assert "Q: How many members per tier?" in system.content
    assert "VIP: a member of the platinum tier" in system.content
    assert [m.content for m in seen[0][1:]] == ["How many members?", "SELECT count(*) FROM members", "Members per tier please"]
    assert len(system.content) // 3 < 0.4 * hub.context_window() + 400  # card within budget, plus the rules


async def test_bad_settings_and_missing_databases_are_sentences(tmp_path: Path) -> None:
    events = await run_agent("x", [], settings={"row_cap": "lots"}, data_dir=tmp_path)
    assert of_type(events, "error")[0].kind == "bad_settings"
    events = await run_agent("x", [], settings={"db_url": f"sqlite:///{tmp_path}/nope.sqlite"}, data_dir=tmp_path)
    [error] = of_type(events, "error")
    assert error.kind == "database_unavailable" and "no database file" in error.message


def test_answers_parse_in_every_shape_a_model_gives() -> None:
    assert parse_answer('{"sql": "SELECT 1", "explanation": "one"}').sql == "SELECT 1"
    assert parse_answer('Sure! ```json\n{"sql": "SELECT 2"}\n```').sql == "SELECT 2"
    assert parse_answer("```sql\nSELECT 3\n```").sql == "SELECT 3"
    assert parse_answer("WITH a AS (SELECT 1) SELECT * FROM a").sql.startswith("WITH")
    assert parse_answer("I cannot help with that") is None


def test_the_agent_is_registered() -> None:
    from agents.registry import builtin_agents

    assert any(isinstance(agent, SqlAgent) for agent in builtin_agents())
