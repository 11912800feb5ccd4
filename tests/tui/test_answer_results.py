"""Errors that offer a retry, PDF sources, and the SEO checklist and audit, in the chat UI."""

from __future__ import annotations

from pathlib import Path

import httpx
from textual.widgets import Button, DataTable

from agents.events import Notice, TableResult, ToolCall, ToolResult, TurnDone
from tools.models import ModelConfig, ModelHub
from tools.models.hub import BackendChoice
from tui.app import MaitreApp
from tui.runtime import build_runtime
from tui.widgets.checklist import MARK_STATES, StepChecklist
from tui.widgets.messages import AnswerMessage, ErrorLine
from tui.widgets.prompt_input import PromptInput
from tui.widgets.results import SourcesList, TableView

from tests.tui.test_chat_app import type_text, wait_for

OLLAMA_DATA = Path(__file__).parent.parent / "data" / "ollama"


def ollama_down_then_up() -> httpx.MockTransport:
    """Ollama refuses the first chat request, then answers from a recorded stream."""
    lines = (OLLAMA_DATA / "chat_stream.ndjson").read_bytes()
    calls = {"chat": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path != "/api/chat":
            return httpx.Response(404)
        calls["chat"] += 1
        if calls["chat"] == 1:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, content=lines)

    return httpx.MockTransport(handler)


async def test_an_ollama_failure_offers_retry_and_retry_sends_the_turn_again(settings):
    hub = ModelHub(ModelConfig(backend="ollama"), BackendChoice("ollama", "test"), ollama_transport=ollama_down_then_up())
    runtime = build_runtime(settings, models=hub, load_plugins=False)
    app = MaitreApp(runtime)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await type_text(pilot, "@chat how many tiers")
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.query(ErrorLine) and not app.turn_running)
            failed = app.query_one(AnswerMessage)
            assert "not answering" in failed.errors[0]
            assert app.query_one(PromptInput).text == "@chat how many tiers"  # nothing typed is lost
            assert failed.card.summary.endswith("error")
            await pilot.click(failed.query_one(ErrorLine).query_one(Button))
            await wait_for(pilot, lambda: len(app.query(AnswerMessage)) == 2 and not app.turn_running)
            retried = list(app.query(AnswerMessage))[-1]
            assert retried.text == "The loyalty club has four tiers." and not retried.errors
            assert app.query_one(PromptInput).text == ""  # the put-back text was the one retried
            turns = runtime.store.load_turns(app.session.id)
            assert [(t.text, t.status) for t in turns] == [("@chat how many tiers", "error"),
                                                           ("@chat how many tiers", "ok")]
    finally:
        runtime.close()


async def test_r_on_a_focused_failed_answer_retries_and_unretryable_errors_offer_no_button(replay_runtime):
    runtime = replay_runtime([])  # the replay tape is empty: an error retrying cannot fix
    app = MaitreApp(runtime)
    async with app.run_test() as pilot:
        await type_text(pilot, "@chat hello")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.query(ErrorLine) and not app.turn_running)
        answer = app.query_one(AnswerMessage)
        assert not answer.query(Button)
        answer.focus()
        await pilot.press("r")
        await pilot.pause()
        assert len(app.query(AnswerMessage)) == 1  # r does nothing without a retryable error
        # A retryable error (as in a stored chat) makes r send the turn again.
        from agents.events import Error

        await answer.add(Error(kind="model_timeout", message="Ollama did not answer in time.", retryable=True))
        assert answer.query(Button)
        await pilot.press("r")
        await wait_for(pilot, lambda: len(app.query(AnswerMessage)) == 2 and not app.turn_running)
        assert [t.text for t in runtime.store.load_turns(app.session.id)] == ["@chat hello", "@chat hello"]


async def mounted_answer(app: MaitreApp) -> AnswerMessage:
    answer = AnswerMessage()
    await app.messages.mount(answer)
    return answer


async def test_pdf_sources_show_as_a_list_of_file_page_and_snippet(replay_runtime):
    from agents.pdf import _sources_table
    from tools.pdf.passages import Passage

    passages = [
        Passage(n=1, file="annual-2023.pdf", page=12, label="10", kind="text",
                text="Revenue grew   by 12% to EUR 4.2 billion, driven by " + "strong demand " * 30),
        Passage(n=2, file="annual-2023.pdf", page=40, label="40", kind="table", text="Net debt 1.1 billion"),
    ]
    app = MaitreApp(replay_runtime([]))
    async with app.run_test() as pilot:
        answer = await mounted_answer(app)
        await answer.add(_sources_table(passages, cited=[1, 2]))
        await pilot.pause()
        assert not answer.query(DataTable)
        lines = str(answer.query_one(SourcesList).render()).splitlines()
        assert lines[0] == "Sources"
        assert lines[1].startswith("[1] annual-2023.pdf p. 12 (printed 10) — Revenue grew by 12% to EUR 4.2 billion")
        assert lines[1].endswith("…") and len(lines[1]) < 220
        assert lines[2] == "[2] annual-2023.pdf p. 40 — Net debt 1.1 billion"


async def test_seo_steps_tick_a_checklist_live_then_the_agents_checklist_and_audit_table(replay_runtime, tmp_path):
    from agents.seo import audit_table, checklist
    from tools.seo.audit import AuditInput, audit
    from tools.seo.jobs import STEP_MARKS, JobStore

    assert set(STEP_MARKS.values()) == set(MARK_STATES)  # the UI reads the agent's marks
    jobs = JobStore(tmp_path / "jobs.db")
    job = jobs.create_job({"topic": "cold brew at home", "keyword": "cold brew coffee"})
    jobs.start_step(job.id, "brief")
    jobs.finish_step(job.id, "brief", {}, message="brief complete")
    jobs.start_step(job.id, "crawl")
    jobs.fail_step(job.id, "crawl", "every page refused the crawler")
    report = audit(AuditInput(title="Cold brew coffee at home: a simple guide for every kitchen",
                              description="How to make cold brew coffee at home. " * 4,
                              markdown="# Cold brew coffee\n\nCold brew coffee is easy. " * 20,
                              keyword="cold brew coffee"))
    app = MaitreApp(replay_runtime([]))
    async with app.run_test(size=(120, 50)) as pilot:
        answer = await mounted_answer(app)
        await answer.add(ToolCall(call_id=f"{job.id}:brief", tool="seo.brief"))
        await pilot.pause()
        assert answer.query_one(StepChecklist).states() == {"brief": "running"}
        await answer.add(ToolResult(call_id=f"{job.id}:brief", tool="seo.brief", content="brief complete"))
        await answer.add(ToolCall(call_id=f"{job.id}:crawl", tool="seo.crawl"))
        assert answer.query_one(StepChecklist).states() == {"brief": "done", "crawl": "running"}
        await answer.add(ToolResult(call_id=f"{job.id}:crawl", tool="seo.crawl", ok=False, content="refused"))
        await answer.add(Notice(message=checklist(jobs, job.id)))
        await answer.add(audit_table(report))
        await answer.add(TurnDone(turn_id="t"))
        await pilot.pause()
        [steps] = answer.query(StepChecklist)  # one checklist, brought up to date
        states = steps.states()
        assert states["brief"] == "done" and states["crawl"] == "failed" and states["revise"] == "pending"
        assert list(states) == ["brief", "crawl", "inspirations", "keywords", "outline", "draft", "meta", "audit", "revise"]
        shown = str(steps.render())
        assert "✓ brief — brief complete" in shown and "✗ crawl — every page refused the crawler" in shown
        assert not [n for n in answer.query("NoticeLine") if "Job" in str(n.render())]  # not shown as text too
        table = answer.query_one(TableView).query_one(DataTable)
        assert table.row_count == len(report.checks)
        statuses = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert {s.split()[0] for s in statuses} <= {"✓", "!", "✗"} and any("pass" in s for s in statuses)
    jobs.close()


def test_a_notice_that_is_not_a_checklist_stays_a_notice():
    from tui.widgets.checklist import parse_checklist

    assert parse_checklist("Started SEO job 1.") is None
    assert parse_checklist("Unverified numbers:\n- 12% not found") is None
    header, steps = parse_checklist("Job x — kw (running)\n✓ brief — ok\n… crawl")  # type: ignore[misc]
    assert header == "Job x — kw (running)" and [(s.name, s.state) for s in steps] == [("brief", "done"), ("crawl", "running")]
