"""The typed events of one turn.

Everything the user sees is an event: the TUI renders them, the store persists them, and
`maitre ask --json` prints them one per line. Each event is a pydantic model with a literal
`type`, so a stored event can be parsed back into the right class with `parse_event`.
"""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Field, TypeAdapter


class BaseEvent(BaseModel):
    """Fields shared by every event."""

    ts: float = Field(default_factory=time.time, description="Unix time the event was made.")


class TurnStarted(BaseEvent):
    type: Literal["turn_started"] = "turn_started"
    turn_id: str
    text: str


class RouteCandidate(BaseModel):
    agent: str
    score: float


class RouteDecided(BaseEvent):
    type: Literal["route_decided"] = "route_decided"
    agent: str
    stage: str = Field(description="Which stage of the cascade decided: explicit, follow_up, classifier, llm.")
    confidence: float
    candidates: list[RouteCandidate] = Field(default_factory=list)
    reason: str = ""
    threshold: float | None = None
    elapsed_ms: float = 0.0


class AgentStarted(BaseEvent):
    type: Literal["agent_started"] = "agent_started"
    agent: str
    model: str = ""
    backend: str = ""


class TextDelta(BaseEvent):
    type: Literal["text_delta"] = "text_delta"
    text: str


class ToolCall(BaseEvent):
    type: Literal["tool_call"] = "tool_call"
    call_id: str
    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class ToolResult(BaseEvent):
    type: Literal["tool_result"] = "tool_result"
    call_id: str
    tool: str
    ok: bool = True
    content: str = ""


class TableResult(BaseEvent):
    type: Literal["table_result"] = "table_result"
    columns: list[str]
    rows: list[list[Any]]
    sql: str | None = None
    truncated: bool = False


class ChartResult(BaseEvent):
    type: Literal["chart_result"] = "chart_result"
    kind: str = Field(description="line, bar, pie, scatter…")
    title: str = ""
    html_path: str | None = None
    png_path: str | None = None
    text_chart: str = Field(default="", description="The chart drawn with characters, for the terminal.")


class PlanNode(BaseEvent):
    type: Literal["plan_node"] = "plan_node"
    node_id: str
    parent_id: str | None = None
    depth: int = 0
    text: str = ""
    score: float | None = None
    state: Literal["proposed", "kept", "pruned", "chosen"] = "proposed"
    tokens: int = 0
    ms: float = 0.0


class Notice(BaseEvent):
    type: Literal["notice"] = "notice"
    level: Literal["info", "warning"] = "info"
    message: str


class Usage(BaseEvent):
    type: Literal["usage"] = "usage"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model: str = ""


class Error(BaseEvent):
    type: Literal["error"] = "error"
    kind: str = Field(description="A short machine-readable kind: model_unreachable, model_missing, agent_failed…")
    message: str = Field(description="A sentence the user can act on.")
    retryable: bool = False


class TurnDone(BaseEvent):
    type: Literal["turn_done"] = "turn_done"
    turn_id: str
    status: Literal["ok", "error", "cancelled"] = "ok"
    elapsed_ms: float = 0.0


Event = Annotated[
    Union[
        TurnStarted,
        RouteDecided,
        AgentStarted,
        TextDelta,
        ToolCall,
        ToolResult,
        TableResult,
        ChartResult,
        PlanNode,
        Notice,
        Usage,
        Error,
        TurnDone,
    ],
    Field(discriminator="type"),
]

_event_adapter: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(data: dict[str, Any] | str) -> Event:
    """Rebuild an event from its stored dict or JSON text."""
    if isinstance(data, str):
        return _event_adapter.validate_json(data)
    return _event_adapter.validate_python(data)
