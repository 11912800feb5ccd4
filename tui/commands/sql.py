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
@click.option("--limit", type=int, help="Only the first N questions.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.pass_context
def eval_sql(ctx: click.Context, questions: Path | None, spider_dir: Path | None, limit: int | None, as_json: bool) -> None:
    """Measure the sql agent: execution accuracy against gold SQL.

    QUESTIONS is a YAML list of {id, question, gold_sql} over the --db database (the demo
    database by default).
    """
    raise click.ClickException("eval-sql is not available yet")
