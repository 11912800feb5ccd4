"""The pdf agent through its events, on the real releases, with replayed model answers."""

from __future__ import annotations

import pytest

from agents.base import AgentContext, Exchange, Turn
from agents.events import Notice, TableResult, TextDelta, ToolCall, ToolResult
from agents.pdf import PdfAgent
from tools.models import ModelConfig, ModelHub
from tools.models.replay import ReplayTape

QUESTION = "What was Amazon's AWS operating income in the first quarter of 2025?"


def run(agent: PdfAgent, text: str, context: AgentContext, history: tuple[Exchange, ...] = ()) -> list:
    async def collect() -> list:
        return [e async for e in agent.run(Turn(id="t", text=text, history=history), context)]

    import asyncio

    return asyncio.run(collect())


def context_for(tmp_path, answers: list[str], **settings) -> tuple[AgentContext, ReplayTape]:
    tape = ReplayTape(answers)
    hub = ModelHub(ModelConfig(backend="replay"), tape=tape)
    return AgentContext(models=hub, settings={"folder": str(tmp_path / "ws"), **settings}, data_dir=tmp_path), tape


def text_of(events) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


@pytest.fixture
def ingested(tmp_path, releases):
    agent = PdfAgent()
    context, _ = context_for(tmp_path, [])
    events = run(agent, f"ingest {releases}", context)
    assert "2 added" in text_of(events)
    return agent


def passage_number(events, file: str, page: int) -> int:
    table = [e for e in events if isinstance(e, TableResult)][-1]
    return next(row[0] for row in table.rows if row[1] == file and row[2] == page)


def test_ingest_reports_each_bad_file_and_ingests_the_rest(tmp_path, releases, bad_files) -> None:
    context, _ = context_for(tmp_path, [])
    events = run(PdfAgent(), f"ingest {releases} {bad_files['encrypted']} {bad_files['no_text']}", context)
    warnings = [e.message for e in events if isinstance(e, Notice) and e.level == "warning"]
    assert any("password-protected" in w for w in warnings) and any("no text layer" in w for w in warnings)
    progress = [e.message for e in events if isinstance(e, Notice) and e.message.startswith("Ingesting")]
    assert progress and "4/4 files, 30 pages" in progress[-1]
    assert "2 added, 2 failed" in text_of(events)
    docs = run(PdfAgent(), "docs", context)
    assert [row[0] for row in docs[0].rows] == ["amazon_q1_2025_earnings_release.pdf", "walmart_q1_fy2026_earnings_release.pdf"]


def test_an_answer_cites_pages_and_its_numbers_are_checked(tmp_path, ingested) -> None:
    # find which passage holds the segment table, as the model would see it
    probe, _ = context_for(tmp_path, ["NOT IN THE DOCUMENTS"])
    n = passage_number(run(ingested, QUESTION, probe), "amazon_q1_2025_earnings_release.pdf", 7)
    answer = f"AWS operating income was $11,547 million in the first quarter of 2025 [{n}], up from $9,421 million [{n}]."
    context, tape = context_for(tmp_path, [answer])
    events = run(ingested, QUESTION, context)
    assert text_of(events) == answer
    call = next(e for e in events if isinstance(e, ToolCall))
    assert call.arguments["files"] == ["amazon_q1_2025_earnings_release.pdf"]  # scoped by the name it asks about
    assert any(isinstance(e, Notice) and "Keyword search only" in e.message for e in events)
    assert any(isinstance(e, Notice) and e.message.startswith("All 3 numbers") for e in events)
    sources = [e for e in events if isinstance(e, TableResult)][-1]
    assert sources.rows == [[n, "amazon_q1_2025_earnings_release.pdf", 7, "7", sources.rows[0][4]]]


def test_a_number_the_passages_do_not_hold_is_flagged(tmp_path, ingested) -> None:
    probe, _ = context_for(tmp_path, ["NOT IN THE DOCUMENTS"])
    n = passage_number(run(ingested, QUESTION, probe), "amazon_q1_2025_earnings_release.pdf", 7)
    context, _ = context_for(tmp_path, [f"AWS operating income was $12,950 million [{n}]."])
    events = run(ingested, QUESTION, context)
    warning = next(e for e in events if isinstance(e, Notice) and e.level == "warning" and "Unverified" in e.message)
    assert "12,950" in warning.message


def test_a_question_the_documents_do_not_cover_is_not_answered_from_memory(tmp_path, ingested) -> None:
    context, tape = context_for(tmp_path, ["Paris is the capital of France."])
    events = run(ingested, "What is the capital city of France?", context)
    assert "not supported by the documents" in text_of(events)
    assert tape.position == 0  # the model was never asked


def test_a_follow_up_searches_with_the_previous_question_and_a_comment_reuses_it(tmp_path, ingested) -> None:
    history = (Exchange(user=QUESTION, agent="pdf", answer="…"),)
    context, _ = context_for(tmp_path, ["NOT IN THE DOCUMENTS"])
    events = run(ingested, "and North America?", context, history)
    assert next(e for e in events if isinstance(e, ToolCall)).arguments["query"] == f"{QUESTION} and North America?"

    comment = "AWS remained the profit engine, with operating income of $11,547 million [1]."
    context, tape = context_for(tmp_path, [comment])
    events = run(ingested, "draft a comment on this", context, history)
    assert next(e for e in events if isinstance(e, ToolCall)).arguments["query"] == QUESTION
    assert text_of(events) == comment and tape.position == 1
    assert any(isinstance(e, TableResult) for e in events)
    assert any(isinstance(e, ToolResult) and "keyword search" in e.content for e in events)


def test_without_documents_the_agent_says_how_to_add_them(tmp_path) -> None:
    context, _ = context_for(tmp_path, [])
    assert "maitre ingest PATH" in text_of(run(PdfAgent(), "What was revenue?", context))


def test_remove_drops_a_document(tmp_path, ingested) -> None:
    context, _ = context_for(tmp_path, [])
    events = run(ingested, "remove walmart_q1_fy2026_earnings_release.pdf", context)
    assert "1 removed" in text_of(events)
    docs = run(ingested, "docs", context)
    assert [row[0] for row in docs[0].rows] == ["amazon_q1_2025_earnings_release.pdf"]


@pytest.mark.embedded
def test_the_embedded_model_answers_from_the_passages(tmp_path, ingested) -> None:
    # a small context keeps the prompt near 500 tokens: the passages are cut to fit it
    hub = ModelHub(ModelConfig(backend="embedded", max_tokens=40, embedded_ctx=1024))
    context = AgentContext(models=hub, settings={"folder": str(tmp_path / "ws"), "top_k": 2}, data_dir=tmp_path)
    events = run(ingested, QUESTION, context)
    assert text_of(events).strip()
    assert any(isinstance(e, TableResult) and e.columns[0] == "#" for e in events)
    # whatever the small model writes, each of its numbers was checked and reported on
    assert any(isinstance(e, Notice) and ("numbers" in e.message or "cites no passage" in e.message
                                          or "no answer" in e.message) for e in events)


def test_an_answer_without_citations_gets_its_sources_matched_and_says_so(tmp_path, ingested) -> None:
    context, _ = context_for(tmp_path, ["AWS operating income was $11,547 million."])
    events = run(ingested, QUESTION, context)
    assert "Sources (matched to the answer after it was written)" in text_of(events)
    assert any(isinstance(e, Notice) and "cited no passage" in e.message for e in events)
    sources = [e for e in events if isinstance(e, TableResult)][-1]
    assert [(row[1], row[2]) for row in sources.rows] == [("amazon_q1_2025_earnings_release.pdf", 7)]
