"""`maitre ask`: one turn, printed as plain text or as JSON lines."""

from __future__ import annotations

import sys

from agents.events import AgentStarted, Error, Notice, RouteDecided, TableResult, TextDelta, TurnDone
from tui.runtime import Runtime


def _badge(event: RouteDecided) -> str:
    return f"[{event.agent} · {event.stage} · {event.confidence:.0%}] {event.reason}"


async def run_ask(runtime: Runtime, text: str, *, as_json: bool = False, session_id: str | None = None) -> int:
    """Returns the exit status: 0 when the turn ended well, 1 when it failed, 2 for no input."""
    if not text.strip():
        print("Nothing to ask: the text is empty.", file=sys.stderr)
        return 2
    for note in runtime.notes:
        print(f"note: {note}", file=sys.stderr)
    session = runtime.session(session_id)
    status = "ok"
    wrote_text = False
    async for event in session.send(text):
        if as_json:
            sys.stdout.write(event.model_dump_json() + "\n")
            sys.stdout.flush()
        elif isinstance(event, RouteDecided):
            print(_badge(event), file=sys.stderr)
        elif isinstance(event, AgentStarted):
            print(f"[{event.backend} · {event.model}]", file=sys.stderr)
        elif isinstance(event, TextDelta):
            sys.stdout.write(event.text)
            sys.stdout.flush()
            wrote_text = True
        elif isinstance(event, TableResult):
            print("\t".join(event.columns))
            for row in event.rows:
                print("\t".join("" if v is None else str(v) for v in row))
        elif isinstance(event, Notice):
            print(f"{event.level}: {event.message}", file=sys.stderr)
        elif isinstance(event, Error):
            print(f"error: {event.message}", file=sys.stderr)
        if isinstance(event, TurnDone):
            status = event.status
    if wrote_text and not as_json:
        sys.stdout.write("\n")
    return 0 if status == "ok" else 1
