"""Small stand-in agents for router tests: the real agents' names, descriptions close to theirs,
and the real example files, so the router learns exactly what it will learn in the app."""

from __future__ import annotations

from collections.abc import AsyncIterator

from agents.base import Agent, AgentContext, Turn
from agents.events import Event, TextDelta
from prompts import load_examples

DESCRIPTIONS = {
    "chat": "General conversation: anything the specialists do not cover.",
    "sql": "Questions over the loyalty-club members database (members, tiers, stores, transactions, products, points, campaigns), answered with tables and charts.",
    "pdf": "Questions over investor-relations PDF reports (earnings releases, annual reports, 10-K filings), with page citations.",
    "seo": "SEO copywriting for the retailer's web pages: keywords, outlines, drafts, meta tags and audits.",
    "planner": "Step-by-step reasoning and planning: puzzles, plans, Game of 24, tree of thoughts.",
}


class EchoAgent(Agent):
    """Answers `<name>: <text>`, so a test can see which agent got which text."""

    def __init__(self, name: str, description: str | None = None, examples: tuple[str, ...] | None = None) -> None:
        self.name = name  # type: ignore[misc]
        self.description = description or DESCRIPTIONS.get(name, f"The {name} agent.")  # type: ignore[misc]
        self.examples = load_examples(name) if examples is None else examples  # type: ignore[misc]
        self.seen: list[tuple[str, dict]] = []

    async def run(self, turn: Turn, context: AgentContext) -> AsyncIterator[Event]:
        self.seen.append((turn.text, dict(context.extras)))
        yield TextDelta(text=f"{self.name}: {turn.text}")


def standard_agents() -> list[EchoAgent]:
    return [EchoAgent(name) for name in DESCRIPTIONS]
