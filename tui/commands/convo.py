"""`maitre test`: run scripted conversations; `maitre test import`: convert peers' test files."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

import click


class _NoBar:
    """Stands in for the progress bar when stderr is not a terminal (CI logs)."""

    def update(self, _steps: int) -> None:
        return None


class _DefaultRunGroup(click.Group):
    """`maitre test PATH…` means `maitre test run PATH…`; `maitre test import …` is a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group("test", cls=_DefaultRunGroup)
def test_group() -> None:
    """Run scripted conversation tests (*.convo.yaml): `maitre test PATH…`.

    See `maitre test run --help` for the options, `maitre test import --help` to convert
    promptfoo or Rasa test files.
    """


@test_group.command("run")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--mode", type=click.Choice(["replay", "record", "live"]), default="replay", show_default=True,
              help="replay: answers from each conversation's cassette (deterministic). record: the live model "
              "answers and the cassette is (re)written. live: the live model answers, nothing is written.")
@click.option("--repeat", type=click.IntRange(1), default=1, show_default=True,
              help="Run each conversation N times and report each turn's pass rate and flakiness (for --mode live).")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False, path_type=Path), help="Write a JUnit XML report.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write a JSON report.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a self-contained HTML report (each turn's events, route, timings, failures).")
@click.option("--check-prompts", is_flag=True,
              help="In replay, also fail a turn whose prompt differs from the recorded one (a changed template, "
              "history or setting), even when the recorded answers still fit.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; only the summary.")
@click.pass_context
def run_command(
    ctx: click.Context, paths: tuple[Path, ...], mode: str, repeat: int, junit_path: Path | None,
    json_path: Path | None, html_path: Path | None, check_prompts: bool, quiet: bool,
) -> None:
    """Run conversation files, or every *.convo.yaml under the given folders.

    The live backend for record and live modes is the one given with `maitre --backend …`
    (before `test`), else the conversation's own, else auto. Exits 1 when any turn fails.
    """
    from tui.convo.format import ConvoFormatError, find_conversations, load_conversation
    from tui.convo.reports import summary_text, write_html, write_json, write_junit
    from tui.convo.runner import RunOptions, run_suite

    files = find_conversations(list(paths))
    if not files:
        raise click.UsageError("no *.convo.yaml files under " + ", ".join(str(p) for p in paths))
    turns_per_file: dict[str, int] = {}
    for file in files:
        try:
            turns_per_file[str(file)] = len(load_conversation(file).turns)
        except ConvoFormatError:
            turns_per_file[str(file)] = 1
    total = sum(turns_per_file.values()) * repeat
    obj = ctx.find_root().ensure_object(dict)
    overrides: dict[str, Any] = dict(obj.get("overrides", {}))
    backend = overrides.pop("backend", None)
    show_bar = not quiet and sys.stderr.isatty()
    progress = (click.progressbar(length=total, label="turns", file=sys.stderr, show_pos=True)
                if show_bar else contextlib.nullcontext(_NoBar()))
    with progress as bar:
        def on_turn(_convo: Any, _turn: Any) -> None:
            bar.update(1)

        def on_conversation(result: Any) -> None:
            if result.problem:  # its turns never ran: move the bar past them
                bar.update(max(0, turns_per_file.get(result.path, 1) - len(result.turns)))
            if not show_bar and not quiet:
                mark = "ok  " if result.passed else "FAIL"
                click.echo(f"{mark} {result.name} ({len(result.turns)} turns, {result.elapsed_ms:.0f} ms)", err=True)

        options = RunOptions(
            mode=mode,  # type: ignore[arg-type]
            backend=backend,
            config_path=obj.get("config"),
            env=os.environ,
            base_overrides=overrides,
            check_prompts=check_prompts,
            on_turn=on_turn,
        )
        summary = asyncio.run(run_suite(files, options, repeat=repeat, on_conversation=on_conversation))
    for writer, target in ((write_junit, junit_path), (write_json, json_path), (write_html, html_path)):
        if target is not None:
            writer(summary, target)
    click.echo(summary_text(summary))
    sys.exit(0 if summary.passed else 1)


@test_group.group("import")
def import_group() -> None:
    """Convert another tool's test file into maitre conversation files."""


@import_group.command("promptfoo")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder for the *.convo.yaml files.")
def import_promptfoo(source: Path, out_dir: Path) -> None:
    """Convert a promptfoo config (promptfooconfig.yaml): each test becomes a conversation."""
    from tui.convo.importers import ImportProblem, import_promptfoo as convert, write_imported

    try:
        imported = convert(source)
    except ImportProblem as exc:
        raise click.ClickException(str(exc)) from None
    _report_import(write_imported(imported, out_dir), imported.notes)


@import_group.command("rasa")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder for the *.convo.yaml files.")
@click.option("--intent-agent", "intent_map", multiple=True, metavar="INTENT=AGENT",
              help="Route expectation for a Rasa intent, e.g. --intent-agent ask_sales=sql (repeatable).")
def import_rasa(source: Path, out_dir: Path, intent_map: tuple[str, ...]) -> None:
    """Convert Rasa end-to-end tests (stories with `user:` steps, or Rasa Pro `test_cases`)."""
    from tui.convo.importers import ImportProblem, import_rasa as convert, write_imported

    mapping: dict[str, str] = {}
    for item in intent_map:
        intent, sep, agent = item.partition("=")
        if not sep or not intent or not agent:
            raise click.BadParameter(f"{item!r} is not INTENT=AGENT", param_hint="--intent-agent")
        mapping[intent.strip()] = agent.strip()
    try:
        imported = convert(source, intent_agents=mapping)
    except ImportProblem as exc:
        raise click.ClickException(str(exc)) from None
    _report_import(write_imported(imported, out_dir), imported.notes)


def _report_import(written: list[Path], notes: list[str]) -> None:
    for note in notes:
        click.echo(f"note: {note}", err=True)
    for path in written:
        click.echo(str(path))
    click.echo(f"wrote {len(written)} conversation file{'s' if len(written) != 1 else ''}; record their cassettes "
               "with `maitre test --mode record FOLDER`", err=True)


def register(cli: click.Group) -> None:
    cli.add_command(test_group)
