"""One engine, four modes: one_step, cot, branches (self-consistency), tot (BFS beam or DFS).

`ReasoningEngine.run(task)` is an async generator of `SearchEvent`s: a `NodeUpdate` for every
change of every node, `SearchNotice`s for anything the user should know (bad model output,
budget stops), and one final `SearchDone` with the answer. It never raises for bad model output
or timeouts and always ends with an answer, the best one found so far.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Literal

from pydantic import BaseModel, Field

from tools.reasoning.tasks import ReasoningTask, answer_of_chain, final_answer_in, normalise_thought
from tools.reasoning.thinker import ModelReply, Thinker
from tools.reasoning.tree import (
    Budget,
    NodeUpdate,
    SearchDone,
    SearchEvent,
    SearchNode,
    SearchNotice,
    SearchResult,
    SearchTree,
)

Mode = Literal["one_step", "cot", "branches", "tot"]
MODES: tuple[str, ...] = ("one_step", "cot", "branches", "tot")
# A chain's reasoning is shown as at most this many step nodes; longer chains are folded.
MAX_CHAIN_STEPS = 8


class SearchOptions(BaseModel):
    mode: Mode = "tot"
    breadth: int = Field(3, ge=1, le=10, description="b: states kept per level (bfs), children tried per node (dfs).")
    depth: int = Field(3, ge=1, le=10, description="d: the deepest level of thoughts.")
    proposals: int = Field(3, ge=1, le=8, description="k: thoughts asked for per expansion.")
    branches: int = Field(5, ge=1, le=20, description="Chains in `branches` mode.")
    search: Literal["bfs", "dfs"] = "bfs"
    prune_below: float = Field(0.3, ge=0.0, le=1.0, description="dfs: children scoring below this are pruned.")
    vote: Literal["majority", "model"] = "majority"
    call_timeout_s: float = Field(60.0, gt=0)


class SearchRun:
    """The state one search shares between its steps: tree, budget, cache, notices."""

    def __init__(self, task: ReasoningTask, thinker: Thinker, options: SearchOptions, budget: Budget) -> None:
        self.task = task
        self.thinker = thinker
        self.options = options
        self.budget = budget
        self.tree = SearchTree(task.question[:200])
        self.cache: dict[tuple[str, ...], tuple[float, str]] = {}
        self.cache_hits = 0
        self.stopped_by: str | None = None
        self._noticed: set[str] = set()

    # -- bookkeeping -------------------------------------------------------------------------
    def update(self, node: SearchNode) -> NodeUpdate:
        return NodeUpdate(node.view())

    def notice_once(self, kind: str, message: str, level: Literal["info", "warning"] = "warning") -> list[SearchNotice]:
        if kind in self._noticed:
            return []
        self._noticed.add(kind)
        return [SearchNotice(level, message)]

    def new_node(self, parent: SearchNode, text: str) -> SearchNode:
        self.budget.nodes += 1
        return self.tree.add(parent, text)

    def charge(self, reply: ModelReply, nodes: list[SearchNode]) -> None:
        self.budget.tokens += reply.tokens
        for node in nodes:
            node.tokens += reply.tokens // max(len(nodes), 1)
            node.ms += reply.ms / max(len(nodes), 1)

    def should_stop(self) -> bool:
        if self.stopped_by is None:
            self.stopped_by = self.budget.exhausted()
        return self.stopped_by is not None

    def call_timeout(self) -> float:
        return max(0.001, min(self.options.call_timeout_s, self.budget.remaining_s()))

    def grace_timeout(self) -> float:
        """The final answer is asked for even after the budget stopped the search, briefly."""
        seconds = self.budget.max_seconds if self.budget.max_seconds > 0 else self.options.call_timeout_s
        return min(self.options.call_timeout_s, max(5.0, 0.25 * seconds))

    def timeout_notice(self, what: str) -> list[SearchNotice]:
        return self.notice_once(
            f"timeout:{what}",
            f"The model did not answer in time while {what}; the search went on without it. "
            "Raise `call_timeout_s` or the time budget if this keeps happening.",
        )

    # -- results -----------------------------------------------------------------------------
    def choose(self, leaf: SearchNode) -> list[NodeUpdate]:
        """Mark the root-to-leaf path as chosen."""
        out = []
        for node in [self.tree.root, *self.tree.path(leaf)]:
            if node.state != "chosen":
                node.state = "chosen"
                out.append(self.update(node))
        return out

    def done(self, answer: str, leaf: SearchNode | None) -> SearchDone:
        verdict = self.task.check_answer(answer) if answer else None
        chosen = tuple(n.id for n in ([self.tree.root, *self.tree.path(leaf)] if leaf else []))
        scores = [n.score for n in self.tree.nodes.values() if n.score is not None]
        return SearchDone(SearchResult(
            mode=self.options.mode if self.options.mode != "tot" else f"tot/{self.options.search}",
            answer=answer,
            accepted=verdict.ok if verdict else None,
            check_reason=verdict.reason if verdict else "",
            nodes=len(self.tree) - 1,
            tokens=self.budget.tokens,
            ms=round(self.budget.elapsed_s() * 1000, 3),
            model_calls=self.thinker.calls,
            stopped_by=self.stopped_by,
            chosen=chosen,
            best_score=max(scores) if scores else None,
        ))

    async def finish_with_answer(self, leaf: SearchNode) -> AsyncIterator[SearchEvent]:
        """Make sure the path ending at `leaf` carries an answer, choose it, and finish."""
        if leaf.answer is None:
            steps = self.tree.steps(leaf)
            reply = await self.thinker.answer(self.task, steps, self.grace_timeout())
            self.budget.tokens += reply.tokens
            text = "" if reply.timed_out else reply.text.strip()
            if not text:
                if reply.timed_out:
                    for n in self.timeout_notice("writing the final answer"):
                        yield n
                if not steps:
                    yield SearchNotice("warning", "No answer could be produced. Try again, give a larger budget, "
                                       "or use a simpler mode such as `cot`.")
                    yield self.done("", None)
                    return
                yield SearchNotice("warning", "The model wrote no final answer; the most promising reasoning is shown.")
                answer = "The most promising reasoning so far:\n" + self.task.state_text(steps)
            else:
                answer = final_answer_in(text) or text
            node = self.tree.add(leaf, answer[:300])  # the answer node is not charged to the budget
            node.answer = answer
            node.tokens, node.ms = reply.tokens, reply.ms
            yield self.update(node)
            leaf = node
        verdict = self.task.check_answer(leaf.answer or "")
        if verdict is not None:
            leaf.accepted = verdict.ok
            leaf.reason = verdict.reason
            if not verdict.ok:
                yield SearchNotice("warning", f"The checker rejected the answer: {verdict.reason}.")
        for update in self.choose(leaf):
            yield update
        yield self.done(leaf.answer or "", leaf)


class ReasoningEngine:
    def __init__(self, thinker: Thinker, options: SearchOptions | None = None, budget: Budget | None = None) -> None:
        self.thinker = thinker
        self.options = options or SearchOptions()
        self.budget = budget or Budget()

    async def run(self, task: ReasoningTask) -> AsyncIterator[SearchEvent]:
        run = SearchRun(task, self.thinker, self.options, self.budget)
        yield run.update(run.tree.root)
        mode = self.options.mode
        if mode == "one_step":
            steps = run_one_step(run)
        elif mode == "cot":
            steps = run_chains(run, attempts=1)
        elif mode == "branches":
            steps = run_chains(run, attempts=self.options.branches)
        else:
            from tools.reasoning.tot import run_tot

            steps = run_tot(run)
        async for event in steps:
            yield event
            if isinstance(event, SearchDone):
                return


async def run_one_step(run: SearchRun) -> AsyncIterator[SearchEvent]:
    reply = await run.thinker.one_step(run.task, run.call_timeout())
    run.budget.tokens += reply.tokens
    if reply.timed_out:
        for n in run.timeout_notice("answering"):
            yield n
    text = reply.text.strip()
    if not text:
        yield SearchNotice("warning", "The model gave no answer; try again, or another mode such as `cot`.")
        yield run.done("", None)
        return
    answer = final_answer_in(text) or text
    node = run.new_node(run.tree.root, answer[:300])
    node.answer, node.tokens, node.ms = answer, reply.tokens, reply.ms
    yield run.update(node)
    async for event in run.finish_with_answer(node):
        yield event


def chain_steps(text: str) -> tuple[list[str], str]:
    """A chain's reasoning lines (folded to MAX_CHAIN_STEPS) and its answer."""
    answer = answer_of_chain(text)
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip() and final_answer_in(ln) is None]
    if lines and lines[-1] == answer:
        lines = lines[:-1]
    if len(lines) > MAX_CHAIN_STEPS:
        lines = lines[: MAX_CHAIN_STEPS - 1] + [" ".join(lines[MAX_CHAIN_STEPS - 1 :])]
    return [ln[:300] for ln in lines], answer


async def run_chains(run: SearchRun, attempts: int) -> AsyncIterator[SearchEvent]:
    """`cot` (one chain) and `branches` (several, then a checker or a vote)."""
    leaves: list[SearchNode] = []
    by_text: dict[str, SearchNode] = {}
    for attempt in range(1, attempts + 1):
        if run.should_stop():
            yield SearchNotice("warning", f"Stopped after {len(leaves)} of {attempts} chains: {run.stopped_by}.")
            break
        reply = await run.thinker.chain(run.task, attempt, attempts, run.call_timeout())
        run.budget.tokens += reply.tokens
        if reply.timed_out:
            for n in run.timeout_notice("writing a chain of thought"):
                yield n
        steps, answer = chain_steps(reply.text)
        if not answer:
            for n in run.notice_once("empty_chain", "The model wrote an empty chain of thought; it was skipped."):
                yield n
            continue
        key = normalise_thought(reply.text)
        if key in by_text:  # the same chain again: one more vote for it, not another branch
            same = by_text[key]
            same.votes += 1
            yield run.update(same)
            continue
        parent = run.tree.root
        for step in steps[: max(run.budget.nodes_left() - 1, 0)]:
            parent = run.new_node(parent, step)
            yield run.update(parent)
        leaf = run.new_node(parent, f"Answer: {answer[:290]}")
        leaf.answer = answer
        run.charge(reply, [leaf])
        verdict = run.task.check_answer(answer)
        if verdict is not None:
            leaf.accepted, leaf.reason = verdict.ok, verdict.reason
            leaf.score = 1.0 if verdict.ok else 0.0
        by_text[key] = leaf
        leaves.append(leaf)
        yield run.update(leaf)
    if not leaves:
        yield SearchNotice("warning", "No chain of thought produced an answer; try again, or another mode.")
        yield run.done("", None)
        return
    winner = leaves[0]
    if len(leaves) > 1 or leaves[0].votes > 1:
        winner = None
        async for event in _aggregate(run, leaves):
            if isinstance(event, SearchNode):
                winner = event
            else:
                yield event
        assert winner is not None
    for leaf in leaves:
        if leaf is not winner:
            for node in run.tree.path(leaf):
                if node.state == "proposed":
                    node.state = "pruned"
                    yield run.update(node)
    async for event in run.finish_with_answer(winner):
        yield event


async def _aggregate(run: SearchRun, leaves: list[SearchNode]) -> AsyncIterator[SearchEvent | SearchNode]:
    """Self-consistency: the checker first, then the most frequent answer; ties go to a model vote."""
    pool = leaves
    if run.task.checker is not None:
        accepted = [leaf for leaf in leaves if leaf.accepted]
        if accepted:
            pool = accepted
        else:
            yield SearchNotice("warning", "No branch passed the checker; the most frequent answer was taken.")
    counts: Counter[str] = Counter()
    for leaf in pool:
        counts[normalise_thought(leaf.answer or "")] += leaf.votes
    total = sum(leaf.votes for leaf in leaves)
    for leaf in leaves:
        if leaf.score is None:
            leaf.score = round(counts.get(normalise_thought(leaf.answer or ""), 0) / total, 3)
            yield run.update(leaf)
    top = max(counts.values())
    tied = [a for a, c in counts.items() if c == top]
    first_of = {a: next(leaf for leaf in pool if normalise_thought(leaf.answer or "") == a) for a in counts}
    pick = tied[0]
    if (len(tied) > 1 or run.options.vote == "model") and len(counts) > 1 and not run.should_stop():
        candidates = tied if run.options.vote == "majority" else list(counts)
        answers = [first_of[a].answer or "" for a in candidates]
        choice, reason, reply = await run.thinker.vote(run.task, answers, run.call_timeout())
        run.budget.tokens += reply.tokens
        if choice is None:
            message = "The model's vote was unreadable or timed out; the first of the tied answers was taken."
            for n in run.notice_once("vote", message):
                yield n
        else:
            pick = candidates[choice]
            first_of[pick].reason = reason
    yield first_of[pick]
