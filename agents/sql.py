"""The sql agent: questions about the loyalty-club database (or any database), answered with
one checked, read-only query, a table, and a chart when the result suits one.

A turn: open the database (the demo database is built on first use), put the schema card and
the closest verified examples in the prompt, ask the model for structured output
(`sql`, `explanation`), then check (SqlGuard), EXPLAIN and run it. An error or an empty result
is fed back for another try, at most `max_attempts` in all, each visible as a ToolCall. Writes,
files and personal columns are refused at once, with the reason.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

from autogen_core.models import AssistantMessage, LLMMessage, SystemMessage, UserMessage
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.base import Agent, AgentContext, Exchange, Turn
from agents.events import ChartResult, Error, Event, Notice, TableResult, TextDelta, ToolCall, ToolResult, Usage
from prompts import load_examples, render_prompt
from tools.sql.demo_db import build_demo_db, demo_db_path
from tools.sql.engine import DatabaseError, QueryResult, QueryTimeout
from tools.sql.examples import ExamplesError, closest_examples, demo_examples_path
from tools.sql.guard import DEFAULT_DENY_COLUMNS, GuardedSql, SqlRefused
from tools.sql.workspace import SqlWorkspace, SqlWorkspaces, WorkspaceOptions, jsonable

HISTORY_EXCHANGES = 2  # earlier sql turns shown to the model, for follow-ups ("and per month?")
WORKSPACES = SqlWorkspaces()


class SqlSettings(BaseModel):
    """The `[agents.sql]` settings section."""

    model_config = ConfigDict(extra="ignore")

    db_url: str | None = Field(default=None, description="SQLAlchemy URL; None = the demo DuckDB file.")
    row_cap: int = Field(default=1000, ge=1, le=100_000)
    statement_timeout_s: float = Field(default=10.0, gt=0)
    deny_columns: list[str] = Field(default_factory=lambda: list(DEFAULT_DENY_COLUMNS))
    glossary_path: Path | None = None
    examples_path: Path | None = None
    max_attempts: int = Field(default=3, ge=1, le=6)
    card_share: float = Field(default=0.4, gt=0, le=0.9, description="Share of the context the schema card may use.")
    few_shot: int = Field(default=3, ge=0, le=10)
    charts: bool = True
    demo_scale: float = Field(default=1.0, gt=0)
    prompts_dir: Path | None = None


class SqlAnswer(BaseModel):
    """What the model must return (constrained decoding makes it always parse)."""

    sql: str
    explanation: str = ""


class SqlAgent(Agent):
    name = "sql"
    description = (
        "Questions about the loyalty-club database (members, tiers, stores, products, transactions, points, "
        "campaigns): answered with a read-only SQL query, a table and a chart."
    )
    examples = load_examples("sql")

    async def run(self, turn: Turn, context: AgentContext) -> AsyncIterator[Event]:
        try:
            settings = SqlSettings.model_validate(dict(context.settings))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            yield Error(kind="bad_settings", message=f"The [agents.sql] settings are invalid ({problems}); fix them.")
            return
        url = settings.db_url
        examples_path = settings.examples_path
        if not url:
            path = demo_db_path(context.data_dir)
            if not path.is_file():
                yield Notice(message=f"Building the demo loyalty-club database in {path}; this happens once and "
                                     "takes a few seconds.")
                try:
                    await asyncio.to_thread(build_demo_db, path, settings.demo_scale)
                except OSError as exc:
                    yield Error(kind="database_unavailable", message=f"The demo database could not be written to "
                                f"{path} ({exc.strerror or exc}); set --data-dir to a folder you can write.")
                    return
            url = f"duckdb:///{path}"
            examples_path = examples_path or demo_examples_path()
        options = WorkspaceOptions(
            url=url,
            statement_timeout_s=settings.statement_timeout_s,
            row_cap=settings.row_cap,
            deny_columns=tuple(settings.deny_columns),
            glossary_path=settings.glossary_path,
            examples_path=examples_path,
            card_dir=Path(context.data_dir) / "sql" / "cards",
        )
        try:
            workspace = await asyncio.to_thread(WORKSPACES.open, options)
        except (DatabaseError, ExamplesError) as exc:
            yield Error(kind="database_unavailable", message=f"The sql agent cannot use the database: {exc}.")
            return
        if not workspace.db.engine_enforced:
            yield Notice(level="warning", message=f"{workspace.db.backend} connections are not read-only at the engine "
                         "level in maitre; only SqlGuard's checks protect this database. Prefer a read-only account.")
        async for event in self._answer(turn, context, settings, workspace):
            yield event

    async def _answer(
        self, turn: Turn, context: AgentContext, settings: SqlSettings, workspace: SqlWorkspace
    ) -> AsyncIterator[Event]:
        messages = self._messages(turn, context, settings, workspace)
        client = context.models.client(self.name)
        problem = ""
        for attempt in range(1, settings.max_attempts + 1):
            result = await client.create(messages, json_output=SqlAnswer)
            yield Usage(prompt_tokens=result.usage.prompt_tokens, completion_tokens=result.usage.completion_tokens,
                        model=context.models.model_name(self.name))
            raw = result.content if isinstance(result.content, str) else json.dumps(result.content, default=str)
            answer = parse_answer(raw)
            call_id = f"{turn.id[:12]}-sql-{attempt}"
            yield ToolCall(call_id=call_id, tool="sql", arguments={
                "attempt": attempt, "sql": answer.sql if answer else raw[:2000],
                "explanation": answer.explanation if answer else "",
            })
            outcome: _Outcome
            if answer is None:
                outcome = _Outcome(problem="the answer was not the JSON object asked for")
            else:
                outcome = await asyncio.to_thread(run_checked, workspace, answer.sql)
            if outcome.refusal is not None and not outcome.refusal.repairable:
                yield ToolResult(call_id=call_id, tool="sql", ok=False, content=outcome.refusal.message)
                yield Error(kind="sql_refused", message=refusal_sentence(outcome.refusal))
                return
            if outcome.timeout:
                yield ToolResult(call_id=call_id, tool="sql", ok=False, content=outcome.problem)
                yield Error(kind="sql_timeout", message=f"The query was stopped: {outcome.problem}.", retryable=True)
                return
            if outcome.result is not None:
                empty = not outcome.result.rows
                yield ToolResult(call_id=call_id, tool="sql", ok=True,
                                 content=f"{len(outcome.result.rows)} rows in {outcome.result.elapsed_ms:.0f} ms")
                if not empty or attempt == settings.max_attempts:
                    assert answer is not None and outcome.guarded is not None
                    async for event in self._present(turn, context, settings, answer, outcome):
                        yield event
                    return
                problem = "no rows"
                follow_up = render_prompt("sql_empty", settings.prompts_dir)
            else:
                problem = outcome.problem
                yield ToolResult(call_id=call_id, tool="sql", ok=False, content=problem)
                follow_up = render_prompt("sql_repair", settings.prompts_dir, problem=problem)
            messages = [*messages, AssistantMessage(content=raw, source=self.name), UserMessage(content=follow_up, source="user")]
        yield Error(
            kind="sql_failed",
            message=f"I could not write a query that works in {settings.max_attempts} tries (last problem: {problem}). "
            "Try rephrasing the question, or name the table or columns you mean.",
            retryable=True,
        )

    def _messages(
        self, turn: Turn, context: AgentContext, settings: SqlSettings, workspace: SqlWorkspace
    ) -> list[LLMMessage]:
        budget = int(settings.card_share * context.models.context_window())
        view = workspace.card.render(turn.text, budget)
        shots = closest_examples(turn.text, workspace.examples, settings.few_shot) if settings.few_shot else []
        examples = ""
        if shots:
            examples = "\nVerified examples for this database:\n" + "\n".join(
                f"Q: {e.question}\n" + json.dumps({"sql": " ".join(e.sql.split()), "explanation": ""}) for e in shots
            )
        system = render_prompt(
            "sql_system", settings.prompts_dir, dialect=dialect_name(workspace.db.dialect), schema=view.text,
            examples=examples,
        )
        messages: list[LLMMessage] = [SystemMessage(content=system)]
        for exchange in _sql_history(turn.history):
            messages.append(UserMessage(content=exchange.user, source="user"))
            messages.append(AssistantMessage(content=exchange.answer, source=self.name))
        messages.append(UserMessage(content=turn.text, source="user"))
        return messages

    async def _present(
        self, turn: Turn, context: AgentContext, settings: SqlSettings, answer: SqlAnswer, outcome: _Outcome
    ) -> AsyncIterator[Event]:
        from tools.sql.charts import choose_chart, render_html, render_text

        result, guarded = outcome.result, outcome.guarded
        assert result is not None and guarded is not None
        for note in guarded.notes:
            yield Notice(message=note)
        count = f"{len(result.rows):,} row{'s' if len(result.rows) != 1 else ''}"
        if result.truncated:
            count = f"the first {count} (there are more; ask for fewer, or aggregate)"
        summary = answer.explanation.strip() or "Here is what the database says."
        yield TextDelta(text=f"{summary}\n\n```sql\n{guarded.sql}\n```\n{count if result.rows else 'No rows matched.'}\n")
        rows = [list(row) for row in result.rows]
        yield TableResult(columns=result.columns, rows=[[jsonable(v) for v in row] for row in rows], sql=guarded.sql,
                          truncated=result.truncated)
        if not settings.charts or not rows:
            return
        spec, why_not = choose_chart(result.columns, rows, turn.text)
        if spec is None:
            if why_not:
                yield Notice(message=f"No chart: {why_not}.")
            return
        target = Path(context.data_dir) / "charts" / f"{turn.id[:12]}-{spec.kind}.html"
        try:
            html_path, png_path = await asyncio.to_thread(render_html, spec, result.columns, rows, target)
            text = await asyncio.to_thread(render_text, spec, result.columns, rows)
        except Exception as exc:  # a chart is a bonus: its failure must not lose the table
            yield Notice(level="warning", message=f"The chart could not be drawn ({type(exc).__name__}: {exc}).")
            return
        yield ChartResult(kind=spec.kind, title=spec.title, html_path=str(html_path),
                          png_path=str(png_path) if png_path else None, text_chart=text)


class _Outcome:
    def __init__(
        self, *, guarded: GuardedSql | None = None, result: QueryResult | None = None, problem: str = "",
        refusal: SqlRefused | None = None, timeout: bool = False,
    ) -> None:
        self.guarded, self.result, self.problem, self.refusal, self.timeout = guarded, result, problem, refusal, timeout


def run_checked(workspace: SqlWorkspace, sql: str) -> _Outcome:
    """Guard, EXPLAIN and run one query (blocking). Never raises for a bad query."""
    try:
        guarded = workspace.guard.check(sql)
    except SqlRefused as refusal:
        return _Outcome(problem=refusal.message, refusal=refusal)
    try:
        workspace.db.explain(guarded.sql)
        result = workspace.db.execute(guarded.sql)
    except QueryTimeout as exc:
        return _Outcome(guarded=guarded, problem=str(exc), timeout=True)
    except DatabaseError as exc:
        return _Outcome(guarded=guarded, problem=f"the database said: {exc}")
    return _Outcome(guarded=guarded, result=result)


_FENCE = re.compile(r"```(?:sql|json)?\s*(.*?)```", re.S | re.I)


def parse_answer(raw: str) -> SqlAnswer | None:
    """The model's answer: the JSON asked for, or (from a model without structured output) a
    JSON object inside other text, or a bare SQL query."""
    text = raw.strip()
    try:
        return SqlAnswer.model_validate_json(text)
    except ValidationError:
        pass
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1).strip()
    start, end = text.find("{"), text.rfind("}")
    if start != -1 and end > start:
        try:
            return SqlAnswer.model_validate_json(text[start : end + 1])
        except ValidationError:
            pass
    if re.match(r"^\s*(select|with|\()", text, re.I):
        return SqlAnswer(sql=text)
    return None


def refusal_sentence(refusal: SqlRefused) -> str:
    if refusal.kind == "personal":
        return (f"I cannot show that: {refusal.message}. Ask for counts or other columns instead, "
                "or filter on it without selecting it.")
    return (f"I will not run that query: {refusal.message}. The sql agent only reads this database's tables; "
            "ask a question about the data instead.")


def dialect_name(dialect: str) -> str:
    return {"duckdb": "DuckDB", "sqlite": "SQLite", "postgres": "PostgreSQL", "mysql": "MySQL", "tsql": "SQL Server"}.get(
        dialect, dialect
    )


def _sql_history(history: tuple[Exchange, ...]) -> list[Exchange]:
    return [e for e in history if e.agent == "sql" and e.answer][-HISTORY_EXCHANGES:]
