"""The registry of agents: the built-ins plus those installed through `maitre.agents`.

A plug-in that fails to import or to build is recorded in `failures` and skipped: one broken
package must never stop the chat from starting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import entry_points

from agents.base import Agent

ENTRY_POINT_GROUP = "maitre.agents"


@dataclass(frozen=True)
class PluginFailure:
    name: str
    source: str
    error: str


class AgentRegistry:
    def __init__(self, agents: Iterable[Agent] = ()) -> None:
        self._agents: dict[str, Agent] = {}
        self.failures: list[PluginFailure] = []
        self.sources: dict[str, str] = {}
        for agent in agents:
            self.add(agent)

    def add(self, agent: Agent, source: str = "built-in") -> None:
        name = agent.name.strip().lower()
        if not name.isidentifier():
            raise ValueError(f"agent name {agent.name!r} must be a single word (letters, digits, _)")
        if name in self._agents:
            raise ValueError(f"an agent named {name!r} is already registered (from {self.sources[name]})")
        self._agents[name] = agent
        self.sources[name] = source

    def get(self, name: str) -> Agent:
        try:
            return self._agents[name.lower()]
        except KeyError:
            known = ", ".join(self.names())
            raise KeyError(f"no agent named {name!r}; known agents: {known}") from None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._agents

    def __iter__(self) -> Iterator[Agent]:
        return iter(self._agents.values())

    def __len__(self) -> int:
        return len(self._agents)

    def names(self) -> list[str]:
        return list(self._agents)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Add every agent installed under `group`; record, never raise, on a broken one."""
        for ep in entry_points(group=group):
            source = f"{ep.value} ({ep.dist.name if ep.dist else 'unknown package'})"
            try:
                loaded = ep.load()
                agent = _instantiate(loaded)
                self.add(agent, source=source)
            except Exception as exc:  # a plug-in's bug is reported, not fatal
                self.failures.append(PluginFailure(ep.name, source, f"{type(exc).__name__}: {exc}"))


def _instantiate(loaded: Agent | type[Agent] | Callable[[], Agent]) -> Agent:
    if isinstance(loaded, Agent):
        return loaded
    agent = loaded()
    if not isinstance(agent, Agent):
        raise TypeError(f"{loaded!r} did not produce an agents.base.Agent")
    return agent


# The built-in agents, as "module:Class". A module that is not part of this install yet is
# skipped; any other import error is a bug and is raised.
BUILTIN_AGENTS: tuple[str, ...] = (
    "agents.chat:ChatAgent",
    "agents.sql:SqlAgent",
    "agents.pdf:PdfAgent",
    "agents.seo:SeoAgent",
    "agents.planner:PlannerAgent",
)


def builtin_agents() -> list[Agent]:
    found: list[Agent] = []
    for spec in BUILTIN_AGENTS:
        module_name, _, class_name = spec.partition(":")
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        found.append(getattr(module, class_name)())
    return found


def default_registry(load_plugins: bool = True) -> AgentRegistry:
    registry = AgentRegistry(builtin_agents())
    if load_plugins:
        registry.load_entry_points()
    return registry
