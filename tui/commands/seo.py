"""`maitre seo`: run the seo writing pipeline from a brief file, without the chat UI.

    maitre seo --brief brief.yaml [--out DIR] [--yes]   start a job and run it to the end
    maitre seo --resume [JOB] [--from STEP] [--yes]     go on with a job (the latest by default)
    maitre seo --resume JOB --brief fixed.yaml          replace the job's brief, go on from there
    maitre seo --list                                   the jobs and where each one stands
    maitre seo --show JOB [--step STEP]                 a job's checklist, or one step's output

Exit status: 0 finished, 1 a step stopped (the message says what to fix), 2 waiting for an
approval (run again with --yes, or answer at the prompt).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import click

STEP_NAMES = ("brief", "crawl", "inspirations", "keywords", "outline", "draft", "meta", "audit", "revise")


def register(cli: click.Group) -> None:
    cli.add_command(seo)


@click.command()
@click.option("--brief", "brief_path", type=click.Path(path_type=Path, dir_okay=False),
              help="A YAML brief: topic, keyword, audience, language, length (words), urls.")
@click.option("--resume", "resume", is_flag=False, flag_value="latest", default=None, metavar="[JOB]",
              help="Go on with a job from where it stopped (the latest job when no id is given).")
@click.option("--from", "from_step", type=click.Choice(STEP_NAMES), help="With --resume: re-run from this step.")
@click.option("--yes", "-y", is_flag=True, help="Approve the outline and audit gates without asking.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Copy the finished files here.")
@click.option("--list", "list_jobs", is_flag=True, help="List the jobs.")
@click.option("--show", "show_job", metavar="JOB", help="Show a job's checklist (or one step with --step).")
@click.option("--step", type=click.Choice(STEP_NAMES), help="With --show: print this step's saved output.")
@click.option("--json", "as_json", is_flag=True, help="Print every event as one JSON object per line.")
@click.pass_context
def seo(ctx: click.Context, brief_path: Path | None, resume: str | None, from_step: str | None, yes: bool,
        out: Path | None, list_jobs: bool, show_job: str | None, step: str | None, as_json: bool) -> None:
    """Write an SEO article from a brief: crawl, inspirations, keywords, outline, draft, meta,
    audit, revise. Every step is saved, so a stopped job resumes where it stopped."""
    from agents.seo import checklist
    from tools.seo.brief import BriefError, load_brief
    from tools.seo.jobs import JobNotFound

    if sum(bool(x) for x in (brief_path or resume, list_jobs, show_job)) != 1:
        raise click.UsageError("give one of --brief FILE, --resume [JOB] (with --brief FILE to replace its brief), "
                               "--list or --show JOB")
    pipeline, hub = _pipeline(ctx)
    jobs = pipeline.jobs
    try:
        if list_jobs:
            for job in jobs.jobs(limit=50):
                click.echo(f"{job.id}  {job.state:<8} {job.step or '-':<13} {job.brief.get('keyword', '')}")
            return
        if show_job:
            job = jobs.job(show_job)
            if step:
                click.echo(json.dumps(jobs.step(job.id, step).model_dump(), indent=2, ensure_ascii=False))
            else:
                click.echo(checklist(jobs, job.id))
            return
        brief = None
        if brief_path is not None:
            try:
                brief = load_brief(brief_path)
            except BriefError as exc:
                raise click.ClickException(str(exc)) from None
        if brief is not None and not resume:
            job_id = pipeline.new_job(brief).id
            click.echo(f"job {job_id}", err=True)
        else:
            latest = jobs.latest()
            if resume == "latest" and latest is None:
                raise click.ClickException("there are no seo jobs yet; start one with --brief FILE")
            job_id = jobs.job(latest.id if resume == "latest" else str(resume)).id  # type: ignore[union-attr]
            if brief is not None:  # the fixed brief replaces the job's, and the job goes on from there
                jobs.update_brief(job_id, brief.model_dump())
                from_step = "brief"
            if jobs.job(job_id).state == "waiting" and yes:
                pipeline.approve(job_id, jobs.job(job_id).step or "")
        code = asyncio.run(_drive(pipeline, hub, job_id, from_step, yes, out, as_json))
    except JobNotFound as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        jobs.close()
    sys.exit(code)


def _pipeline(ctx: click.Context):  # type: ignore[no-untyped-def]
    from agents.base import AgentContext
    from agents.seo import SeoSettingsError, build_pipeline
    from tools.models.hub import ModelHub
    from tui.cli import settings_from

    settings = settings_from(ctx)
    hub = ModelHub(settings.model)
    click.echo(f"model: {hub.describe()} ({hub.choice.reason})", err=True)
    context = AgentContext(models=hub, settings=settings.agent_settings().get("seo", {}), data_dir=settings.data_dir)
    try:
        return build_pipeline(context), hub
    except SeoSettingsError as exc:
        raise click.ClickException(str(exc)) from None


async def _drive(pipeline: Any, hub: Any, job_id: str, from_step: str | None, yes: bool, out: Path | None, as_json: bool) -> int:
    from agents.seo import to_events
    from tools.models.errors import describe_model_failure
    from tools.seo.pipeline import GateWaiting, JobDone, JobStopped, StepFinished, StepNote, StepStarted

    while True:
        waiting: GateWaiting | None = None
        try:
            async for update in pipeline.run(job_id, from_step=from_step):
                if as_json:
                    for event in to_events(update, pipeline.jobs):
                        click.echo(event.model_dump_json())
                elif isinstance(update, StepStarted):
                    click.echo(f"… {update.step}", err=True)
                elif isinstance(update, StepFinished):
                    click.echo(f"{'✓' if update.ok else '✗'} {update.step} — {update.summary}", err=True)
                elif isinstance(update, StepNote):
                    click.echo(f"  {'warning' if update.level == 'warning' else 'note'}: {update.message}", err=True)
                if isinstance(update, JobStopped):
                    click.echo(f"error: the {update.step} step stopped: {update.message}\n"
                               f"Fix it, then run: maitre seo --resume {update.job_id} "
                               "(add --brief FILE when you fixed the brief)", err=True)
                    return 1
                if isinstance(update, GateWaiting):
                    waiting = update
                if isinstance(update, JobDone):
                    return _finish(update, out, as_json)
        except Exception as exc:  # a model failure: say what to do, not a traceback
            failure = describe_model_failure(exc, backend=hub.backend, host=hub.config.ollama_host,
                                             model=hub.model_name("seo"))
            message = failure.message if failure else f"{type(exc).__name__}: {exc}"
            click.echo(f"error: {message}\nThe job is saved; run: maitre seo --resume {job_id}", err=True)
            return 1
        from_step = None
        if waiting is None:
            return 0
        if not yes and not sys.stdin.isatty():
            click.echo(waiting.question.replace("Reply “ok”", "Approve with --yes"), err=True)
        if not yes and not (sys.stdin.isatty() and _ask(waiting.question)):
            click.echo(f"waiting for approval of the {waiting.step}; run: maitre seo --resume {job_id} --yes", err=True)
            return 2
        pipeline.approve(job_id, waiting.step)


def _ask(question: str) -> bool:
    click.echo(question, err=True)
    return click.confirm("Go on?", default=True, err=True)


def _finish(done: Any, out: Path | None, as_json: bool) -> int:
    files = dict(done.files)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, path in list(files.items()):
            target = out / Path(path).name
            shutil.copyfile(path, target)
            files[name] = str(target)
    if not as_json:
        click.echo(f"audit: {done.report.summary()}", err=True)
        for check in done.report.failing("warn"):
            click.echo(f"  {check.status}: {check.label} = {check.value} ({check.message})", err=True)
        for name, path in files.items():
            click.echo(f"{name}: {path}")
    return 0
