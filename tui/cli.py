"""The `maitre` command line. With no subcommand it opens the chat."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import click

from tui.commands import register_all
from tui.settings import ENVIRONMENT, Settings, SettingsError, default_config_path, load_settings

BACKENDS = click.Choice(["auto", "ollama", "embedded", "replay"])


def _overrides(**flags: Any) -> dict[str, Any]:
    keys = {
        "backend": "backend",
        "host": "ollama.host",
        "model": "ollama.model",
        "gguf": "embedded.gguf_path",
        "store": "store_path",
        "data_dir": "data_dir",
        "cassette": "replay.cassette",
        "db": "agents.sql.db_url",
    }
    return {keys[name]: (str(v) if isinstance(v, Path) else v) for name, v in flags.items() if v is not None}


def settings_from(ctx: click.Context) -> Settings:
    """The Settings for this invocation, built once from file, environment and the group's flags."""
    obj = ctx.ensure_object(dict)
    if "settings" not in obj:
        try:
            obj["settings"] = load_settings(obj.get("config"), overrides=obj.get("overrides", {}))
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from None
    return obj["settings"]


def open_runtime(ctx: click.Context):  # type: ignore[no-untyped-def]
    from router.store import StoreError
    from tui.runtime import build_runtime

    try:
        return build_runtime(settings_from(ctx))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


# "\b" tells click to keep the lines of the next paragraph as they are.
_ENV_HELP = "\b\n" + "\n".join(f"{var:<20}{key}" for var, key in ENVIRONMENT) + "\nMAITRE_CONFIG       the settings file"


@click.group(
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=f"Settings come from {default_config_path()} (TOML), then these environment variables, "
    "then the flags above.\n\n" + _ENV_HELP,
)
@click.option("--config", type=click.Path(path_type=Path), help="Settings file (TOML). Default: see below.")
@click.option("--backend", type=BACKENDS, help="Where models run. auto = Ollama if it answers and has the model, else embedded.")
@click.option("--host", help="Ollama address, e.g. http://127.0.0.1:11434 (env OLLAMA_HOST).")
@click.option("--model", help="Ollama model for every role that has no model of its own, e.g. llama3.2:3b.")
@click.option("--gguf", type=click.Path(path_type=Path), help="A GGUF file for the embedded backend instead of the bundled SmolLM2-135M.")
@click.option("--store", type=click.Path(path_type=Path), help="The conversation store (SQLite file).")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Where maitre keeps its data (store, indexes, charts).")
@click.option("--cassette", type=click.Path(path_type=Path), help="Recorded responses for --backend replay.")
@click.option("--db", help="Database URL for the sql agent (SQLAlchemy URL; env MAITRE_DB_URL).")
@click.version_option(package_name="maitre")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, **flags: Any) -> None:
    """maitre: one chat, many local specialists.

    Each turn goes to the agent that fits it (chat, and the specialists that are installed),
    on a local model: Ollama when it runs, the embedded SmolLM2 model when it does not.
    Start a turn with @agent (or /agent) to choose the agent yourself.

    With no command, opens the chat.
    """
    obj = ctx.ensure_object(dict)
    obj["config"] = config
    obj["overrides"] = _overrides(**flags)
    if ctx.invoked_subcommand is None:
        ctx.invoke(chat)


@cli.command()
@click.option("--session", "session_id", help="Reopen this chat (an id from the sidebar or the store).")
@click.pass_context
def chat(ctx: click.Context, session_id: str | None) -> None:
    """Open the chat (the default command)."""
    from tui.app import MaitreApp

    def build(settings: Settings):  # type: ignore[no-untyped-def]
        from tui.runtime import build_runtime  # imported in the loading thread: sklearn, agents…

        return build_runtime(settings)

    # The screen comes up first; the runtime is built behind it (see tui/app.py).
    app = MaitreApp(session_id=session_id, settings=settings_from(ctx), load=build)
    try:
        app.run()
    finally:
        if app.ready:
            app.runtime.close()
    if app.return_code:
        sys.exit(app.return_code)


@cli.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--agent", help="Send the turn to this agent instead of routing it.")
@click.option("--json", "as_json", is_flag=True, help="Print every event as one JSON object per line.")
@click.option("--session", "session_id", help="Continue this chat instead of starting a new one.")
@click.pass_context
def ask(ctx: click.Context, text: tuple[str, ...], agent: str | None, as_json: bool, session_id: str | None) -> None:
    """Run one turn without the UI and print the answer.

    TEXT is the question; use "-" to read it from standard input.
    """
    from tui.ask import run_ask

    joined = " ".join(text)
    if joined == "-":
        joined = sys.stdin.read()
    if agent:
        joined = f"@{agent} {joined}"
    runtime = open_runtime(ctx)
    try:
        code = asyncio.run(run_ask(runtime, joined, as_json=as_json, session_id=session_id))
    finally:
        runtime.close()
    sys.exit(code)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.pass_context
def doctor(ctx: click.Context, as_json: bool) -> None:
    """Check which backend answers, which models are there, and where files live.

    Exits with status 1 when no backend can answer.
    """
    from tui.doctor import diagnose

    report = diagnose(settings_from(ctx))
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(report.as_text())
    sys.exit(0 if report.can_answer else 1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per chat.")
@click.pass_context
def chats(ctx: click.Context, as_json: bool) -> None:
    """List stored chats, newest first (ids for --session and export)."""
    from datetime import datetime

    runtime = open_runtime(ctx)
    try:
        for info in runtime.store.list_sessions():
            if as_json:
                click.echo(json.dumps({"id": info.id, "title": info.title, "updated_at": info.updated_at}))
            else:
                when = datetime.fromtimestamp(info.updated_at).strftime("%Y-%m-%d %H:%M")
                click.echo(f"{info.id}  {when}  {info.title}")
    finally:
        runtime.close()


@cli.command()
@click.argument("session_id")
@click.option("--format", "fmt", type=click.Choice(["md", "jsonl"]), default="md", show_default=True,
              help="md: readable Markdown; jsonl: every turn with its full event trace.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
@click.pass_context
def export(ctx: click.Context, session_id: str, fmt: str, output: Path | None) -> None:
    """Export a stored chat (an id from `maitre chats`) to Markdown or JSON Lines."""
    from tui.export import export_chat

    runtime = open_runtime(ctx)
    try:
        matches = [s for s in runtime.store.list_sessions() if s.id.startswith(session_id)]
        if len(matches) != 1:
            raise click.ClickException(
                f"no chat with id {session_id!r}" if not matches else f"{session_id!r} matches {len(matches)} chats; give more of the id"
            )
        text = export_chat(matches[0], runtime.store.load_turns(matches[0].id), fmt)
    finally:
        runtime.close()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


register_all(cli)


def main() -> None:
    cli(prog_name="maitre")


if __name__ == "__main__":
    main()
