"""The Agent contract: what every built-in or plug-in agent provides.

An agent is a name, a one-line description, example utterances (the router learns from them)
and an async `run` that yields events. Agents never print and never read settings files: all
they need arrives in the `AgentContext`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from agents.events import Event

if TYPE_CHECKING:
    from autogen_core.tools import Tool

    from tools.models import ModelHub


@dataclass(frozen=True)
class Exchange:
    """One earlier turn of the conversation, as agents see it."""

    user: str
    agent: str
    answer: str


@dataclass(frozen=True)
class Turn:
    """The user's text for this turn, after the router removed any `@agent` prefix."""

    id: str
    text: str
    history: tuple[Exchange, ...] = ()
    raw_text: str = ""


@dataclass
class AgentContext:
    """Everything an agent may use while it runs.

    `models` hands out chat clients by role (the role is usually the agent's name);
    `settings` holds this agent's own section of the settings file, already parsed;
    `data_dir` is where the agent may keep files between runs.
    """

    models: ModelHub
    settings: Mapping[str, Any] = field(default_factory=dict)
    data_dir: Path = Path(".")
    # Plug-in tools (autogen-core FunctionTools from `maitre.tools`), for agents that take tools.
    tools: Sequence[Tool] = ()
    extras: dict[str, Any] = field(default_factory=dict)


class Agent(ABC):
    """Subclass this and register it (built in, or through the `maitre.agents` entry point)."""

    name: ClassVar[str]
    description: ClassVar[str]
    examples: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def run(self, turn: Turn, context: AgentContext) -> AsyncIterator[Event]:
        """Yield the events of this turn: text deltas, tool calls, tables, notices, errors."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"
