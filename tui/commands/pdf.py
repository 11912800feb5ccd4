"""`maitre ingest`, `maitre docs` and `maitre eval-rag`: the pdf agent's workspace from the shell."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import click


def _pdf_settings(ctx: click.Context, workspace: str | None, folder: Path | None = None) -> tuple[Any, Any]:
    """(Settings, the pdf section as a dict) with command-line overrides applied."""
    from tui.cli import settings_from

    settings = settings_from(ctx)
    section = dict(settings.agent_settings().get("pdf", {}))
    if workspace:
        section["workspace"] = workspace
        section.pop("folder", None)
    if folder is not None:
        section["folder"] = str(folder)
    return settings, section


def _context(settings: Any, section: dict[str, Any]) -> Any:
    from agents.base import AgentContext
    from tools.models import ModelHub

    return AgentContext(models=ModelHub(settings.model), settings=section, data_dir=settings.data_dir)


def _open_library(settings: Any, section: dict[str, Any]) -> tuple[Any, Any, str]:
    from agents.pdf import PdfAgent, parse_settings

    try:
        pdf = parse_settings(section)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    context = _context(settings, section)
    library, keyword_reason = PdfAgent().library(pdf, context)
    return library, context, keyword_reason


def _ingest_with_bar(library: Any, paths: list[Path], quiet: bool) -> Any:
    bar: list[Any] = []
    shown = [0]

    def progress(state: Any) -> None:
        if quiet:
            return
        if not bar and state.files_total:
            bar.append(click.progressbar(length=state.files_total, label="Ingesting", file=sys.stderr,
                                         item_show_func=lambda _: None))
            bar[0].__enter__()
        if bar:
            bar[0].label = f"Ingesting ({state.pages} pages, {state.chunks} chunks{', ' + state.stage if state.stage not in ('reading', 'done') else ''})"
            bar[0].update(state.files_done - shown[0])
            shown[0] = state.files_done

    try:
        return library.ingest(paths, progress=progress)
    finally:
        if bar:
            bar[0].__exit__(None, None, None)


def _print_report(report: Any, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({
            "summary": report.summary(),
            "files": [{"path": str(o.path), "status": o.status, "message": o.message, "pages": o.pages,
                       "chunks": o.chunks} for o in report.outcomes],
            "notes": report.notes,
        }, indent=2))
        return
    for outcome in report.outcomes:
        if outcome.status == "failed":
            click.echo(f"  ✗ {outcome.message}", err=True)
        elif outcome.status in ("added", "updated", "removed", "skipped"):
            extra = f" — {outcome.message}" if outcome.message else ""
            click.echo(f"  {outcome.status:<8} {outcome.path.name} ({outcome.pages} pages, {outcome.chunks} chunks){extra}")
    for note in report.notes:
        click.echo(f"  ! {note}", err=True)
    click.echo(report.summary())


def register(cli: click.Group) -> None:
    @cli.command()
    @click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
    @click.option("--remove", "removals", multiple=True, type=click.Path(path_type=Path),
                  help="Delete this document from the index (repeatable).")
    @click.option("--workspace", help="Workspace name (default: the pdf setting `workspace`, else \"default\").")
    @click.option("--json", "as_json", is_flag=True, help="Print the outcome of every file as JSON.")
    @click.pass_context
    def ingest(ctx: click.Context, paths: tuple[Path, ...], removals: tuple[Path, ...], workspace: str | None,
               as_json: bool) -> None:
        """Add PDFs (files or folders) to the pdf agent's index; unchanged files are skipped.

        A changed file replaces its old version. Exits with status 1 when a file could not be
        ingested (the others are ingested all the same).
        """
        if not paths and not removals:
            raise click.UsageError("give PDF files or folders to ingest, or --remove FILE")
        settings, section = _pdf_settings(ctx, workspace)
        library, _, keyword_reason = _open_library(settings, section)
        failed = False
        try:
            if removals:
                report = library.remove(list(removals))
                _print_report(report, as_json)
                failed |= report.count("failed") > 0
            if paths:
                if keyword_reason and not as_json:
                    click.echo(f"Keyword index only (BM25): {keyword_reason}.", err=True)
                report = _ingest_with_bar(library, list(paths), quiet=as_json)
                _print_report(report, as_json)
                failed |= report.count("failed") > 0
        finally:
            library.close()
        sys.exit(1 if failed else 0)

    @cli.command()
    @click.option("--workspace", help="Workspace name (default: the pdf setting `workspace`, else \"default\").")
    @click.option("--json", "as_json", is_flag=True, help="Print the documents as JSON.")
    @click.pass_context
    def docs(ctx: click.Context, workspace: str | None, as_json: bool) -> None:
        """List the documents in the pdf agent's workspace."""
        settings, section = _pdf_settings(ctx, workspace)
        library, _, _ = _open_library(settings, section)
        try:
            documents = library.documents()
            status = library.index.dense_status()
        finally:
            library.close()
        if as_json:
            click.echo(json.dumps({"folder": str(library.folder), "search": status.detail, "documents": [
                {"path": str(d.path), "pages": d.pages, "chunks": d.chunks, "tables": d.tables, "sha256": d.sha256,
                 "ingested_at": d.ingested_at, "exists": d.exists} for d in documents]}, indent=2))
            return
        if not documents:
            click.echo(f"No documents in {library.folder}. Add some with `maitre ingest PATH`.")
            return
        width = max(len(d.name) for d in documents)
        for d in documents:
            flag = "" if d.exists else "  (file missing)"
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(d.ingested_at))
            click.echo(f"{d.name:<{width}}  {d.pages:>5} pages  {d.chunks:>5} chunks  {d.tables:>4} tables  {stamp}{flag}")
        click.echo(f"{len(documents)} documents in {library.folder}; search: {status.detail}")

    @cli.command("eval-rag")
    @click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--docs", "docs_folder", type=click.Path(exists=True, path_type=Path),
                  help="Ingest this folder into a fresh, temporary workspace and evaluate on it.")
    @click.option("--retrieval-only", is_flag=True, help="Score retrieval only; do not ask the model for answers.")
    @click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
    @click.pass_context
    def eval_rag(ctx: click.Context, questions: Path, docs_folder: Path | None, retrieval_only: bool,
                 as_json: bool) -> None:
        """Score the pdf agent on QUESTIONS (YAML): page_hit_at_5, citation_page_accuracy,
        answer_contains_rate and retrieval latency (p50_ms, p95_ms)."""
        import tempfile

        from tools.pdf.evaluation import EvalFileError, load_cases

        try:
            cases = load_cases(questions)
        except EvalFileError as exc:
            raise click.ClickException(str(exc)) from None
        with tempfile.TemporaryDirectory(prefix="maitre-eval-") as scratch:
            settings, section = _pdf_settings(ctx, None, Path(scratch) / "workspace" if docs_folder else None)
            library, context, keyword_reason = _open_library(settings, section)
            try:
                if docs_folder:
                    report = _ingest_with_bar(library, [docs_folder], quiet=as_json)
                    if not as_json:
                        click.echo(report.summary(), err=True)
                scores = asyncio.run(_evaluate(cases, library, context, section, retrieval_only, as_json))
            finally:
                library.close()
        scores["search"] = "keyword" if keyword_reason else "hybrid"
        if as_json:
            click.echo(json.dumps(scores))
        else:
            for key, value in scores.items():
                click.echo(f"{key:<24}{value}")


async def _evaluate(cases: list[Any], library: Any, context: Any, section: dict[str, Any], retrieval_only: bool,
                    quiet: bool) -> dict[str, Any]:
    from agents.base import Turn
    from agents.events import TableResult, TextDelta
    from agents.pdf import PdfAgent, parse_settings
    from tools.pdf.evaluation import CaseResult, score
    from tools.pdf.verify import citations

    pdf = parse_settings(section)
    agent = PdfAgent()
    agent._libraries[(str(library.folder), f"{pdf.embedder}:{pdf.embed_model}:{pdf.embed_gguf}")] = (library, "")
    results: list[CaseResult] = []
    for i, case in enumerate(cases, start=1):
        started = time.perf_counter()
        found = library.search(case.question, k=max(5, pdf.top_k), candidates=pdf.candidates,
                               files=[case.file] if case.file else None)
        latency = (time.perf_counter() - started) * 1000
        result = CaseResult(case.id, [(h.meta.get("file", ""), int(h.meta.get("page", 0))) for h in found.hits], latency)
        if not retrieval_only:
            events = [e async for e in agent.run(Turn(id=case.id, text=case.question), context)]
            result.answer = "".join(e.text for e in events if isinstance(e, TextDelta))
            marks = set(citations(result.answer))
            tables = [e for e in events if isinstance(e, TableResult) and e.columns[:1] == ["#"]]
            if tables and marks:
                result.cited = [(row[1], int(row[2])) for row in tables[-1].rows if row[0] in marks]
        if not quiet:
            click.echo(f"  [{i}/{len(cases)}] {case.id}: {latency:.1f} ms", err=True)
        results.append(result)
    return score(cases, results)
