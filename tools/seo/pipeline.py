"""The seo step machine: brief → crawl → inspirations → keywords → outline → draft → meta →
audit → revise, each step's output saved in the job store as soon as it ends.

`SeoPipeline.run(job_id)` runs every step that is not done yet, in order, and yields plain
updates (the agent turns them into events). A step that meets bad input raises `StepFailed`
with a sentence for the user: the job stops there, and `run` again resumes at that step once
the input is fixed. `run(job_id, from_step=...)` re-runs from any step. Approval gates after
the outline and the audit stop the job in the `waiting` state until `approve` is called.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
from autogen_core.models import ChatCompletionClient

from tools.retrieval import Embedder
from tools.seo import steps as step_impl
from tools.seo.audit import AuditReport
from tools.seo.brief import Brief
from tools.seo.config import SeoSettings
from tools.seo.jobs import STEPS, JobRecord, JobStore
from tools.seo.writer import Render

GATES = {"outline": "approve_outline", "audit": "approve_audit"}


@dataclass
class StepStarted:
    job_id: str
    step: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass
class StepFinished:
    job_id: str
    step: str
    ok: bool
    summary: str


@dataclass
class StepNote:
    message: str
    level: Literal["info", "warning"] = "info"


@dataclass
class GateWaiting:
    job_id: str
    step: str
    question: str


@dataclass
class JobStopped:
    job_id: str
    step: str
    message: str


@dataclass
class JobDone:
    job_id: str
    markdown: str
    report: AuditReport
    files: dict[str, str]


Update = StepStarted | StepFinished | StepNote | GateWaiting | JobStopped | JobDone


@dataclass
class PipelineDeps:
    jobs: JobStore
    folder: Path  # <data_dir>/seo: job folders and the crawl cache live here
    settings: SeoSettings
    render: Render
    client: ChatCompletionClient | None = None
    crawl_transport: httpx.AsyncBaseTransport | None = None
    embedder: Embedder | None = None
    embedder_note: str = ""
    keyword_transport: httpx.AsyncBaseTransport | None = None


class SeoPipeline:
    def __init__(self, deps: PipelineDeps) -> None:
        self.deps = deps
        self.jobs = deps.jobs

    def job_dir(self, job_id: str) -> Path:
        return self.deps.folder / "jobs" / job_id

    def new_job(self, brief: Brief | dict[str, Any]) -> JobRecord:
        data = brief.model_dump() if isinstance(brief, Brief) else dict(brief)
        return self.jobs.create_job(data)

    def gate_closed(self, job_id: str, step: str) -> bool:
        setting = GATES.get(step)
        return bool(setting and getattr(self.deps.settings, setting) and not self.jobs.job(job_id).approvals.get(step))

    def approve(self, job_id: str, step: str, edited_outline: str | None = None) -> None:
        """Open the gate after `step`; an edited outline (Markdown headings) replaces the model's."""
        if edited_outline is not None and step == "outline":
            output = step_impl.outline_from_markdown(edited_outline, self.jobs.output(job_id, "outline"))
            self.jobs.finish_step(job_id, "outline", output, message="edited by the user")
            self.jobs.reset_from(job_id, "draft")
        self.jobs.set_approval(job_id, step, True)

    async def run(self, job_id: str, from_step: str | None = None) -> AsyncIterator[Update]:
        job_id = self.jobs.job(job_id).id
        if from_step is not None:
            if from_step not in STEPS:
                raise ValueError(f"there is no step {from_step!r}; the steps are {', '.join(STEPS)}")
            self.jobs.reset_from(job_id, from_step)
        for name in STEPS:
            record = self.jobs.step(job_id, name)
            if record.state != "done":
                outcome: list[Update] = []
                async for update in self._run_step(job_id, name):
                    outcome.append(update)
                    yield update
                if any(isinstance(u, JobStopped) for u in outcome):
                    return
            if self.gate_closed(job_id, name):
                question = step_impl.gate_question(name, self.jobs.output(job_id, name))
                self.jobs.set_job(job_id, state="waiting", step=name, message="waiting for approval")
                yield GateWaiting(job_id, name, question)
                return
        final = self.jobs.output(job_id, "revise")
        self.jobs.set_job(job_id, state="done", step="revise", message="")
        yield JobDone(job_id, markdown=final["markdown"], report=AuditReport.model_validate(final["report"]),
                      files=final["files"])

    async def _run_step(self, job_id: str, name: str) -> AsyncIterator[Update]:
        context = step_impl.StepContext(pipeline=self, job_id=job_id)
        yield StepStarted(job_id, name, step_impl.arguments_for(name, self.jobs, job_id))
        self.jobs.start_step(job_id, name)
        try:
            output, summary = await getattr(step_impl, f"step_{name}")(context)
        except step_impl.StepFailed as exc:
            self.jobs.fail_step(job_id, name, str(exc))
            for note in context.notes:
                yield note
            yield StepFinished(job_id, name, ok=False, summary=str(exc))
            yield JobStopped(job_id, name, str(exc))
            return
        except BaseException as exc:
            # Model or disk failures: the step is marked failed so a resume starts here, and the
            # exception goes on to the caller, which knows how to describe it.
            self.jobs.fail_step(job_id, name, f"{type(exc).__name__}: {exc}")
            raise
        self.jobs.finish_step(job_id, name, output, message=summary)
        for note in context.notes:
            yield note
        yield StepFinished(job_id, name, ok=True, summary=summary)
