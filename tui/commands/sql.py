"""`maitre demo-db` and `maitre eval-sql`: the sql agent's commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def register(cli: click.Group) -> None:
    cli.add_command(demo_db)
    cli.add_command(eval_sql)


@click.command("demo-db")
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="1 = about 10 000 members and 200 000 transactions; 50 = 10 million transactions.")
@click.option("--path", "path", type=click.Path(path_type=Path),
              help="Where to write the DuckDB file. Default: the file the sql agent uses, in the data folder.")
@click.option("--seed", type=int, help="Another seed gives other (but equally consistent) data.")
@click.pass_context
def demo_db(ctx: click.Context, scale: float, path: Path | None, seed: int | None) -> None:
    """Build the loyalty-club demo database (DuckDB), the same rows every time.

    The sql agent uses it when no --db is given. Tables: stores, members, products,
    transactions, transaction_items, points_ledger, campaigns, campaign_responses.
    """
    from tools.sql.demo_db import DEMO_SEED, build_demo_db, demo_db_path
    from tui.cli import settings_from

    if scale <= 0:
        raise click.BadParameter("must be greater than 0", param_hint="--scale")
    target = path or demo_db_path(settings_from(ctx).data_dir)
    click.echo(f"Building the demo database at scale {scale:g} into {target} …", err=True)
    try:
        info = build_demo_db(target, scale=scale, seed=DEMO_SEED if seed is None else seed,
                             progress=lambda step: click.echo(f"  {step}", err=True))
    except OSError as exc:
        raise click.ClickException(f"could not write {target}: {exc.strerror or exc}; choose another --path") from None
    for table, count in info.row_counts.items():
        click.echo(f"{table:<20}{count:>12,}")
    click.echo(f"Done in {info.seconds:.1f} s: {info.path}", err=True)
    click.echo(f"Use it with: maitre --db duckdb:///{info.path} ask \"…\"", err=True)


@click.command("eval-sql")
@click.argument("questions", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--spider", "spider_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Run the Spider dev set instead: a folder with dev.json and database/<db_id>/<db_id>.sqlite.")
@click.option("--db", "db_url", help="Database the questions are about (SQLAlchemy URL). Default: --db of maitre, "
              "else the demo database.")
@click.option("--limit", type=int, help="Only the first N questions.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.pass_context
def eval_sql(
    ctx: click.Context, questions: Path | None, spider_dir: Path | None, db_url: str | None, limit: int | None,
    as_json: bool,
) -> None:
    """Measure the sql agent: execution accuracy against gold SQL.

    QUESTIONS is a YAML list of {id, question, gold_sql}. Each question goes to the sql agent
    on the configured model; its rows are compared with the gold SQL's rows. Prints cases,
    execution_accuracy, valid_sql_rate, repairs_per_question, p50_ms and p95_ms.
    """
    import asyncio

    from tools.models.hub import ModelHub
    from tools.sql.demo_db import build_demo_db, demo_db_path
    from tools.sql.evaluation import EvalFileError, load_questions, load_spider
    from tui.cli import settings_from

    if (questions is None) == (spider_dir is None):
        raise click.UsageError("give either a QUESTIONS file or --spider DIR")
    settings = settings_from(ctx)
    sql_settings = dict(settings.agent_settings().get("sql", {}))
    if db_url:
        sql_settings["db_url"] = db_url
    try:
        if spider_dir is not None:
            cases, skipped = load_spider(spider_dir, limit)
        else:
            assert questions is not None
            cases, skipped = load_questions(questions)[:limit] if limit else load_questions(questions), 0
    except EvalFileError as exc:
        raise click.ClickException(str(exc)) from None
    if not sql_settings.get("db_url") and any(c.db_url is None for c in cases):
        demo = demo_db_path(settings.data_dir)
        if not demo.is_file():
            click.echo(f"Building the demo database into {demo} …", err=True)
            build_demo_db(demo, scale=float(sql_settings.get("demo_scale", 1.0)))
        sql_settings["db_url"] = f"duckdb:///{demo}"
    hub = ModelHub(settings.model)
    click.echo(f"Evaluating {len(cases)} questions on {hub.describe()} …", err=True)
    report = asyncio.run(evaluate(cases, hub, sql_settings, settings.data_dir,
                                  progress=None if as_json else lambda line: click.echo(line, err=True)))
    report.skipped += skipped
    click.echo(json.dumps(report.as_dict(), indent=2, default=str) if as_json else report.as_text())
    sys.exit(0 if report.outcomes else 1)


async def evaluate(cases, hub, sql_settings: dict, data_dir: Path, progress=None):  # type: ignore[no-untyped-def]
    """Run every case through the sql agent and compare with its gold SQL."""
    import asyncio
    import time
    import uuid

    from agents.base import AgentContext, Turn
    from agents.sql import SqlAgent
    from tools.sql.engine import DatabaseError, ReadOnlyDatabase
    from tools.sql.evaluation import CaseOutcome, EvalReport, gold_orders, results_match
    from tools.sql.workspace import jsonable

    agent = SqlAgent()
    report = EvalReport()
    gold_dbs: dict[str, ReadOnlyDatabase] = {}
    try:
        for case in cases:
            url = case.db_url or sql_settings["db_url"]
            if url not in gold_dbs:
                gold_dbs[url] = ReadOnlyDatabase(url, statement_timeout_s=60, row_cap=100_000)
            gold_db = gold_dbs[url]
            try:
                gold = await asyncio.to_thread(gold_db.execute, case.gold_sql)
            except DatabaseError as exc:
                report.skipped += 1
                if progress:
                    progress(f"  {case.id}: skipped, the gold SQL fails ({exc})")
                continue
            context = AgentContext(
                models=hub, data_dir=data_dir,
                settings={**sql_settings, "db_url": url, "charts": False, "row_cap": 100_000},
            )
            started = time.perf_counter()
            events = [e async for e in agent.run(Turn(id=uuid.uuid4().hex, text=case.question), context)]
            elapsed = (time.perf_counter() - started) * 1000
            tables = [e for e in events if e.type == "table_result"]
            errors = [e for e in events if e.type == "error"]
            attempts = sum(1 for e in events if e.type == "tool_call")
            correct = bool(tables) and results_match(
                [[jsonable(v) for v in row] for row in gold.rows], tables[-1].rows, gold_orders(case.gold_sql, gold_db.dialect)
            )
            outcome = CaseOutcome(
                id=case.id, question=case.question, correct=correct, valid_sql=bool(tables), attempts=attempts,
                ms=round(elapsed, 1), predicted_sql=tables[-1].sql if tables else None,
                problem=errors[-1].message if errors and not tables else "",
            )
            report.outcomes.append(outcome)
            if progress:
                progress(f"  {case.id}: {'right' if correct else 'wrong'} ({attempts} tries, {elapsed:.0f} ms)")
    finally:
        for db in gold_dbs.values():
            db.close()
    return report
