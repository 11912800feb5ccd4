"""`maitre eval-router` and `maitre fit-router`: measure the router on a case file, fit its thresholds."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

import click

# How many misrouted cases the table lists (all of them are in --json).
SHOWN_ERRORS = 15


def load_agents() -> list[Any]:
    """The agents the app would route to (built-ins and installed plug-ins)."""
    from agents.registry import default_registry

    return list(default_registry())


def _router_for(ctx: click.Context, no_llm: bool):  # type: ignore[no-untyped-def]
    from router.routing import build_router
    from tools.models.hub import ModelHub
    from tui.cli import settings_from

    settings = settings_from(ctx)
    config = settings.router.model_copy(update={"llm": settings.router.llm and not no_llm})
    models = ModelHub(settings.model) if config.llm else None
    return build_router(load_agents(), models=models, config=config, prompts_dir=settings.prompts_dir), settings


def _cases(path: Path):  # type: ignore[no-untyped-def]
    from router.evaluation import CaseFileError, load_cases

    try:
        return load_cases(path)
    except CaseFileError as exc:
        raise click.ClickException(f"{exc}. See `maitre eval-router --help` for the format.") from None


def _table(summary: dict[str, Any]) -> str:
    lines = [
        f"cases {summary['cases']}   accuracy {summary['accuracy']:.3f}   macro F1 {summary['macro_f1']:.3f}",
        f"router model on {summary['llm_call_rate']:.0%} of turns   latency p50 {summary['p50_ms']:.1f} ms, "
        f"p95 {summary['p95_ms']:.1f} ms (stage 1 p95 {summary['stage1_p95_ms']:.1f} ms)",
        f"abstain (clarify, out_of_scope) precision {summary['abstain_precision']:.3f}, "
        f"recall {summary['abstain_recall']:.3f}",
        "",
        f"{'route':<14}{'precision':>10}{'recall':>8}{'f1':>8}{'cases':>7}",
    ]
    for label, row in summary["per_route"].items():
        lines.append(f"{label:<14}{row['precision']:>10.3f}{row['recall']:>8.3f}{row['f1']:>8.3f}{row['support']:>7}")
    labels = list(summary["per_route"])
    lines += ["", "confusion (rows: expected, columns: routed)", " " * 14 + "".join(f"{lab[:7]:>8}" for lab in labels)]
    for expected in labels:
        row = summary["confusion"].get(expected, {})
        if row:
            lines.append(f"{expected:<14}" + "".join(f"{row.get(lab, 0) or '.':>8}" for lab in labels))
    errors = summary["errors"]
    if errors:
        lines += ["", f"misrouted ({len(errors)}):"]
        for error in errors[:SHOWN_ERRORS]:
            lines.append(f"  {error['id']}: expected {error['expected']}, got {error['predicted']} "
                         f"({error['stage']}: {error['reason']})")
        if len(errors) > SHOWN_ERRORS:
            lines.append(f"  … and {len(errors) - SHOWN_ERRORS} more (see --json)")
    return "\n".join(lines)


def write_router_section(path: Path, values: dict[str, float]) -> None:
    """Set keys of the `[router]` table in a TOML settings file, keeping everything else."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "[router]"), None)
    if start is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines.append("[router]")
        lines += [f"{key} = {value:.2f}" for key, value in values.items()]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
        pending = dict(values)
        for i in range(start + 1, end):
            match = re.match(r"\s*([A-Za-z_]+)\s*=", lines[i])
            if match and match.group(1) in pending:
                lines[i] = f"{match.group(1)} = {pending.pop(match.group(1)):.2f}"
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1  # new keys go after the section's last line, before any blank lines
        lines[end:end] = [f"{key} = {value:.2f}" for key, value in pending.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def register(cli: click.Group) -> None:
    @cli.command("eval-router")
    @click.argument("cases_file", metavar="CASES", type=click.Path(path_type=Path))
    @click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON object with every metric.")
    @click.option("--no-llm", is_flag=True, help="Stage 1 only: never ask the router model.")
    @click.pass_context
    def eval_router(ctx: click.Context, cases_file: Path, as_json: bool, no_llm: bool) -> None:
        """Route every case of CASES (YAML list or JSON Lines) and report how well the router did.

        \b
        A case:
          - id: sql-017
            history:                 # optional earlier turns, oldest first
              - {user: "How many gold members do we have?", agent: sql}
            text: "and how many of them joined this year?"
            expected: sql            # an agent, clarify, out_of_scope, or split (with parts: [sql, seo])

        Reports accuracy, macro F1, per-route precision/recall/F1, the confusion matrix, the share of
        turns that reached the router model, latency percentiles, and abstention precision/recall.
        """
        from router.evaluation import run_cases, summarise

        cases = _cases(cases_file)
        router, _ = _router_for(ctx, no_llm)
        summary = summarise(asyncio.run(run_cases(router, cases)))
        click.echo(json.dumps(summary) if as_json else _table(summary))

    @cli.command("fit-router")
    @click.argument("cases_file", metavar="CASES", type=click.Path(path_type=Path))
    @click.option("--max-llm-rate", default=0.2, show_default=True,
                  help="The largest share of turns that may reach the router model.")
    @click.option("--model-accuracy", default=0.8, show_default=True,
                  help="How often the router model is right on the turns stage 1 is unsure of "
                  "(0.8 suits a 3B model on Ollama; the embedded 135M model is near chance).")
    @click.option("--write", is_flag=True, help="Write the fitted values into the settings file's [router] section.")
    @click.option("--json", "as_json", is_flag=True, help="Print the fitted values as one JSON object.")
    @click.pass_context
    def fit_router(
        ctx: click.Context, cases_file: Path, max_llm_rate: float, model_accuracy: float, write: bool, as_json: bool
    ) -> None:
        """Fit the router's threshold and clarify margin to the cases in CASES (no model calls).

        Prints the [router] settings to use; --write puts them into the settings file.
        """
        from router.evaluation import fit_thresholds
        from tui.settings import default_config_path

        cases = _cases(cases_file)
        router, settings = _router_for(ctx, no_llm=True)
        fitted = asyncio.run(fit_thresholds(
            router, cases, model_accuracy=model_accuracy, max_llm_rate=max_llm_rate
        ))
        if as_json:
            click.echo(json.dumps(fitted.__dict__))
        else:
            click.echo(fitted.as_toml())
            click.echo(
                f"# stage 1 alone decides {1 - fitted.llm_call_rate:.0%} of turns, right on {fitted.confident_precision:.1%} "
                f"of them; expected accuracy with the router model on the rest: {fitted.accuracy:.1%}",
                err=True,
            )
        if write:
            target = settings.config_path or default_config_path()
            write_router_section(target, {"threshold": fitted.threshold, "clarify_margin": fitted.clarify_margin})
            click.echo(f"wrote [router] to {target}", err=True)
        sys.stdout.flush()
