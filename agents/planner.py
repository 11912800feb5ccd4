"""The planner agent: one step, chain of thought, branches or a tree of thoughts, shown as a tree.

The turn's text may start with a mode and knobs (`tot b=3 d=4 dfs …`, see
tools/reasoning/request.py); the rest comes from the `[agents.planner]` settings. Every node of
the search becomes a PlanNode event, so the chat draws the tree as it grows and the store keeps it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.base import Agent, AgentContext, Turn
from agents.events import Event, Notice, PlanNode, TextDelta, Usage
from prompts import load_examples, load_prompt
from tools.reasoning.engine import ReasoningEngine, SearchOptions
from tools.reasoning.request import choose_mode, parse_plan_request
from tools.reasoning.tasks import Game24Task, ReasoningTask, detect_game24
from tools.reasoning.thinker import PromptSet, Thinker
from tools.reasoning.tree import Budget, NodeUpdate, SearchDone, SearchEvent, SearchNotice, SearchResult


class PlannerSettings(BaseModel):
    """The `[agents.planner]` section of the settings file, with its defaults."""

    model_config = ConfigDict(extra="ignore")

    mode: Literal["auto", "one_step", "cot", "branches", "tot"] = "auto"
    breadth: int = Field(3, ge=1, le=10)
    depth: int = Field(3, ge=1, le=10)
    proposals: int = Field(3, ge=1, le=8)
    branches: int = Field(5, ge=1, le=20)
    search: Literal["bfs", "dfs"] = "bfs"
    prune_below: float = Field(0.3, ge=0.0, le=1.0)
    vote: Literal["majority", "model"] = "majority"
    call_timeout_s: float = Field(60.0, gt=0)
    max_nodes: int = 60
    max_tokens: int = 20_000
    max_seconds: float = 180.0
    checker: Literal["auto", "game24", "none"] = "auto"
    prompts_dir: Path | None = None


PROMPT_KINDS = ("system", "propose", "evaluate", "answer", "one_step", "chain", "vote")
# Task kinds with prompts of their own; a missing file falls back to the generic template.
TASK_PROMPTS = {"game24": ("propose", "evaluate", "answer", "one_step")}
TASK_FALLBACKS = {("game24", "one_step"): "planner_game24_answer"}


def load_prompt_sets(override_dir: Path | None = None) -> dict[str, PromptSet]:
    generic = {kind: load_prompt(f"planner_{kind}", override_dir) for kind in PROMPT_KINDS}
    sets = {"generic": PromptSet(**generic)}
    for task_kind, kinds in TASK_PROMPTS.items():
        fields = dict(generic)
        for kind in kinds:
            name = TASK_FALLBACKS.get((task_kind, kind), f"planner_{task_kind}_{kind}")
            fields[kind] = load_prompt(name, override_dir)
        sets[task_kind] = PromptSet(**fields)
    return sets


def build_task(question: str, checker: str = "auto") -> ReasoningTask:
    numbers = detect_game24(question) if checker in ("auto", "game24") else None
    if numbers is None and checker == "game24":
        found = [int(w) for w in question.replace(",", " ").split() if w.isdigit()]
        numbers = tuple(found) if len(found) == 4 else None
    if numbers is not None:
        return Game24Task(question=question, numbers=numbers)
    return ReasoningTask(question=question)


def search_options(values: dict[str, Any], mode: str = "tot") -> SearchOptions:
    """The SearchOptions fields out of a settings dict (which also holds budgets and more)."""
    fields = {k: v for k, v in values.items() if k in SearchOptions.model_fields and k != "mode"}
    return SearchOptions(mode=mode, **fields)  # type: ignore[arg-type]


def to_plan_node(update: NodeUpdate) -> PlanNode:
    node = update.node
    return PlanNode(
        node_id=node.id, parent_id=node.parent_id, depth=node.depth, text=node.text,
        score=node.score, state=node.state, tokens=node.tokens, ms=node.ms,
    )


def summary(result: SearchResult, options: SearchOptions) -> str:
    knobs = {
        "tot/bfs": f" (b={options.breadth}, d={options.depth}, k={options.proposals})",
        "tot/dfs": f" (b={options.breadth}, d={options.depth}, k={options.proposals}, prune<{options.prune_below:g})",
        "branches": f" ({options.branches} chains, {options.vote} vote)",
    }.get(result.mode, "")
    text = (
        f"{result.mode}{knobs}: {result.nodes} nodes, {result.tokens:,} tokens, "
        f"{result.model_calls} model calls, {result.ms / 1000:.1f} s."
    )
    if result.accepted is True:
        text += f" The checker accepted the answer ({result.check_reason})."
    elif result.accepted is False:
        text += " The checker did not accept the answer."
    return text


class PlannerAgent(Agent):
    name = "planner"
    description = (
        "Step-by-step planning and problem solving: one step, a chain of thought, several branches with a vote, "
        "or a tree of thoughts (puzzles such as the Game of 24)."
    )
    examples = load_examples("planner")

    async def run(self, turn: Turn, context: AgentContext) -> AsyncIterator[Event]:
        settings, problems = _settings(context.settings)
        request = parse_plan_request(turn.text)
        problems += request.problems
        values: dict[str, Any] = settings.model_dump() | request.knobs
        try:
            options = search_options(values)
        except ValidationError as exc:
            problems.append(f"{_describe(exc)}; the defaults were used")
            options = search_options(settings.model_dump())
        for problem in problems:
            yield Notice(level="warning", message=f"Planner settings: {problem}.")
        question = request.question
        if not question:
            yield TextDelta(text=(
                "Tell me what to plan or solve after the mode, for example "
                "`/plan tot b=3 d=3 use 4 9 10 13 to make 24` or `/plan cot how long to boil 3 eggs in a row?`."
            ))
            return
        mode = request.mode or settings.mode
        if mode == "auto":
            mode, reason = choose_mode(question)
            yield Notice(level="info", message=(
                f"Mode {mode}, because {reason}. Start with a mode (one_step, cot, branches, tot) to choose it yourself."
            ))
        options = options.model_copy(update={"mode": mode})
        checker = str(values.get("checker", "auto"))
        task = build_task(question, checker if checker in ("auto", "game24", "none") else "auto")
        budget = Budget(
            max_nodes=int(values.get("max_nodes", settings.max_nodes)),
            max_tokens=int(values.get("max_tokens", settings.max_tokens)),
            max_seconds=float(values.get("max_seconds", settings.max_seconds)),
        )
        prompts_dir = settings.prompts_dir
        thinker = Thinker(context.models.client(self.name), load_prompt_sets(prompts_dir))
        engine = ReasoningEngine(thinker, options, budget)
        async for event in engine.run(task):
            for out in _to_events(event, options):
                yield out
        yield Usage(
            prompt_tokens=thinker.prompt_tokens, completion_tokens=thinker.completion_tokens,
            model=context.models.model_name(self.name),
        )


def _to_events(event: SearchEvent, options: SearchOptions) -> list[Event]:
    if isinstance(event, NodeUpdate):
        return [to_plan_node(event)]
    if isinstance(event, SearchNotice):
        return [Notice(level=event.level, message=event.message)]
    if isinstance(event, SearchDone):
        result = event.result
        out: list[Event] = []
        if result.answer:
            out.append(TextDelta(text=result.answer))
        out.append(Notice(level="info", message=summary(result, options)))
        return out
    return []


def _settings(raw: Any) -> tuple[PlannerSettings, list[str]]:
    try:
        return PlannerSettings.model_validate(dict(raw or {})), []
    except ValidationError as exc:
        return PlannerSettings(), [f"{_describe(exc)} in [agents.planner]; the defaults were used"]


def _describe(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors())
