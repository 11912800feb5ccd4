"""`maitre models` (what Ollama has, what is loaded, which agent uses which) and `maitre pull NAME`."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import click


def _admin(ctx: click.Context):  # type: ignore[no-untyped-def]
    from tools.models.ollama_admin import OllamaAdmin
    from tui.cli import settings_from

    config = settings_from(ctx).model
    # Tests hand recorded responses in through ctx.obj; in use this is a real connection.
    transport = ctx.ensure_object(dict).get("ollama_transport")
    return OllamaAdmin(config.ollama_host, timeout_s=config.connect_timeout_s, transport=transport), config


def _agent_names() -> list[str]:
    from agents.registry import default_registry

    return ["router", *default_registry().names()]


def models_report(overview: Any, config: Any, agents: list[str]) -> dict[str, Any]:
    from tools.models.probe import model_present

    loaded = {m.name: m for m in overview.loaded}
    return {
        "host": overview.host,
        "version": overview.version,
        "backend": config.backend,
        "installed": [
            {
                "name": m.name,
                "size": m.size,
                "parameters": m.parameter_size,
                "quantization": m.quantization_level,
                "loaded": m.name in loaded,
            }
            for m in overview.installed
        ],
        "loaded": [
            {"name": m.name, "size": m.size, "size_vram": m.size_vram, "expires_at": m.expires_at.isoformat() if m.expires_at else None}
            for m in overview.loaded
        ],
        "agents": {
            name: {"model": config.model_for(name), "pulled": model_present(config.model_for(name), overview.installed_names)}
            for name in agents
        },
    }


def register(cli: click.Group) -> None:
    @cli.command()
    @click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
    @click.pass_context
    def models(ctx: click.Context, as_json: bool) -> None:
        """List Ollama's installed and loaded models, and which agent uses which.

        Exits with status 1 when Ollama does not answer.
        """
        from tools.models.ollama_admin import human_size

        admin, config = _admin(ctx)
        overview = asyncio.run(admin.overview())
        if not overview.reachable:
            click.echo(overview.error, err=True)
            sys.exit(1)
        report = models_report(overview, config, _agent_names())
        if as_json:
            click.echo(json.dumps(report, indent=2))
            return
        click.echo(f"Ollama {overview.version} at {overview.host}")
        if config.backend in ("embedded", "replay"):
            click.echo(f"(the backend setting is {config.backend}: chats do not use these models)")
        click.echo("installed")
        loaded = {m.name: m for m in overview.loaded}
        for m in overview.installed or []:
            note = ""
            if m.name in loaded:
                until = loaded[m.name].expires_at
                note = f"  loaded, {loaded[m.name].on_gpu_fraction:.0%} in VRAM" + (f", until {until:%H:%M}" if until else "")
            click.echo(f"  {m.name:<28} {human_size(m.size):>9}  {m.parameter_size:<6} {m.quantization_level:<7}{note}".rstrip())
        if not overview.installed:
            click.echo("  (none: `maitre pull llama3.2:3b` gets a small chat model)")
        click.echo("agents")
        for name, use in report["agents"].items():
            missing = "" if use["pulled"] else f"  (not pulled: `maitre pull {use['model']}`)"
            click.echo(f"  {name:<10} {use['model']}{missing}")

    @cli.command()
    @click.argument("name")
    @click.pass_context
    def pull(ctx: click.Context, name: str) -> None:
        """Download model NAME into Ollama (e.g. llama3.2:3b), with a progress bar."""
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

        from tools.models.ollama_admin import OllamaAdminError

        admin, _ = _admin(ctx)
        console = Console(file=click.get_text_stream("stdout"))

        async def run() -> None:
            columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
            with Progress(*columns, console=console, transient=False) as progress:
                tasks: dict[str, Any] = {}
                async for step in admin.pull(name):
                    if step.digest and step.total:
                        if step.digest not in tasks:
                            tasks[step.digest] = progress.add_task(step.status, total=step.total)
                        progress.update(tasks[step.digest], completed=step.completed or 0)
                    elif not step.digest:
                        progress.console.print(step.status)

        try:
            asyncio.run(run())
        except OllamaAdminError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo(f"Pull of {name} stopped; `maitre pull {name}` resumes it.", err=True)
            sys.exit(130)
        click.echo(f"Pulled {name}.")
