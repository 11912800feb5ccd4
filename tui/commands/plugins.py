"""`maitre plugins`: what is installed through maitre's entry points, and whether it loaded."""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from typing import Any

import click

KEYWORDS_GROUP = "maitre.keywords"


def _keyword_sources() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    loaded, failed = [], []
    for ep in entry_points(group=KEYWORDS_GROUP):
        source = f"{ep.value} ({ep.dist.name if ep.dist else 'unknown package'})"
        try:
            ep.load()
            loaded.append({"name": ep.name, "source": source})
        except Exception as exc:  # reported, never fatal
            failed.append({"name": ep.name, "source": source, "error": f"{type(exc).__name__}: {exc}"})
    return loaded, failed


def plugin_report(settings: Any = None) -> dict[str, list[dict[str, object]]]:
    from agents.registry import default_registry
    from tools.toolbox import ToolBox

    registry = default_registry()
    toolbox = ToolBox()
    toolbox.load_entry_points()
    if settings is not None:
        toolbox.load_mcp_servers(settings.mcp_servers)
    mcp = toolbox.mcp_servers
    keywords, keyword_failures = _keyword_sources()
    return {
        "agents": [
            {"name": a.name, "source": registry.sources[a.name], "description": a.description, "examples": len(a.examples)}
            for a in registry
        ],
        "tools": [{"name": t.name, "source": toolbox.sources[t.name], "description": t.description} for t in toolbox],
        "keyword_sources": keywords,  # type: ignore[dict-item]
        "mcp_servers": [
            {"name": r.name, "transport": r.kind, "target": r.target, "loaded": r.loaded, "tools": r.tools, "error": r.error}
            for r in mcp
        ],
        "failed": [{"group": "maitre.agents", "name": f.name, "source": f.source, "error": f.error} for f in registry.failures]
        + [{"group": "maitre.tools", "name": f.name, "source": f.source, "error": f.error} for f in toolbox.failures]
        + [{"group": KEYWORDS_GROUP, **f} for f in keyword_failures]
        + [{"group": "mcp", "name": r.name, "source": r.target, "error": r.error} for r in mcp if not r.loaded],
    }


def register(cli: click.Group) -> None:
    @cli.command()
    @click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
    @click.pass_context
    def plugins(ctx: click.Context, as_json: bool) -> None:
        """List installed agents, tools, keyword sources and MCP servers, and what failed to load."""
        from tui.cli import settings_from

        report = plugin_report(settings_from(ctx))
        if as_json:
            click.echo(json.dumps(report, indent=2))
            return
        click.echo("agents")
        for a in report["agents"]:
            click.echo(f"  {a['name']:<12} {a['description']}  [{a['source']}, {a['examples']} examples]")
        click.echo("tools")
        for t in report["tools"] or [{"name": "(none)", "description": "", "source": ""}]:
            click.echo(f"  {t['name']:<12} {t['description']}  {('[' + str(t['source']) + ']') if t['source'] else ''}")
        click.echo("keyword sources")
        for k in report["keyword_sources"] or [{"name": "(none)", "source": ""}]:
            click.echo(f"  {k['name']:<12} {k['source']}")
        click.echo("mcp servers")
        for m in report["mcp_servers"] or [{"name": "(none: add [mcp.servers.NAME] to the settings)"}]:
            if "loaded" not in m:
                click.echo(f"  {m['name']}")
            elif m["loaded"]:
                click.echo(f"  {m['name']:<12} loaded: {', '.join(m['tools']) or '(no tools)'}  [{m['transport']}: {m['target']}]")
            else:
                click.echo(f"  {m['name']:<12} not loaded  [{m['transport']}: {m['target']}]")
        if report["failed"]:
            click.echo("failed to load (skipped)")
            for f in report["failed"]:
                click.echo(f"  {f['group']}: {f['name']} from {f['source']}: {f['error']}")
