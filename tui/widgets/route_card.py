"""The route card on top of each answer: who answered, how it was chosen, and what it did.

Collapsed, it is one line: agent · stage · confidence · routing time · turn time · backend·model.
Expanded (click, or Enter/space on it or on its answer), it lists the route candidates with their scores, the reason
and threshold, and every tool call with its arguments and result.

The card keeps the events it was given as data and builds the detail widgets only when it is
first expanded: a reloaded 500-turn chat then costs one line per card, and since the card is
built from the same events whether they arrive live or from the store, it looks the same.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Collapsible, Static

from agents.events import AgentStarted, RouteDecided, ToolCall, ToolResult, TurnDone

# A result longer than this is cut in the card, with the whole text one click away.
RESULT_PREVIEW_CHARS = 400
RESULT_PREVIEW_LINES = 8
ARGUMENT_CHARS = 1200


@dataclass
class ToolTrace:
    """One tool call and, once it arrives, its result (paired by call_id)."""

    call: ToolCall
    result: ToolResult | None = None

    def status_mark(self) -> str:
        if self.result is None:
            return "…"
        return "✓" if self.result.ok else "✗"


@dataclass
class RouteTrace:
    routes: list[RouteDecided] = field(default_factory=list)
    agents: list[AgentStarted] = field(default_factory=list)
    tools: dict[str, ToolTrace] = field(default_factory=dict)
    turn_ms: float | None = None
    status: str = "running"


def format_ms(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def format_arguments(arguments: dict[str, object]) -> str:
    lines = []
    for key, value in arguments.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        if len(shown) > ARGUMENT_CHARS:
            shown = shown[:ARGUMENT_CHARS] + f"… ({len(shown):,} chars)"
        lines.append(f"{key}: {shown}")
    return "\n".join(lines)


def preview(content: str) -> tuple[str, bool]:
    """The start of a tool result, and whether it was cut."""
    lines = content.splitlines()
    cut = "\n".join(lines[:RESULT_PREVIEW_LINES])
    if len(cut) > RESULT_PREVIEW_CHARS:
        cut = cut[:RESULT_PREVIEW_CHARS]
    return (cut, True) if len(cut) < len(content.rstrip()) else (content, False)


def summary_line(trace: RouteTrace) -> str:
    """The collapsed card: one line a person can read at a glance."""
    if not trace.routes:
        parts = ["routing…"]
    elif len(trace.routes) == 1:
        route = trace.routes[0]
        parts = [route.agent, route.stage, f"{route.confidence:.0%}"]
    else:  # a split turn: one route per part
        parts = [" + ".join(f"{r.agent} {r.confidence:.0%}" for r in trace.routes), "split"]
    routing_ms = sum(r.elapsed_ms for r in trace.routes)
    if trace.routes:
        parts.append(f"route {format_ms(routing_ms)}")
    if trace.turn_ms is not None:
        parts.append(f"turn {format_ms(trace.turn_ms)}")
    models = dict.fromkeys(f"{a.backend}·{a.model}" for a in trace.agents if a.backend or a.model)
    parts.extend(models)
    if trace.tools:
        failed = sum(1 for t in trace.tools.values() if t.result is not None and not t.result.ok)
        count = f"{len(trace.tools)} tool call{'s' if len(trace.tools) != 1 else ''}"
        parts.append(count + (f" ({failed} failed)" if failed else ""))
    if trace.status in ("cancelled", "error"):
        parts.append(trace.status)
    return " · ".join(parts)


def route_details(trace: RouteTrace) -> Text:
    """Candidates, reason and threshold of each route decision."""
    text = Text()
    for number, route in enumerate(trace.routes, 1):
        if number > 1:
            text.append("\n")
        head = f"Route {number}: " if len(trace.routes) > 1 else "Route: "
        text.append(head, style="bold")
        text.append(f"{route.agent} by {route.stage}, confidence {route.confidence:.2f}")
        if route.threshold is not None:
            text.append(f", threshold {route.threshold:.2f}")
        text.append(f", {route.elapsed_ms:.1f} ms\n")
        if route.reason:
            text.append(f"Reason: {route.reason}\n", style="italic")
        for candidate in route.candidates[:8]:
            bar = "█" * round(max(0.0, min(1.0, candidate.score)) * 20)
            style = "bold" if candidate.agent == route.agent else "dim"
            text.append(f"  {candidate.agent:<12} {candidate.score:5.2f} {bar}\n", style=style)
    for started in trace.agents:
        text.append(f"Agent {started.agent} on {started.backend or '?'} · {started.model or '?'}\n")
    if not trace.tools:
        text.append("No tool calls.", style="dim")
    text.rstrip()
    return text


class ToolCallView(Vertical):
    """One tool call: its name and arguments, then its result (cut, with the whole text below)."""

    DEFAULT_CSS = """
    ToolCallView { height: auto; margin: 1 0 0 0; }
    ToolCallView > .tool-head { text-style: bold; }
    ToolCallView > .tool-args { color: $text-muted; padding: 0 0 0 2; }
    ToolCallView > .tool-result { padding: 0 0 0 2; }
    ToolCallView > .tool-result.-failed { color: $text-error; }
    ToolCallView > Collapsible { padding: 0 0 0 2; background: transparent; border-top: none; }
    """

    def __init__(self, trace: ToolTrace) -> None:
        super().__init__()
        self.trace = trace
        self.head = Static(classes="tool-head")
        self.args = Static(classes="tool-args")
        self.result = Static(classes="tool-result")
        self.full: Collapsible | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.head
        yield self.args
        yield self.result

    def on_mount(self) -> None:
        self.sync()

    def sync(self) -> None:
        trace = self.trace
        self.head.update(Text(f"{trace.status_mark()} {trace.call.tool}  ({trace.call.call_id})"))
        self.args.update(Text(format_arguments(trace.call.arguments) or "(no arguments)"))
        result = trace.result
        if result is None:
            self.result.update(Text("… waiting for the result"))
            return
        shown, cut = preview(result.content)
        self.result.set_class(not result.ok, "-failed")
        self.result.update(Text(("→ " if result.ok else "✗ ") + (shown or "(empty result)") + ("…" if cut else "")))
        if cut and self.full is None:
            self.full = Collapsible(Static(Text(result.content), classes="tool-full"), title=f"whole result ({len(result.content):,} chars)")
            self.mount(self.full)


class RouteDetails(Vertical):
    DEFAULT_CSS = """
    RouteDetails { height: auto; padding: 0 0 1 2; }
    RouteDetails > .tool-list { height: auto; }
    """

    def __init__(self, views: list[ToolCallView]) -> None:
        super().__init__()
        self.route = Static(classes="route-details")
        self.tool_list = Vertical(*views, classes="tool-list")

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.route
        yield self.tool_list


class RouteCard(Static, can_focus=True):
    """The card's line; its details are a sibling built the first time it is expanded.

    One widget, like the badge it replaced: a reloaded chat mounts a card per answer, and a
    Collapsible (five widgets each) made opening a long chat about 1.5 times slower.
    """

    DEFAULT_CSS = """
    RouteCard {
        width: auto;
        max-width: 100%;
        padding: 0 1;
        background: $primary-muted;
        color: $text;
        text-style: bold;
        pointer: pointer;
    }
    RouteCard:hover { background: $primary; }
    RouteCard:focus { text-style: bold reverse; }
    RouteCard.-cancelled { background: $warning-muted; }
    RouteCard.-error { background: $error-muted; }
    """
    BINDINGS = [Binding("enter,space", "toggle", "Route details", show=False)]

    collapsed = reactive(True, init=False)

    def __init__(self) -> None:
        self.trace = RouteTrace()
        self.details: RouteDetails | None = None
        self._views: dict[str, ToolCallView] = {}
        self._started_at: float | None = None
        super().__init__(Text("▶ " + self.summary))

    @property
    def summary(self) -> str:
        return summary_line(self.trace)

    def _title_text(self) -> Text:
        return Text(("▶ " if self.collapsed else "▼ ") + self.summary)

    def record(self, event: RouteDecided | AgentStarted | ToolCall | ToolResult | TurnDone) -> None:
        """Take one event into the card's data, then refresh what is on screen."""
        trace = self.trace
        if isinstance(event, RouteDecided):
            trace.routes.append(event)
        elif isinstance(event, AgentStarted):
            trace.agents.append(event)
        elif isinstance(event, ToolCall):
            trace.tools[event.call_id] = ToolTrace(event)
        elif isinstance(event, ToolResult):
            if event.call_id in trace.tools:
                trace.tools[event.call_id].result = event
            else:  # a result whose call was never sent: still show it
                call = ToolCall(call_id=event.call_id, tool=event.tool, ts=event.ts)
                trace.tools[event.call_id] = ToolTrace(call, event)
        else:
            trace.turn_ms = event.elapsed_ms
            self.set_status(event.status)
        self._refresh()

    def start_clock(self, started_ts: float) -> None:
        self._started_at = started_ts

    def set_status(self, status: str) -> None:
        if status == "cancelled" and self.trace.turn_ms is None and self._started_at is not None:
            # A cancelled turn's TurnDone reaches the store, not the UI: time it the same way.
            self.trace.turn_ms = (time.time() - self._started_at) * 1000
        self.trace.status = status
        self.set_class(status == "cancelled", "-cancelled")
        self.set_class(status == "error", "-error")
        self._refresh()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_toggle()

    def action_toggle(self) -> None:
        self.collapsed = not self.collapsed

    def _refresh(self) -> None:
        self.update(self._title_text())
        if not self.collapsed:
            self._sync_details()

    def watch_collapsed(self, collapsed: bool) -> None:
        self.update(self._title_text())
        if self.details is not None:
            self.details.display = not collapsed
        if not collapsed:
            self._sync_details()

    def _sync_details(self) -> None:
        """Build or update the detail widgets from the data (only while expanded)."""
        if self.details is None:
            if self.parent is None:
                return
            self._views = {call_id: ToolCallView(trace) for call_id, trace in self.trace.tools.items()}
            self.details = RouteDetails(list(self._views.values()))
            self.details.route.update(route_details(self.trace))
            self.parent.mount(self.details, after=self)
            return
        if not self.details.tool_list.is_mounted:  # opened a moment ago: catch up once it is
            self.call_after_refresh(self._sync_details)
            return
        self.details.route.update(route_details(self.trace))
        for call_id, trace in self.trace.tools.items():
            view = self._views.get(call_id)
            if view is None:
                view = self._views[call_id] = ToolCallView(trace)
                self.details.tool_list.mount(view)
            elif view.is_mounted:
                view.sync()
