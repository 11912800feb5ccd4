"""Answers as a user sees them: the route card, tables with their SQL, charts that open,
copying to the clipboard, and moving between answers. Real sql agent on a real DuckDB file;
only the model is replayed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.app import App
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tui.app import MaitreApp
from tui.widgets.messages import AnswerMessage, last_code_block
from tui.widgets.prompt_input import PromptInput
from tui.widgets.results import ChartView, TableView
from tui.widgets.route_card import ToolCallView

from tests.tui.test_chat_app import type_text, wait_for

BAD_SQL = "SELECT regin, sum(total_amount) FROM transactions GROUP BY 1"
GOOD_SQL = (
    "SELECT s.region, sum(t.total_amount) AS revenue FROM transactions t JOIN stores s ON s.store_id = t.store_id "
    "GROUP BY s.region ORDER BY revenue DESC"
)
QUESTION = "@sql What is the revenue by region?"


def sql_answer(sql: str, explanation: str = "") -> str:
    return json.dumps({"sql": sql, "explanation": explanation})


@pytest.fixture
def sql_runtime(replay_runtime, demo_db_url):  # type: ignore[no-untyped-def]
    def make(responses):  # type: ignore[no-untyped-def]
        runtime = replay_runtime(responses)
        runtime.settings.agents["sql"] = {"db_url": demo_db_url}
        return runtime

    return make


def record_notices(app: MaitreApp) -> list[str]:
    seen: list[str] = []
    original = app.notify

    def notify(message, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(str(message))
        return original(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return seen


def plain(widget: Static) -> str:
    return str(widget.render())


async def ask(pilot, app: MaitreApp, text: str, answers: int = 1) -> AnswerMessage:  # type: ignore[no-untyped-def]
    await type_text(pilot, text)
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(app.query(AnswerMessage)) == answers and not app.turn_running, timeout=20)
    await pilot.pause()
    return list(app.query(AnswerMessage))[-1]


async def test_the_route_card_expands_to_the_tool_calls_and_is_the_same_after_a_reload(sql_runtime):
    runtime = sql_runtime([sql_answer(BAD_SQL), sql_answer(GOOD_SQL, "Revenue per region.")])
    app = MaitreApp(runtime)
    async with app.run_test(size=(120, 50)) as pilot:
        answer = await ask(pilot, app, QUESTION)
        card = answer.card
        summary = card.summary
        assert summary.startswith("sql · explicit · 100% · route ")
        assert " · turn " in summary and "replay·replay" in summary
        assert summary.endswith("2 tool calls (1 failed)")
        assert card.collapsed and not answer.query(ToolCallView)  # details are built on demand
        answer.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not card.collapsed
        views = list(answer.query(ToolCallView))
        assert len(views) == 2
        first, second = (plain(v.args) + "\n" + plain(v.result) for v in views)
        assert "attempt: 1" in first and BAD_SQL in first and "✗" in first and "regin" in first.split("\n", 2)[-1]
        assert "attempt: 2" in second and "JOIN stores" in second and "5 rows" in second
        details = plain(card.details.route)
        assert "Route: sql by explicit" in details and "Agent sql on replay · replay" in details
        live = (summary, details, [plain(v.args) + plain(v.result) for v in views])

        session_id = app.session.id

    # The chat opened again (maitre restarted) rebuilds the same card from the stored events.
    app = MaitreApp(runtime, session_id)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        reloaded = app.query_one(AnswerMessage)
        assert reloaded.card.summary.split(" · turn ")[0] == summary.split(" · turn ")[0]
        assert reloaded.card.summary == summary
        await pilot.click(reloaded.card)
        await pilot.pause()
        views = list(reloaded.query(ToolCallView))
        assert (reloaded.card.summary, plain(reloaded.card.details.route),
                [plain(v.args) + plain(v.result) for v in views]) == live


async def test_a_route_card_lists_candidates_reason_and_cuts_long_results():
    from agents.events import RouteCandidate, RouteDecided, ToolCall, ToolResult, TurnDone
    from tui.widgets.route_card import RouteCard

    class Host(App[None]):  # the card alone
        def compose(self):  # type: ignore[no-untyped-def]
            with Vertical():
                yield RouteCard()

    async with Host().run_test() as pilot:
        card = pilot.app.query_one(RouteCard)
        card.record(RouteDecided(agent="pdf", stage="classifier", confidence=0.82, threshold=0.55,
                                 reason="classifier is sure enough", elapsed_ms=4.2,
                                 candidates=[RouteCandidate(agent="pdf", score=0.82),
                                             RouteCandidate(agent="sql", score=0.11)]))
        card.record(ToolCall(call_id="c1", tool="pdf_search", arguments={"query": "revenue 2023", "k": 6}))
        long_text = "\n".join(f"passage line {i}" for i in range(200))
        card.record(ToolResult(call_id="c1", tool="pdf_search", content=long_text))
        card.record(TurnDone(turn_id="t", elapsed_ms=2500))
        assert card.summary == "pdf · classifier · 82% · route 4 ms · turn 2.5 s · 1 tool call"
        card.collapsed = False
        await pilot.pause()
        details = plain(card.details.route)
        assert "threshold 0.55" in details and "classifier is sure enough" in details
        assert "pdf" in details and "0.82" in details and "sql" in details and "0.11" in details
        view = card.details.query_one(ToolCallView)
        assert "query: revenue 2023" in plain(view.args) and "k: 6" in plain(view.args)
        shown = plain(view.result)
        assert "passage line 0" in shown and "passage line 150" not in shown and shown.endswith("…")
        assert view.full is not None and "whole result" in str(view.full.title)
        assert plain(view.full.query_one(".tool-full", Static)) == long_text  # the whole text is one click away


async def test_an_sql_answer_shows_a_table_with_its_sql_and_a_chart_that_opens(sql_runtime, tmp_path):
    runtime = sql_runtime([sql_answer(GOOD_SQL, "Revenue per region.")])
    app = MaitreApp(runtime)
    async with app.run_test(size=(120, 60)) as pilot:
        opened: list[str] = []
        app.open_url = lambda url, new_tab=True: opened.append(url)  # type: ignore[method-assign]
        notices = record_notices(app)
        answer = await ask(pilot, app, QUESTION)
        view = answer.query_one(TableView)
        table = view.query_one(DataTable)
        assert table.row_count == 5 and [str(c.label) for c in table.columns.values()] == ["region", "revenue"]
        assert plain(view.query_one(".row-count", Static)) == "5 rows"
        sql_box = view.query_one(".sql", Static)
        assert "JOIN stores" in str(sql_box.content.code)  # type: ignore[union-attr]
        assert view.sql_in_text  # the text shows the SQL already, so this copy starts folded
        chart = answer.query_one(ChartView)
        assert "press o to open the chart" in plain(chart) and "North" in plain(chart)
        answer.focus()
        await pilot.press("o")
        assert opened == [Path(chart.event.html_path).resolve().as_uri()]
        await pilot.click(chart)
        assert len(opened) == 2
        Path(chart.event.html_path).unlink()
        await pilot.press("o")
        await pilot.pause()
        assert len(opened) == 2 and any("is gone" in n for n in notices)


async def test_copy_an_answer_or_its_last_code_block_and_move_between_answers(sql_runtime):
    runtime = sql_runtime([sql_answer(GOOD_SQL, "Revenue per region."), "Hello, **world**."])
    app = MaitreApp(runtime)
    async with app.run_test(size=(120, 60)) as pilot:
        first = await ask(pilot, app, QUESTION)
        second = await ask(pilot, app, "@chat hi", answers=2)
        second.focus()
        await pilot.press("up")
        assert app.focused is first
        await pilot.press("c")
        assert app.clipboard == first.text and "Revenue per region." in app.clipboard
        await pilot.press("y")
        assert app.clipboard.startswith("SELECT") and "JOIN stores" in app.clipboard and "```" not in app.clipboard
        await pilot.press("down")
        assert app.focused is second
        await pilot.press("y")  # no code block: the clipboard keeps what it had
        assert "JOIN stores" in app.clipboard
        await pilot.press("c")
        assert app.clipboard == "Hello, **world**."
        await pilot.press("down")
        assert isinstance(app.focused, PromptInput)
        # Shift+Tab from the input reaches the last answer, and its keys work from there.
        await pilot.press("shift+tab")
        assert second in app.focused.ancestors_with_self
        app.copy_to_clipboard("")
        await pilot.press("c")
        assert app.clipboard == "Hello, **world**."


def test_last_code_block_takes_the_last_fence_without_its_markers():
    text = "a\n```python\nprint(1)\n```\nb\n~~~sql\nSELECT 1;\nSELECT 2;\n~~~\n"
    assert last_code_block(text) == "SELECT 1;\nSELECT 2;"
    assert last_code_block("no code here") is None
