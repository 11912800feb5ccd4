"""The turn loop: one `Session.send(text)` routes the turn, runs the agent, and yields events.

The session is the only place that persists: every event an agent yields is stored before the
next is asked for (text deltas are merged and flushed in batches), so a crash, a cancel or a
failing model leaves the partial answer in the store, marked with the turn's status.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.base import AgentContext, Exchange, Turn
from agents.events import (
    AgentStarted,
    Error,
    Event,
    Notice,
    RouteCandidate,
    RouteDecided,
    TextDelta,
    TurnDone,
    TurnStarted,
)
from agents.registry import AgentRegistry
from router.routing import RouteDecision, Router
from router.store import Store
from tools.models.errors import describe_model_failure
from tools.models.hub import ModelHub

# Characters per token used to budget the context without calling a tokenizer. English runs
# near 4; 3 errs on the side of fitting.
CHARS_PER_TOKEN = 3
# Events are written at least this often while a turn streams, so a crash loses at most this.
FLUSH_INTERVAL_S = 0.5


@dataclass
class SessionOptions:
    agent_settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    data_dir: Path = Path(".")
    tools: Sequence[Any] = ()
    # Tokens kept free for the answer and the agent's own prompt when a long input is cut.
    reserve_tokens: int = 768


def fit_to_context(text: str, window_tokens: int, reserve_tokens: int) -> tuple[str, Notice | None]:
    budget_chars = max(200, (window_tokens - reserve_tokens) * CHARS_PER_TOKEN)
    if len(text) <= budget_chars:
        return text, None
    notice = Notice(
        level="warning",
        message=(
            f"Your message has {len(text):,} characters; the model's context holds about "
            f"{budget_chars:,}, so only the first {budget_chars:,} were sent."
        ),
    )
    return text[:budget_chars], notice


class Session:
    def __init__(
        self,
        *,
        registry: AgentRegistry,
        router: Router,
        models: ModelHub,
        store: Store,
        session_id: str | None = None,
        options: SessionOptions | None = None,
    ) -> None:
        self.registry = registry
        self.router = router
        self.models = models
        self.store = store
        self.options = options or SessionOptions()
        # A new chat is written to the store with its first turn, so opening the app and
        # leaving does not leave empty chats behind.
        self._stored = session_id is not None
        self.id = session_id or uuid.uuid4().hex
        stored = store.load_turns(session_id, with_events=False) if session_id is not None else []
        self.history: list[Exchange] = [
            Exchange(user=t.text, agent=t.agent or "", answer=t.answer)
            for t in stored
            if t.status in ("ok", "cancelled") and t.agent
        ]

    async def send(self, text: str) -> AsyncIterator[Event]:
        """Run one turn. Yields nothing for empty input."""
        if not text.strip():
            return
        started = time.perf_counter()
        turn_id = uuid.uuid4().hex
        if not self._stored:
            self.store.new_session(session_id=self.id)
            self._stored = True
        self.store.start_turn(self.id, turn_id, text)
        recorder = _Recorder(self.store, turn_id)
        answer: list[str] = []
        agent_name: str | None = None
        status = "ok"
        try:
            yield recorder.keep(TurnStarted(turn_id=turn_id, text=text))
            decision = await self.router.route(text, tuple(self.history))
            agent_name = decision.agent
            if decision.kind == "split":
                async for item in self._run_split(decision, turn_id, recorder, answer):
                    if isinstance(item, Error):
                        status = "error"
                    yield item
                agent_name = decision.parts[-1].agent
            else:
                yield recorder.keep(decision.as_event())
                for note in decision.notices:
                    yield recorder.keep(Notice(level="warning", message=note))
                if decision.kind == "clarify":
                    # The router's own question is the answer; the next turn reads the reply.
                    answer.append(decision.question)
                    yield recorder.keep(TextDelta(text=decision.question))
                elif decision.agent not in self.registry:
                    status = "error"
                    known = ", ".join(self.registry.names())
                    yield recorder.keep(Error(
                        kind="unknown_agent", message=f"No agent named {decision.agent!r} is installed; known: {known}."
                    ))
                else:
                    extras = self._out_of_scope_extras() if decision.kind == "out_of_scope" else None
                    async for item in self._run_agent(
                        decision.agent, decision.text or text, text, turn_id, recorder, answer, extras
                    ):
                        if isinstance(item, Error):
                            status = "error"
                        yield item
                if status == "ok":
                    # A clarified turn carries the question it answers: that is what follow-ups build on.
                    user = (decision.text or text) if decision.kind == "route" else text
                    self.history.append(Exchange(user=user, agent=agent_name, answer="".join(answer)))
        except (asyncio.CancelledError, GeneratorExit):
            status = "cancelled"
            raise
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            done = TurnDone(turn_id=turn_id, status=status, elapsed_ms=round(elapsed, 3))  # type: ignore[arg-type]
            recorder.keep(done)
            recorder.flush()
            self.store.finish_turn(turn_id, status=status, agent=agent_name, answer="".join(answer), elapsed_ms=elapsed)
        # Only reached when the generator was not closed early: tell the consumer we are done.
        yield done

    async def _run_split(
        self, decision: RouteDecision, turn_id: str, recorder: _Recorder, answer: list[str]
    ) -> AsyncIterator[Event]:
        """Each request of a split turn, in order, each with its own route badge. A part that
        fails is reported and the next part still runs: they are independent requests."""
        count = len(decision.parts)
        for number, part in enumerate(decision.parts, 1):
            yield recorder.keep(RouteDecided(
                agent=part.agent, stage="split", confidence=round(part.confidence, 4),
                candidates=[RouteCandidate(agent=a, score=round(p, 4)) for a, p in part.candidates],
                reason=f"part {number} of {count}: {decision.reason}", threshold=decision.threshold,
                elapsed_ms=round(decision.elapsed_ms, 3) if number == 1 else 0.0,
            ))
            part_answer: list[str] = []
            failed = False
            async for item in self._run_agent(part.agent, part.text, decision.text, turn_id, recorder, part_answer):
                failed = failed or isinstance(item, Error)
                yield item
            if answer and part_answer:
                answer.append("\n\n")
            answer.extend(part_answer)
            if not failed:
                self.history.append(Exchange(user=part.text, agent=part.agent, answer="".join(part_answer)))

    def _out_of_scope_extras(self) -> dict[str, Any]:
        """What the chat agent needs to decline politely: its out-of-scope prompt and who exists."""
        specialists = [a for a in self.registry if a.name != "chat"]
        listing = "; ".join(f"{a.name}: {' '.join(a.description.split())}" for a in specialists)
        return {"system_prompt": "chat_out_of_scope", "specialists": listing or "none are installed"}

    async def _run_agent(
        self, name: str, text: str, raw_text: str, turn_id: str, recorder: _Recorder, answer: list[str],
        extras: dict[str, Any] | None = None,
    ) -> AsyncIterator[Event]:
        """Run one agent; its exceptions become Error events (and, in `auto`, a fallback)."""
        agent = self.registry.get(name)
        agent_text, cut_notice = fit_to_context(text, self.models.context_window(), self.options.reserve_tokens)
        if cut_notice is not None:
            yield recorder.keep(cut_notice)
        yield recorder.keep(AgentStarted(
            agent=agent.name, model=self.models.model_name(agent.name), backend=self.models.backend
        ))
        turn = Turn(id=turn_id, text=agent_text, history=tuple(self.history), raw_text=raw_text)
        context = AgentContext(
            models=self.models,
            settings=self.options.agent_settings.get(agent.name, {}),
            data_dir=self.options.data_dir,
            tools=tuple(self.options.tools),
            extras=dict(extras or {}),
        )
        try:
            async for item in agent.run(turn, context):
                if isinstance(item, TextDelta):
                    answer.append(item.text)
                yield recorder.keep(item)
        except Exception as exc:  # an agent's failure is an event; the session goes on
            for item in self._failure_events(exc, agent.name, partial=bool(answer)):
                yield recorder.keep(item)

    def _failure_events(self, exc: Exception, agent: str, partial: bool) -> list[Event]:
        failure = describe_model_failure(
            exc, backend=self.models.backend, host=self.models.config.ollama_host, model=self.models.model_name(agent)
        )
        out: list[Event] = []
        if partial:
            out.append(Notice(level="warning", message="The answer above stopped early and is incomplete."))
        if failure is None:
            out.append(Error(
                kind="agent_failed",
                message=f"The {agent} agent failed ({type(exc).__name__}: {exc}). The chat goes on; "
                "try again or rephrase.",
                retryable=True,
            ))
            return out
        out.append(Error(kind=failure.kind, message=failure.message, retryable=failure.retryable))
        if failure.backend_down and self.models.fall_back_to_embedded(failure.message):
            out.append(Notice(
                level="warning",
                message="Ollama stopped answering, so maitre switched to the embedded model; "
                "send your message again to retry.",
            ))
        return out


class _Recorder:
    """Buffers a turn's events and writes them in batches, at least every FLUSH_INTERVAL_S
    and when the turn ends, so a fast turn costs one write, not one per event."""

    def __init__(self, store: Store, turn_id: str) -> None:
        self.store = store
        self.turn_id = turn_id
        self.pending: list[Event] = []
        self.last_flush = time.monotonic()

    def keep(self, item: Event) -> Event:
        self.pending.append(item)
        if time.monotonic() - self.last_flush > FLUSH_INTERVAL_S:
            self.flush()
        return item

    def flush(self) -> None:
        if self.pending:
            self.store.append_events(self.turn_id, self.pending)
            self.pending = []
        self.last_flush = time.monotonic()
