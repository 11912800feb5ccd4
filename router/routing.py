"""The router's interface and the simple router of the walking skeleton.

`SimpleRouter` does stage 0 (an explicit `@agent` or `/agent` prefix) and a small
keyword-overlap classifier over each agent's example utterances. The calibrated cascade
replaces the classifier behind the same `Router` interface.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from agents.base import Agent, Exchange
from agents.events import RouteCandidate, RouteDecided

FALLBACK_AGENT = "chat"
_PREFIX = re.compile(r"^\s*[@/](?P<name>[A-Za-z_][A-Za-z0-9_]*)\b[\s:,]*(?P<rest>.*)$", re.DOTALL)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class RouteDecision:
    agent: str
    stage: str
    confidence: float
    text: str
    reason: str = ""
    candidates: list[tuple[str, float]] = field(default_factory=list)
    threshold: float | None = None
    elapsed_ms: float = 0.0

    def as_event(self) -> RouteDecided:
        return RouteDecided(
            agent=self.agent,
            stage=self.stage,
            confidence=round(self.confidence, 4),
            candidates=[RouteCandidate(agent=a, score=round(s, 4)) for a, s in self.candidates],
            reason=self.reason,
            threshold=self.threshold,
            elapsed_ms=round(self.elapsed_ms, 3),
        )


class Router(Protocol):
    async def route(self, text: str, history: Sequence[Exchange]) -> RouteDecision: ...


def explicit_prefix(text: str, known: Sequence[str]) -> tuple[str, str] | None:
    """`@sql how many…` or `/sql how many…` → ("sql", "how many…"); None when no agent prefix."""
    match = _PREFIX.match(text)
    if not match or match.group("name").lower() not in known:
        return None
    return match.group("name").lower(), match.group("rest").strip()


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class SimpleRouter:
    """Explicit prefixes, then word overlap with the agents' examples (TF-IDF cosine)."""

    def __init__(self, agents: Sequence[Agent], threshold: float = 0.2) -> None:
        self.names = [a.name for a in agents]
        self.threshold = threshold
        docs = {a.name: Counter(w for ex in a.examples for w in _words(ex)) for a in agents}
        df = Counter(w for counts in docs.values() for w in counts)
        n = max(1, len(docs))
        self._idf = {w: math.log(1 + n / c) for w, c in df.items()}
        self._vectors = {name: self._weigh(counts) for name, counts in docs.items()}

    def _weigh(self, counts: Counter[str]) -> dict[str, float]:
        vec = {w: c * self._idf.get(w, 0.0) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}

    def scores(self, text: str) -> list[tuple[str, float]]:
        query = self._weigh(Counter(_words(text)))
        scored = [(name, sum(query.get(w, 0.0) * v for w, v in vec.items())) for name, vec in self._vectors.items()]
        return sorted(scored, key=lambda item: item[1], reverse=True)

    async def route(self, text: str, history: Sequence[Exchange]) -> RouteDecision:
        started = time.perf_counter()
        explicit = explicit_prefix(text, self.names)
        if explicit is not None:
            name, rest = explicit
            return RouteDecision(
                agent=name, stage="explicit", confidence=1.0, text=rest, reason=f"the turn starts with @{name}",
                candidates=[(name, 1.0)], elapsed_ms=(time.perf_counter() - started) * 1000,
            )
        scored = self.scores(text)
        best, score = scored[0] if scored else (FALLBACK_AGENT, 0.0)
        if score < self.threshold and FALLBACK_AGENT in self.names:
            reason = f"no agent matched well (best {best} at {score:.2f} < {self.threshold:.2f}); chat answers"
            best, stage = FALLBACK_AGENT, "fallback"
        else:
            reason, stage = f"closest to {best}'s examples", "classifier"
        return RouteDecision(
            agent=best, stage=stage, confidence=max(0.0, min(1.0, score)), text=text, reason=reason,
            candidates=scored, threshold=self.threshold, elapsed_ms=(time.perf_counter() - started) * 1000,
        )


def build_router(agents: Sequence[Agent], threshold: float = 0.2, models: object | None = None) -> Router:
    """The router the app uses. `models` (a ModelHub) is for stages that call a model."""
    return SimpleRouter(agents, threshold=threshold)
