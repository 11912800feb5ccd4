"""The routing cascade: explicit prefixes and follow-ups, a calibrated classifier, the router model.

Stage 0 reads what needs no guessing: an `@agent` or `/agent` prefix, a reply to the router's
own clarifying question, and a follow-up ("and by month?") that stays with the agent that just
answered unless another wins by a clear margin. Stage 1 is the calibrated classifier over the
agents' example utterances (router/classifier.py), which also finds turns holding two requests
for different agents (split). Stage 2, only when stage 1 is below the threshold and no two
agents are tied, is one structured-output call to the router model. A decision is a route to
one agent, a clarifying question, out_of_scope (chat answers with a polite limit), or a split.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

from agents.base import Agent, Exchange
from agents.events import RouteCandidate, RouteDecided
from prompts import load_prompt, render_prompt
from router.classifier import Embedder, ExampleClassifier
from router.config import RouterConfig
from router.cues import has_words, looks_like_follow_up, named_options, points_back, split_candidates
from router.llm_stage import CLARIFY, OUT_OF_SCOPE, RouterModelFailed, RouterModelStage

FALLBACK_AGENT = "chat"
_PREFIX = re.compile(r"^\s*[@/](?P<name>[A-Za-z_][A-Za-z0-9_]*)\b[\s:,]*(?P<rest>.*)$", re.DOTALL)
# A reply to a clarifying question longer than this is a new request, not an answer.
CLARIFY_REPLY_MAX_WORDS = 10
# How sure the classifier, limited to the two offered agents, must be to read a reply as a choice.
CLARIFY_REPLY_CONFIDENCE = 0.65

RouteKind = Literal["route", "clarify", "out_of_scope", "split"]


@dataclass
class RoutePart:
    """One request of a split turn."""

    agent: str
    text: str
    confidence: float
    candidates: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class RouteDecision:
    agent: str  # who answers: the agent; chat for out_of_scope; the first part's agent for split
    stage: str  # explicit, clarified, follow_up, fallback, classifier, split, llm
    confidence: float
    text: str  # the text the answering agent receives (prefix removed, or the clarified question)
    reason: str = ""
    candidates: list[tuple[str, float]] = field(default_factory=list)
    threshold: float | None = None
    elapsed_ms: float = 0.0
    kind: RouteKind = "route"
    parts: list[RoutePart] = field(default_factory=list)
    options: tuple[str, ...] = ()  # clarify: the two likeliest agents, likeliest first
    question: str = ""  # clarify: the question put to the user
    llm_called: bool = False
    asks_model: bool = False  # stage 1 was unsure: stage 2 was (or, without a model, would be) asked
    notices: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The route as evaluation counts it: an agent name, clarify, out_of_scope or split."""
        return self.agent if self.kind == "route" else self.kind

    def as_event(self) -> RouteDecided:
        return RouteDecided(
            agent=self.label,
            stage=self.stage,
            confidence=round(self.confidence, 4),
            candidates=[RouteCandidate(agent=a, score=round(s, 4)) for a, s in self.candidates],
            reason=self.reason,
            threshold=self.threshold,
            elapsed_ms=round(self.elapsed_ms, 3),
        )


class Router(Protocol):
    async def route(self, text: str, history: Sequence[Exchange]) -> RouteDecision: ...


# Short names people type for an agent: `/plan …` reaches the planner.
PREFIX_ALIASES: dict[str, str] = {"plan": "planner"}
# Commands that belong to one agent and keep their word: `/ingest FILE` is `@pdf ingest FILE`.
COMMAND_ALIASES: dict[str, str] = {"ingest": "pdf"}


@lru_cache(maxsize=8)
def shared_classifier(examples: tuple[tuple[str, tuple[str, ...]], ...]) -> ExampleClassifier:
    """Routers built from the same examples share one fitted classifier (read-only once
    fitted): the conversation runner and the tests build a router per conversation, and the
    fit is most of that cost."""
    return ExampleClassifier({label: list(texts) for label, texts in examples})


def explicit_prefix(text: str, known: Sequence[str]) -> tuple[str, str] | None:
    """`@sql how many…` or `/sql how many…` → ("sql", "how many…"); None when no agent prefix."""
    match = _PREFIX.match(text)
    if not match:
        return None
    name = match.group("name").lower()
    rest = match.group("rest").strip()
    if name in COMMAND_ALIASES and COMMAND_ALIASES[name] in known:
        return COMMAND_ALIASES[name], f"{name} {rest}".strip()
    if PREFIX_ALIASES.get(name) in known:
        name = PREFIX_ALIASES[name]
    if name not in known:
        return None
    return name, rest


def router_examples(name: str, prompts_dir: Path | None = None) -> list[str]:
    """Example turns for the router's own labels: `router_out_of_scope`, `router_ambiguous`."""
    lines = (line.strip() for line in load_prompt(name, prompts_dir).splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _short(description: str) -> str:
    first = " ".join(description.split()).split(". ")[0].rstrip(".")
    return first[:1].lower() + first[1:] if first[:2] != first[:2].upper() else first


class CascadeRouter:
    def __init__(
        self,
        agents: Sequence[Agent],
        config: RouterConfig | None = None,
        models: Any | None = None,
        *,
        embedder: Embedder | None = None,
        prompts_dir: Path | None = None,
    ) -> None:
        if not agents:
            raise ValueError("the router needs at least one agent")
        self.config = config or RouterConfig()
        self.agents = {a.name: a for a in agents}
        self.names = list(self.agents)
        self.fallback = FALLBACK_AGENT if FALLBACK_AGENT in self.agents else self.names[0]
        self.prompts_dir = prompts_dir
        examples: dict[str, list[str]] = {a.name: list(a.examples) or [a.description] for a in agents}
        # The router's own labels learn from its own example files; a plug-in agent that took
        # one of these names would shadow it, so the registry's names win.
        if OUT_OF_SCOPE not in examples:
            examples[OUT_OF_SCOPE] = router_examples("router_out_of_scope", prompts_dir)
        if CLARIFY not in examples:
            examples[CLARIFY] = router_examples("router_ambiguous", prompts_dir)
        self.classifier = (
            ExampleClassifier(examples, embedder=embedder) if embedder is not None
            else shared_classifier(tuple((label, tuple(texts)) for label, texts in examples.items()))
        )
        self.stage2: RouterModelStage | None = None
        if models is not None and self.config.llm:
            self.stage2 = RouterModelStage(models, agents, timeout_s=self.config.llm_timeout_s, prompts_dir=prompts_dir)

    # public ---------------------------------------------------------------------------------
    async def route(self, text: str, history: Sequence[Exchange]) -> RouteDecision:
        started = time.perf_counter()
        decision = await self._decide(text, history)
        decision.threshold = self.config.threshold
        decision.elapsed_ms = (time.perf_counter() - started) * 1000
        return decision

    def scores(self, text: str) -> list[tuple[str, float]]:
        return self.classifier.scores(text)

    # stages ---------------------------------------------------------------------------------
    async def _decide(self, text: str, history: Sequence[Exchange]) -> RouteDecision:
        explicit = explicit_prefix(text, self.names)
        if explicit is not None:
            name, rest = explicit
            return RouteDecision(name, "explicit", 1.0, rest, f"the turn starts with @{name}", [(name, 1.0)])
        if not has_words(text):
            return RouteDecision(
                self.fallback, "fallback", 0.0, text, f"no words to route on; {self.fallback} answers"
            )
        scores = self.scores(text)
        last = history[-1] if history else None
        if last is not None and last.agent == CLARIFY:
            clarified = self._read_clarify_reply(text, last, scores)
            if clarified is not None:
                return clarified
        if last is not None and last.agent in self.agents and looks_like_follow_up(text):
            stay = self._stay_with(last.agent, text, scores)
            if stay is not None:
                return stay
        split = self._split(text, scores)
        if split is not None:
            return split
        top, p_top = scores[0]
        if p_top >= self.config.threshold:
            if top == CLARIFY:
                first, second = self._likeliest_two(scores)
                return self._clarify(first, second, text, scores, "classifier", f"the turn is ambiguous ({p_top:.2f})")
            return self._label_decision(top, "classifier", p_top, text, scores, f"{top} at {p_top:.2f} ≥ threshold")
        return await self._below_threshold(text, history, scores)

    def _read_clarify_reply(self, text: str, last: Exchange, scores: list[tuple[str, float]]) -> RouteDecision | None:
        """After "sql or pdf?", a short reply naming or describing one of them routes the original question."""
        options = [name for name in named_options(last.answer, self.names)][:2]
        if len(options) < 2 or len(text.split()) > CLARIFY_REPLY_MAX_WORDS:
            return None
        chosen = named_options(text, options)
        top, p_top = scores[0]
        if len(chosen) == 1:
            pick, confidence = chosen[0], 1.0
        elif top not in options and top != CLARIFY and p_top >= self.config.threshold:
            return None  # not an answer: a new request for something else
        else:
            by_name = dict(scores)
            a, b = (by_name.get(o, 0.0) for o in options)
            share = a / (a + b) if a + b > 0 else 0.5
            if max(share, 1 - share) < CLARIFY_REPLY_CONFIDENCE:
                return None
            pick, confidence = (options[0], share) if share >= 0.5 else (options[1], 1 - share)
        return RouteDecision(
            pick, "clarified", confidence, last.user, f"you chose {pick} when asked", scores,
        )

    def _stay_with(self, current: str, text: str, scores: list[tuple[str, float]]) -> RouteDecision | None:
        by_name = dict(scores)
        p_current = by_name.get(current, 0.0)
        top, p_top = scores[0]
        wins_clearly = (
            top != current
            and p_top >= self.config.follow_up_switch
            and p_top - p_current >= self.config.follow_up_margin
        )
        # "why does that work?" or "and another one?" points back at the answer: the agent that
        # gave it goes on, unless the turn is long enough to be a request of its own.
        if wins_clearly and not (points_back(text) and (top == self.fallback or len(text.split()) <= 4)):
            return None
        return RouteDecision(
            current, "follow_up", max(p_current, 1.0 - p_top if top != current else p_top), text,
            f"a follow-up to {current}'s answer" + (f" ({top} at {p_top:.2f} is not a clear winner)" if top != current else ""),
            scores,
        )

    def _split(self, text: str, scores: list[tuple[str, float]]) -> RouteDecision | None:
        # A split must explain the turn better than any single route does.
        best: tuple[float, list[RoutePart]] | None = (scores[0][1], []) if scores else None
        for left, right in split_candidates(text):
            parts = []
            for piece in (left, right):
                ranked = self.scores(piece)
                parts.append(RoutePart(ranked[0][0], piece, ranked[0][1], ranked))
            agents = [p.agent for p in parts]
            if not set(agents) <= set(self.names) or agents[0] == agents[1]:
                continue
            weakest = min(p.confidence for p in parts)
            if weakest >= self.config.split_confidence and (best is None or weakest > best[0]):
                best = (weakest, parts)
        if best is None or not best[1]:
            return None
        weakest, parts = best
        plan = " then ".join(f"{p.agent} ({p.text[:40]!r})" for p in parts)
        return RouteDecision(
            parts[0].agent, "split", weakest, parts[0].text, f"two requests: {plan}", scores,
            kind="split", parts=parts,
        )

    async def _below_threshold(
        self, text: str, history: Sequence[Exchange], scores: list[tuple[str, float]]
    ) -> RouteDecision:
        specialists = [(n, p) for n, p in scores if n in self.agents and n != self.fallback]
        top, p_top = scores[0]
        if len(specialists) >= 2:
            (a1, p1), (a2, p2) = specialists[:2]
            if p2 >= self.config.clarify_floor and p1 - p2 < self.config.clarify_margin:
                return self._clarify(a1, a2, text, scores, "classifier", f"{a1} {p1:.2f} and {a2} {p2:.2f} are tied")
        if top == CLARIFY:
            top, p_top = next((n, p) for n, p in scores if n != CLARIFY)
        guess_reason = f"best guess {top} at {p_top:.2f} < threshold"
        if self.stage2 is None:
            decision = self._label_decision(top, "classifier", p_top, text, scores, guess_reason)
            decision.asks_model = True
            return decision
        try:
            answer = await self.stage2.choose(text, history, scores)
        except RouterModelFailed as exc:
            decision = self._label_decision(top, "classifier", p_top, text, scores, f"{guess_reason}; {exc}")
            decision.llm_called = decision.asks_model = True
            decision.notices.append(f"The router could not ask its model ({exc}), so it went with its best guess: {decision.label}.")
            return decision
        by_name = dict(scores)
        if answer == CLARIFY and len(self.names) >= 2:
            first, second = self._likeliest_two(scores)
            decision = self._clarify(first, second, text, scores, "llm", "the router model asked to clarify")
        elif answer != CLARIFY and by_name.get(answer, 0.0) >= self.config.llm_floor:
            decision = self._label_decision(answer, "llm", by_name.get(answer, 0.0), text, scores, f"the router model chose {answer}")
        else:
            # The model picked what stage 1 finds implausible: a small model guessing. Stage 1 stands.
            decision = self._label_decision(
                top, "classifier", p_top, text, scores,
                f"{guess_reason}; the router model's {answer} ({by_name.get(answer, 0.0):.2f}) was implausible",
            )
        decision.llm_called = decision.asks_model = True
        return decision

    # decisions ------------------------------------------------------------------------------
    def _likeliest_two(self, scores: list[tuple[str, float]]) -> tuple[str, str]:
        """The two agents a clarifying question offers: specialists first, chat only if needed."""
        ranked = [n for n, _ in scores if n in self.agents]
        specialists = [n for n in ranked if n != self.fallback]
        pick = specialists[:2] if len(specialists) >= 2 else ranked[:2]
        return pick[0], pick[1]

    def _label_decision(
        self, label: str, stage: str, confidence: float, text: str, scores: list[tuple[str, float]], reason: str
    ) -> RouteDecision:
        if label == OUT_OF_SCOPE:
            return RouteDecision(
                self.fallback, stage, confidence, text, f"out of scope: {reason}", scores, kind="out_of_scope"
            )
        return RouteDecision(label, stage, confidence, text, reason, scores)

    def _clarify(
        self, first: str, second: str, text: str, scores: list[tuple[str, float]], stage: str, reason: str
    ) -> RouteDecision:
        question = render_prompt(
            "router_clarify", self.prompts_dir,
            first=first, second=second,
            first_description=_short(self.agents[first].description),
            second_description=_short(self.agents[second].description),
        ).strip()
        confidence = dict(scores).get(first, 0.0)
        return RouteDecision(
            CLARIFY, stage, confidence, text, reason, scores, kind="clarify", options=(first, second), question=question,
        )


def build_router(
    agents: Sequence[Agent],
    threshold: float | None = None,
    models: Any | None = None,
    *,
    config: RouterConfig | None = None,
    embedder: Embedder | None = None,
    prompts_dir: Path | None = None,
) -> Router:
    """The router the app uses. `models` (a ModelHub) serves stage 2 and, on Ollama, embeddings."""
    config = config or RouterConfig()
    if threshold is not None:
        config = config.model_copy(update={"threshold": threshold})
    if embedder is None and models is not None:
        from router.embeddings import ollama_embedder_for

        embedder = ollama_embedder_for(models, config.embed_model)
    return CascadeRouter(agents, config, models, embedder=embedder, prompts_dir=prompts_dir)
