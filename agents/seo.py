"""The seo agent: writes an SEO article from a brief, step by step, and checks it.

In the chat, a message with a topic and a keyword starts a job ("write about cold brew at
home, keyword: cold brew coffee, https://example.com/guide"). Later messages steer it:
"status", "jobs", "show outline", "resume", "rerun outline", "ok" (at an approval gate), an
edited outline, or brief fixes such as "keyword: cold brew coffee" after a step stopped.
Each step is a ToolCall/ToolResult pair named seo.<step>, so the UI shows a checklist.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from agents.base import Agent, AgentContext, Turn
from agents.events import Error, Event, Notice, TableResult, TextDelta, ToolCall, ToolResult
from prompts import load_examples, render_prompt
from tools.seo.brief import BriefError, brief_from_mapping, fields_from_text
from tools.seo.config import SeoSettings
from tools.seo.jobs import STEP_MARKS, STEPS, JobNotFound, JobRecord, JobStore
from tools.seo.pipeline import (
    GateWaiting, JobDone, JobStopped, PipelineDeps, SeoPipeline, StepFinished, StepNote, StepStarted, Update,
)
from tools.seo.steps import outline_markdown

if TYPE_CHECKING:
    from tools.seo.audit import AuditReport

_JOB_ID = re.compile(r"\b(\d{8}-\d{6}-[0-9a-f]{6})\b")
_APPROVE = re.compile(r"^\s*(ok|okay|yes|y|approve[d]?|go( on)?|continue|lgtm|looks good)\W*$", re.IGNORECASE)
_STEP_WORDS = "|".join(STEPS)
_RERUN = re.compile(rf"\b(?:re-?run|redo|again)\b.*?\b({_STEP_WORDS})\b|\b({_STEP_WORDS})\b.*\b(?:again|re-?run)\b",
                    re.IGNORECASE)
_SHOW = re.compile(rf"^\s*(?:show|see|print)\s+(?:the\s+)?({_STEP_WORDS}|article|report)\b", re.IGNORECASE)
_FIELD_ONLY = re.compile(r"^\s*[-*]?\s*(topic|keyword|audience|language|lang|length|words|urls?|notes|tone)\s*[:=]",
                         re.IGNORECASE)
class SeoSettingsError(ValueError):
    """The [agents.seo] settings do not parse; the message names the bad fields."""


def build_pipeline(context: AgentContext, agent_name: str = "seo") -> SeoPipeline:
    """The pipeline for this context: settings parsed, job store opened, model and embedder chosen."""
    try:
        settings = SeoSettings.model_validate(dict(context.settings))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SeoSettingsError(f"The [agents.seo] settings are invalid ({problems}); fix the settings file.") from None
    folder = Path(context.data_dir) / "seo"
    prompts_dir = Path(settings.prompts_dir) if settings.prompts_dir else None

    def render(name: str, **fields: object) -> str:
        return render_prompt(name, prompts_dir, **fields)

    embedder, note = None, ""
    models = context.models
    if settings.embeddings and models.backend == "ollama":
        from tools.retrieval import OllamaEmbedder

        embedder = OllamaEmbedder(host=models.config.ollama_host, model=settings.embed_model)
    else:
        note = ("Inspirations are searched by keywords only (BM25): embeddings need Ollama with "
                f"{settings.embed_model}, and the {models.backend} backend has none.")
    return SeoPipeline(PipelineDeps(
        jobs=JobStore(folder / "jobs.db"), folder=folder, settings=settings, render=render,
        client=models.client(agent_name), embedder=embedder, embedder_note=note,
        crawl_transport=context.extras.get("seo_crawl_transport"),
        keyword_transport=context.extras.get("seo_keyword_transport"),
    ))


def checklist(jobs: JobStore, job_id: str) -> str:
    job = jobs.job(job_id)
    lines = [f"Job {job.id} — {job.brief.get('keyword') or job.brief.get('topic') or '?'} ({job.state})"]
    for record in jobs.steps(job.id):
        state = "waiting" if job.state == "waiting" and job.step == record.name else record.state
        detail = record.message if record.state in ("done", "failed") else ""
        lines.append(f"{STEP_MARKS[state]} {record.name}" + (f" — {detail}" if detail else ""))
    return "\n".join(lines)


def to_events(update: Update, jobs: JobStore) -> list[Event]:
    if isinstance(update, StepStarted):
        return [ToolCall(call_id=f"{update.job_id}:{update.step}", tool=f"seo.{update.step}",
                         arguments=update.arguments)]
    if isinstance(update, StepFinished):
        return [ToolResult(call_id=f"{update.job_id}:{update.step}", tool=f"seo.{update.step}", ok=update.ok,
                           content=update.summary)]
    if isinstance(update, StepNote):
        return [Notice(level=update.level, message=update.message)]
    if isinstance(update, GateWaiting):
        return [Notice(message=checklist(jobs, update.job_id)), TextDelta(text=update.question)]
    if isinstance(update, JobStopped):
        return [Notice(message=checklist(jobs, update.job_id)), Error(
            kind="seo_step_failed", retryable=True,
            message=f"The {update.step} step of job {update.job_id} stopped: {update.message} " + (
                "Reply with the missing fields (like “keyword: …”) and the job goes on." if update.step == "brief"
                else "Say “resume” when it is fixed."))]
    assert isinstance(update, JobDone)
    files = "\n".join(f"- {name}: {path}" for name, path in update.files.items())
    return [Notice(message=checklist(jobs, update.job_id)),
            TextDelta(text=f"{update.markdown}\n\n**Audit:** {update.report.summary()}\n\nFiles:\n{files}\n"),
            audit_table(update.report)]


def audit_table(report: AuditReport) -> TableResult:
    """The audit's checks as rows, so the UI shows them as a table (status: pass, warn or fail)."""
    return TableResult(columns=["check", "status", "measured", "expected", "note"],
                       rows=[[c.label, c.status, c.value, c.expected, c.message] for c in report.checks])


class SeoAgent(Agent):
    name = "seo"
    description = ("SEO copywriting: writes an article for a target keyword from a brief and example pages "
                   "(crawl, outline, draft, meta, audit, revise), and manages those writing jobs.")
    examples = load_examples("seo")

    async def run(self, turn: Turn, context: AgentContext) -> AsyncIterator[Event]:
        try:
            pipeline = build_pipeline(context, self.name)
        except SeoSettingsError as exc:
            yield Error(kind="seo_bad_settings", message=str(exc))
            return
        try:
            async for event in self._handle(turn.text, pipeline):
                yield event
        finally:
            pipeline.jobs.close()

    async def _handle(self, text: str, pipeline: SeoPipeline) -> AsyncIterator[Event]:
        jobs = pipeline.jobs
        named = _JOB_ID.search(text)
        try:
            job: JobRecord | None = jobs.job(named.group(1)) if named else jobs.latest()
        except JobNotFound as exc:
            yield Error(kind="seo_no_job", message=f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
            return
        lowered = text.strip().lower()
        if re.match(r"^(jobs|list)\b", lowered):
            rows = [[j.id, j.state, j.step or "", j.brief.get("keyword", "")] for j in jobs.jobs()]
            yield TableResult(columns=["job", "state", "step", "keyword"], rows=rows)
            return
        if job is None and re.match(r"^(status|progress|where|show|resume|continue|retry|re-?run|redo|ok)\b", lowered):
            yield TextDelta(text="There are no SEO jobs yet. Describe the article to start one, for example: "
                                 "“write about cold brew at home, keyword: cold brew coffee, https://example.com/guide”.")
            return
        if job is not None and re.match(r"^(status|progress|where)\b", lowered):
            yield TextDelta(text=checklist(jobs, job.id))
            return
        if job is not None and (shown := _SHOW.match(text)):
            yield TextDelta(text=self._show(jobs, job, shown.group(1).lower()))
            return
        if job is not None and job.state == "waiting" and job.step:
            if _APPROVE.match(text):
                pipeline.approve(job.id, job.step)
                yield Notice(message=f"Approved the {job.step}; going on.")
                async for event in self._drive(pipeline, job.id):
                    yield event
                return
            if job.step == "outline" and re.search(r"^\s*#{1,3}\s", text, re.MULTILINE):
                pipeline.approve(job.id, "outline", edited_outline=text)
                yield Notice(message="Using your outline; writing the draft.")
                async for event in self._drive(pipeline, job.id):
                    yield event
                return
        if job is not None and (rerun := _RERUN.search(text)):
            step = (rerun.group(1) or rerun.group(2)).lower()
            yield Notice(message=f"Re-running job {job.id} from the {step} step.")
            async for event in self._drive(pipeline, job.id, from_step=step):
                yield event
            return
        if job is not None and re.match(r"^(resume|continue|retry|go on)\b", lowered):
            async for event in self._resume(pipeline, job):
                yield event
            return
        lines = [line for line in text.splitlines() if line.strip()]
        if job is not None and job.state in ("failed", "waiting") and lines and all(_FIELD_ONLY.match(l) for l in lines):
            # Brief fixes for the job that stopped: apply them and resume from the brief.
            fields = fields_from_text(text)
            try:
                brief = brief_from_mapping({**job.brief, **fields})
            except BriefError as exc:
                yield Error(kind="seo_bad_brief", message=str(exc))
                return
            jobs.update_brief(job.id, brief.model_dump())
            yield Notice(message=f"Updated the brief of job {job.id} ({', '.join(fields)}); resuming.")
            async for event in self._drive(pipeline, job.id, from_step="brief"):
                yield event
            return
        try:
            brief = brief_from_mapping(fields_from_text(text), source="your message")
        except BriefError as exc:
            yield Error(kind="seo_bad_brief", message=str(exc))
            return
        new = pipeline.new_job(brief)
        yield Notice(message=f"Started SEO job {new.id}.")
        async for event in self._drive(pipeline, new.id):
            yield event

    async def _resume(self, pipeline: SeoPipeline, job: JobRecord) -> AsyncIterator[Event]:
        if job.state == "done":
            yield Notice(message=f"Job {job.id} is finished; say “rerun <step>” to redo part of it.")
        elif job.state == "waiting":
            yield Notice(message=f"Job {job.id} is waiting for your approval of the {job.step}: reply “ok”.")
            return
        else:
            yield Notice(message=f"Resuming job {job.id}.")
        async for event in self._drive(pipeline, job.id):
            yield event

    async def _drive(self, pipeline: SeoPipeline, job_id: str, from_step: str | None = None) -> AsyncIterator[Event]:
        async for update in pipeline.run(job_id, from_step=from_step):
            for event in to_events(update, pipeline.jobs):
                yield event

    def _show(self, jobs: JobStore, job: JobRecord, what: str) -> str:
        if what in ("article", "report"):
            what = "revise"
        try:
            output = jobs.output(job.id, what)
        except KeyError:
            return f"The {what} step of job {job.id} has no output yet.\n\n{checklist(jobs, job.id)}"
        if what == "outline":
            return outline_markdown(output)
        if what == "revise":
            return output["markdown"]
        if what == "draft":
            from tools.seo.article import Article

            return Article.model_validate(output["article"]).body_markdown()
        if what == "audit":
            from tools.seo.audit import AuditReport

            return AuditReport.model_validate(output["report"]).as_markdown()
        import json

        return "```json\n" + json.dumps(output, indent=2, ensure_ascii=False)[:6000] + "\n```"
