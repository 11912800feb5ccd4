"""Export a stored chat to Markdown (to read or share) or JSON Lines (the full trace)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from agents.events import ChartResult, Error, Notice, RouteDecided, TableResult, ToolCall
from router.store import SessionInfo, StoredTurn

FORMATS = ("md", "jsonl")


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def to_markdown(info: SessionInfo, turns: list[StoredTurn]) -> str:
    lines = [f"# {info.title or 'Untitled chat'}", "", f"_Exported from maitre; started {_when(info.created_at)}._", ""]
    for turn in turns:
        lines += [f"## You", "", turn.text, ""]
        route = next((e for e in turn.events if isinstance(e, RouteDecided)), None)
        heading = f"## {turn.agent or 'maitre'}"
        if route is not None:
            heading += f" ({route.stage}, {route.confidence:.0%})"
        if turn.status != "ok":
            heading += f" — {turn.status}"
        lines += [heading, ""]
        for event in turn.events:
            if isinstance(event, ToolCall):
                lines.append(f"> tool `{event.tool}` {json.dumps(event.arguments, ensure_ascii=False)}")
            elif isinstance(event, TableResult):
                lines += ["", "| " + " | ".join(event.columns) + " |", "|" + "---|" * len(event.columns)]
                lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in event.rows]
                lines.append("")
            elif isinstance(event, ChartResult) and event.html_path:
                lines.append(f"> chart ({event.kind}): {event.html_path}")
            elif isinstance(event, Notice):
                lines.append(f"> {event.level}: {event.message}")
            elif isinstance(event, Error):
                lines.append(f"> error: {event.message}")
        lines += ["", turn.answer, ""]
    return "\n".join(lines).rstrip() + "\n"


def to_jsonl(info: SessionInfo, turns: list[StoredTurn]) -> str:
    """One line for the session, then one per turn with every event: enough to rebuild the trace."""
    out = [json.dumps({"kind": "session", "id": info.id, "title": info.title, "created_at": info.created_at})]
    for turn in turns:
        out.append(json.dumps({
            "kind": "turn",
            "id": turn.id,
            "seq": turn.seq,
            "text": turn.text,
            "agent": turn.agent,
            "status": turn.status,
            "answer": turn.answer,
            "events": [json.loads(e.model_dump_json()) for e in turn.events],
        }, ensure_ascii=False))
    return "\n".join(out) + "\n"


def export_chat(info: SessionInfo, turns: list[StoredTurn], fmt: str) -> str:
    if fmt == "md":
        return to_markdown(info, turns)
    if fmt == "jsonl":
        return to_jsonl(info, turns)
    raise ValueError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
