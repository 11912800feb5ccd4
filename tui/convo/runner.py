"""Run conversation files through a real Session and check every turn.

Modes:
- replay: model answers come from the conversation's cassette, one group of responses per
  turn, so a conversation that no longer matches its cassette is caught at the turn where
  it diverged (and the message suggests `--mode record`).
- record: the live backend (Ollama or embedded) answers through a recording wrapper, and the
  cassette next to the conversation file is written or replaced.
- live: the live backend answers and nothing is written; `--repeat N` measures flakiness.

Each conversation runs in a fresh temporary data folder (a copy of its `workspace`, when it
names one) with its own store, so runs never see each other's history.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.events import Error
from tools.models.config import ModelConfig
from tools.models.hub import BackendChoice, ModelHub
from tools.models.recording import CassetteRecorder, RecordingModelHub, save_cassette
from tools.models.replay import ReplayExhausted, ReplayTape
from tui.convo.assertions import Failure, TurnRecord, check_turn, shorten
from tui.convo.cassette import Cassette, CassetteProblem, RecordedTurn, load_cassette_file
from tui.convo.format import Conversation, ConvoFormatError, ConvoSettings, load_conversation, resolve_here
from tui.convo.results import ConvoResult, Mode, RunSummary, TurnResult
from tui.settings import Settings, SettingsError, load_settings

# Error kinds meaning the live backend did not answer: a recording with these is not saved.
BACKEND_FAILURES = ("model_unreachable", "model_missing", "model_timeout")

# Builds the live model hub in record and live modes; tests put a stand-in model here.
HubFactory = Callable[[ModelConfig, CassetteRecorder | None], ModelHub]


@dataclass
class RunOptions:
    mode: Mode = "replay"
    # The backend for record and live ("auto", "ollama", "embedded"); None: the file's, else auto.
    backend: str | None = None
    # Where the user's settings come from. `isolated` ignores the user's file and environment
    # (pytest and CI), so a developer's config.toml cannot change a test's outcome.
    config_path: Path | None = None
    env: Mapping[str, str] | None = None
    isolated: bool = False
    base_overrides: Mapping[str, Any] = field(default_factory=dict)
    hub_factory: HubFactory | None = None
    keep_events: bool = True
    # Replay only: compare a hash of each prompt with the one recorded, so a changed prompt
    # template, history or setting is caught even when the recorded answers still fit.
    check_prompts: bool = False
    on_turn: Callable[[Conversation, TurnResult], None] | None = None


def settings_overrides(s: ConvoSettings, convo: Conversation) -> dict[str, Any]:
    """A conversation's settings as load_settings' dotted overrides."""
    here = str(convo.folder)

    def fill(value: Any) -> Any:
        return value.replace("{here}", here) if isinstance(value, str) else value

    out: dict[str, Any] = {}
    if s.backend:
        out["backend"] = s.backend
    if s.host:
        out["ollama.host"] = s.host
    if s.model:
        out["ollama.model"] = s.model
    if s.models:
        out["ollama.models"] = dict(s.models)
    if s.gguf:
        out["embedded.gguf_path"] = str(resolve_here(s.gguf, convo.folder))
    if s.database:
        out["agents.sql.db_url"] = fill(s.database)
    if s.cassette:
        out["replay.cassette"] = str(convo.cassette_path())
    for key in ("temperature", "max_tokens", "seed"):
        if getattr(s, key) is not None:
            out[key] = getattr(s, key)
    if s.router_threshold is not None:
        out["router.threshold"] = s.router_threshold
    for agent, section in s.agents.items():
        for key, value in section.items():
            out[f"agents.{agent}.{key}"] = fill(value)
    return out


class _Problem(Exception):
    """A conversation that cannot run: the message goes in the result."""


class ConversationRun:
    """One run of one conversation."""

    def __init__(self, convo: Conversation, options: RunOptions, run: int = 1) -> None:
        self.convo = convo
        self.options = options
        self.mode: Mode = options.mode if convo.uses_cassette else "live"
        self.result = ConvoResult(name=convo.name, path=str(convo.path), mode=options.mode, run=run)
        self.cassette: Cassette | None = None
        self.tape: ReplayTape | None = None
        self.recorder: CassetteRecorder | None = None

    # --- setup -------------------------------------------------------------------------
    def _settings(self, data_dir: Path) -> Settings:
        overrides = dict(self.options.base_overrides)
        overrides.update(settings_overrides(self.convo.settings, self.convo))
        overrides["data_dir"] = str(data_dir)
        overrides["store_path"] = str(data_dir.parent / "convo.db")
        if self.mode in ("record", "live") and self.convo.uses_cassette and self.options.backend:
            overrides["backend"] = self.options.backend
        config_path, env = self.options.config_path, self.options.env
        if self.options.isolated:
            empty = data_dir.parent / "empty.toml"
            empty.write_text("", encoding="utf-8")
            config_path, env = empty, {}
        try:
            settings = load_settings(config_path, env=env, overrides=overrides)
        except SettingsError as exc:
            raise _Problem(f"the settings do not load: {exc}") from None
        if self.mode in ("record", "live") and settings.model.backend == "replay":
            settings.model = settings.model.model_copy(update={"backend": "auto"})
        return settings

    def _hub(self, settings: Settings, data_dir: Path) -> ModelHub:
        config = settings.model
        # Prompts mention the run's temporary folder; hash them with a placeholder instead.
        replacements = {str(data_dir): "{data_dir}", str(data_dir.parent): "{run_dir}"}
        if self.mode == "replay":
            path = self.convo.cassette_path()
            try:
                self.cassette = load_cassette_file(path)
            except CassetteProblem as exc:
                raise _Problem(f"{exc}; record it with `maitre test --mode record {self.convo.path}`") from None
            first = [] if self.cassette.labelled else self.cassette.all_responses()
            self.tape = ReplayTape(first, source=f"cassette {path.name}")
            config = config.model_copy(update={"backend": "replay", "cassette": path})
            choice = BackendChoice("replay", f"replaying {path.name}")
            if not self.options.check_prompts:
                return ModelHub(config, choice, tape=self.tape)
            # The same wrapper as in record mode notes what each replayed call was sent.
            self.recorder = CassetteRecorder(replacements=replacements)
            return RecordingModelHub(config, self.recorder, choice, tape=self.tape)
        if self.mode == "record":
            self.recorder = CassetteRecorder(replacements=replacements)
            if self.options.hub_factory is not None:
                return self.options.hub_factory(config, self.recorder)
            return RecordingModelHub(config, self.recorder)
        if self.options.hub_factory is not None and self.convo.uses_cassette:
            return self.options.hub_factory(config, None)
        return ModelHub(config)

    # --- one turn ----------------------------------------------------------------------
    def _divergence_before(self, index: int, user: str) -> str | None:
        if self.cassette is None or not self.cassette.labelled:
            return None
        recorded = self.cassette.turns
        if index < len(recorded) and not recorded[index].matches(user):
            return (f"the cassette was recorded for {shorten(recorded[index].user)!r}, "
                    f"the conversation now says {shorten(user)!r}")
        if recorded and index >= len(recorded):
            return f"the cassette holds {len(recorded)} turns and this is turn {index + 1}"
        return None

    def _divergence_after(self, record: TurnRecord, responses: int) -> str | None:
        mismatch = [e.message for e in record.of(Error) if e.kind == "replay_mismatch"]
        if mismatch:
            return mismatch[0]
        if self.tape is not None and self.cassette is not None and self.cassette.labelled and self.tape.position < responses:
            return (f"this turn used {self.tape.position} of the {responses} model answers recorded for it "
                    "(the agents now ask the model less often)")
        if self.options.check_prompts and self.recorder is not None and self.cassette is not None:
            recorded = self.cassette.prompt_hashes(record.index + 1)
            sent = [c.prompt_sha256 for c in self.recorder.calls_for(record.index + 1)]
            for n, (was, now) in enumerate(zip(recorded, sent), start=1):
                if was and was != now:
                    role = self.recorder.calls_for(record.index + 1)[n - 1].role
                    return (f"the prompt of model call {n} (role {role}) differs from the recorded one "
                            "(a prompt template, the history or a setting changed)")
        return None

    def _diverged(self, index: int, user: str, detail: str) -> Failure:
        return Failure(
            turn=index + 1, user=user, expectation="cassette",
            message=f"the conversation diverged from its cassette at this turn: {detail}. "
            f"Record it again with `maitre test --mode record {self.convo.path}`.",
        )

    async def _judge(self, hub: ModelHub, record: TurnRecord, turn_result: TurnResult) -> Failure | None:
        from tui.convo.judge import JUDGE_ROLE, judge_answer

        expect = self.convo.turns[record.index].expect.judge
        assert expect is not None
        verdict, message = await judge_answer(hub.client(JUDGE_ROLE), expect, record)
        turn_result.judge_score = verdict.score if verdict else None
        if message is None:
            return None
        return Failure(turn=record.index + 1, user=record.user, expectation="judge", message=message)

    async def run(self) -> ConvoResult:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="maitre-convo-") as tmp:
            data_dir = Path(tmp) / "data"
            try:
                if self.convo.settings.workspace:
                    source = resolve_here(self.convo.settings.workspace, self.convo.folder)
                    if not source.is_dir():
                        raise _Problem(f"the workspace folder {source} does not exist")
                    shutil.copytree(source, data_dir)
                else:
                    data_dir.mkdir()
                settings = self._settings(data_dir)
                hub = self._hub(settings, data_dir)
                await self._run_turns(settings, hub, started)
            except _Problem as exc:
                self.result.problem = str(exc)
        self.result.passed = self.result.problem is None and all(t.passed for t in self.result.turns)
        self.result.elapsed_ms = round((time.perf_counter() - started) * 1000, 3)
        return self.result

    async def _run_turns(self, settings: Settings, hub: ModelHub, started: float) -> None:
        from router.store import StoreError
        from tui.runtime import build_runtime

        try:
            runtime = build_runtime(settings, models=hub, load_plugins=self.convo.settings.plugins)
        except StoreError as exc:
            raise _Problem(str(exc)) from None
        self.result.backend = hub.describe() if self.mode != "replay" else "replay"
        self.result.setup_ms = round((time.perf_counter() - started) * 1000, 3)
        try:
            session = runtime.session()
            stop_reason: str | None = None
            for index, turn in enumerate(self.convo.turns):
                turn_result = TurnResult(index=index + 1, user=turn.user, name=turn.name, checked=turn.expect.names())
                if stop_reason is not None:
                    turn_result.skipped, turn_result.passed = stop_reason, False
                    self._finish(turn_result)
                    continue
                before = self._divergence_before(index, turn.user)
                if before is not None:
                    turn_result.failures.append(self._diverged(index, turn.user, before))
                    turn_result.passed = False
                    stop_reason = f"turn {index + 1} diverged from the cassette"
                    self._finish(turn_result)
                    continue
                responses = 0
                if self.tape is not None and self.cassette is not None and self.cassette.labelled:
                    self.tape.responses = self.cassette.for_turn(index + 1)
                    self.tape.position = 0
                    responses = len(self.tape.responses)
                if self.recorder is not None:
                    self.recorder.turn = index + 1
                record = await self._send(session, index, turn.user.replace("{here}", str(self.convo.folder)))
                record.user = turn.user  # reports and failures show the turn as written
                judged: list[Failure] = []
                replay_error: str | None = None
                if turn.expect.judge is not None:
                    if record.answer:
                        try:
                            failure = await self._judge(hub, record, turn_result)
                        except ReplayExhausted as exc:
                            failure, replay_error = None, str(exc)
                        judged = [failure] if failure is not None else []
                    else:
                        judged = [Failure(turn=index + 1, user=turn.user, expectation="judge",
                                          message="there was no answer to judge")]
                after = replay_error or (self._divergence_after(record, responses) if self.mode == "replay" else None)
                if after is not None:
                    turn_result.failures = [self._diverged(index, turn.user, after)]
                    stop_reason = f"turn {index + 1} diverged from the cassette"
                else:
                    turn_result.failures = check_turn(turn.expect, record) + judged
                self._fill(turn_result, record)
                self._finish(turn_result)
            if self.mode == "record" and self.recorder is not None:
                self._save_cassette(hub)
        finally:
            runtime.close()

    async def _send(self, session: Any, index: int, user: str) -> TurnRecord:
        record = TurnRecord(index=index, user=user)
        t0 = time.perf_counter()
        async for event in session.send(user):
            record.events.append(event)
        record.elapsed_ms = (time.perf_counter() - t0) * 1000
        return record

    def _fill(self, turn_result: TurnResult, record: TurnRecord) -> None:
        turn_result.passed = not turn_result.failures
        turn_result.status = record.status
        turn_result.elapsed_ms = round(record.latency_ms, 3)
        turn_result.answer = record.answer
        if record.route is not None:
            turn_result.route = record.route.agent
            turn_result.stage = record.route.stage
            turn_result.confidence = record.route.confidence
        if self.options.keep_events:
            turn_result.events = [e.model_dump(mode="json") for e in _merge_deltas(record.events)]

    def _finish(self, turn_result: TurnResult) -> None:
        self.result.turns.append(turn_result)
        if self.options.on_turn is not None:
            self.options.on_turn(self.convo, turn_result)

    def _save_cassette(self, hub: ModelHub) -> None:
        assert self.recorder is not None
        path = self.convo.cassette_path()
        broken = [
            e.get("message", "") for t in self.result.turns for e in t.events
            if e.get("type") == "error" and e.get("kind") in BACKEND_FAILURES
        ]
        if broken:
            # A recording of a backend that did not answer would replace a good cassette with
            # a useless one: keep the old one and say why.
            self.result.problem = f"the live model failed while recording ({broken[0]}); {path.name} was not written"
            return
        header = {
            "conversation": self.convo.name,
            "recorded_with": hub.describe(),
            "turns": [RecordedTurn.of(t.user, t.elapsed_ms).model_dump(exclude_none=True) for t in self.result.turns],
        }
        save_cassette(path, self.recorder.calls, header)
        self.result.cassette_written = str(path)


def _merge_deltas(events: list[Any]) -> list[Any]:
    from router.store import merge_text_deltas

    return merge_text_deltas(events)


async def run_conversation(source: Conversation | Path | str, options: RunOptions, run: int = 1) -> ConvoResult:
    if not isinstance(source, Conversation):
        try:
            source = load_conversation(Path(source))
        except ConvoFormatError as exc:
            return ConvoResult(name=Path(source).name, path=str(exc.path), mode=options.mode, run=run, passed=False,
                               problem=f"line {exc.line}: {exc.message}")
    return await ConversationRun(source, options, run).run()


async def run_suite(
    paths: Iterable[Path],
    options: RunOptions,
    repeat: int = 1,
    on_conversation: Callable[[ConvoResult], None] | None = None,
) -> RunSummary:
    started = time.perf_counter()
    summary = RunSummary(mode=options.mode, repeat=repeat)
    for path in paths:
        for run in range(1, repeat + 1):
            result = await run_conversation(path, options, run)
            summary.results.append(result)
            if on_conversation is not None:
                on_conversation(result)
    summary.elapsed_ms = (time.perf_counter() - started) * 1000
    return summary
