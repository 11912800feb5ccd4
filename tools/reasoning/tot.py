"""Tree of thoughts: breadth-first beam search (b, d) or depth-first search with pruning.

Each expansion asks the model for k next thoughts (structured output), merges equal ones, drops
thoughts that repeat an ancestor (loops), lets the task's checker reject impossible steps, and
scores the rest with the model; scores of equal states come from a cache. A path the checker
accepts ends the search at once. Budgets end it early, with the best path found so far.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from tools.reasoning.engine import SearchRun
from tools.reasoning.tasks import normalise_thought
from tools.reasoning.tree import SearchEvent, SearchNode, SearchNotice

# The score a node gets when the model's evaluation is unusable: neither kept for it nor pruned.
NEUTRAL_SCORE = 0.5


async def run_tot(run: SearchRun) -> AsyncIterator[SearchEvent]:
    state = _TotState()
    search = _bfs(run, state) if run.options.search == "bfs" else _dfs(run, run.tree.root, state)
    async for event in search:
        yield event
    if state.solved is not None:
        async for event in run.finish_with_answer(state.solved):
            yield event
        return
    if run.stopped_by:
        yield SearchNotice("warning", f"The search stopped early: {run.stopped_by}. The best answer so far follows.")
    best = _best_leaf(run)
    if best is None:
        yield SearchNotice("warning", "The search found no usable thought; the model was asked to answer directly.")
        best = run.tree.root
    async for event in run.finish_with_answer(best):
        yield event


class _TotState:
    def __init__(self) -> None:
        self.solved: SearchNode | None = None


def _best_leaf(run: SearchRun) -> SearchNode | None:
    """The end of the most advanced path: the deepest scored node not pruned, best score first.

    Deeper wins because a deeper kept node was already preferred over its level's others."""
    usable = [
        n for n in run.tree.nodes.values()
        if n.parent_id is not None and not n.invalid and n.score is not None and n.state != "pruned"
    ]
    if not usable:
        return None
    return max(usable, key=lambda n: (n.answer is not None, n.depth, n.score or 0.0, -int(n.id[1:])))


async def expand(run: SearchRun, parent: SearchNode, out: list[SearchNode]) -> AsyncIterator[SearchEvent]:
    """Propose children of `parent` and add them (as `proposed`) to the tree and to `out`."""
    steps = run.tree.steps(parent)
    read, reply = await run.thinker.propose(run.task, steps, run.options.proposals, run.call_timeout())
    run.budget.tokens += reply.tokens
    if reply.timed_out:
        for n in run.timeout_notice("proposing thoughts"):
            yield n
    if read.problem:
        for n in run.notice_once("proposals", f"Bad model output: {read.problem}."):
            yield n
    ancestors = {normalise_thought(s) for s in steps}  # a thought equal to an ancestor is a loop
    votes: dict[str, int] = {}  # equal proposals merge into one child, counted as votes
    fresh: list[str] = []
    repeats = 0
    for thought in read.thoughts:
        key = normalise_thought(thought)
        if key in ancestors:
            repeats += 1
        elif key in votes:
            votes[key] += 1
        else:
            votes[key] = 1
            fresh.append(thought)
    if repeats and not fresh:
        message = "The model repeated thoughts it had already had; those branches were dropped."
        for n in run.notice_once("loop", message):
            yield n
    elif not read.thoughts and not reply.timed_out:
        message = "The model proposed no next thought for some steps; those branches end there."
        for n in run.notice_once("empty", message):
            yield n
    fresh = fresh[: run.options.proposals][: max(run.budget.nodes_left(), 0)]
    children = [run.new_node(parent, thought) for thought in fresh]
    for child in children:
        child.votes = votes[normalise_thought(child.text)]
    run.charge(reply, children)
    for child in children:
        out.append(child)
        yield run.update(child)


async def score(
    run: SearchRun, node: SearchNode, level_keys: dict[tuple[str, ...], SearchNode]
) -> AsyncIterator[SearchEvent]:
    """Give `node` a score: from the checker, from an equal state, from the cache, or from the model."""
    steps = run.tree.steps(node)
    verdict = run.task.check_step(steps)
    if verdict is not None and not verdict.ok:
        node.score, node.reason, node.invalid = 0.0, verdict.reason, True
        return
    answer = run.task.answer_from_path(steps)
    if answer is not None:
        node.answer = answer
        final = run.task.check_answer(answer)
        if final is not None:
            node.accepted, node.reason = final.ok, final.reason
            node.score = 1.0 if final.ok else 0.0
            node.invalid = not final.ok
            return
    key = run.task.state_key(steps)
    twin = level_keys.get(key)
    if twin is not None and twin is not node:  # the same state reached another way: merge
        twin.votes += 1
        node.score, node.reason, node.invalid = twin.score, f"same state as {twin.id}", True
        return
    level_keys[key] = node
    if key in run.cache:
        run.cache_hits += 1
        node.score, node.reason = run.cache[key]
        return
    if run.should_stop():
        return
    read, reply = await run.thinker.evaluate(run.task, steps, run.call_timeout())
    run.charge(reply, [node])
    if reply.timed_out:
        for n in run.timeout_notice("scoring a thought"):
            yield n
    if read.problem:
        for n in run.notice_once(f"score:{read.problem}", f"Bad model output: {read.problem}."):
            yield n
    if read.score is None:
        node.score, node.reason = NEUTRAL_SCORE, read.reason or "no usable score; treated as neutral"
        return
    node.score, node.reason = read.score, read.reason
    run.cache[key] = (read.score, read.reason)


async def _score_all(run: SearchRun, nodes: list[SearchNode], level_keys: dict) -> AsyncIterator[SearchEvent]:
    for node in nodes:
        async for event in score(run, node, level_keys):
            yield event
        yield run.update(node)
        if node.accepted:
            return


async def _bfs(run: SearchRun, state: _TotState) -> AsyncIterator[SearchEvent]:
    frontier = [run.tree.root]
    for depth in range(1, run.options.depth + 1):
        level: list[SearchNode] = []
        for parent in frontier:
            if run.should_stop():
                break
            async for event in expand(run, parent, level):
                yield event
        if not level:
            if not run.stopped_by:
                yield SearchNotice("warning", f"No new thoughts at depth {depth}; the search stops there.")
            return
        level_keys: dict = {}
        async for event in _score_all(run, level, level_keys):
            yield event
        solved = next((n for n in level if n.accepted), None)
        if solved is not None:
            state.solved = solved
            return
        ranked = sorted(
            (n for n in level if not n.invalid and n.score is not None),
            key=lambda n: (n.score or 0.0, n.votes), reverse=True,
        )
        kept = ranked[: run.options.breadth]
        for node in level:
            node.state = "kept" if node in kept else "pruned"
            yield run.update(node)
        frontier = [n for n in kept if n.answer is None]  # a kept answer is a leaf: nothing follows it
        if not frontier or run.stopped_by:
            return


async def _dfs(run: SearchRun, parent: SearchNode, state: _TotState) -> AsyncIterator[SearchEvent]:
    if parent.depth >= run.options.depth or run.should_stop():
        return
    children: list[SearchNode] = []
    async for event in expand(run, parent, children):
        yield event
    async for event in _score_all(run, children, {}):
        yield event
    solved = next((n for n in children if n.accepted), None)
    if solved is not None:
        state.solved = solved
        return
    viable = sorted(
        (n for n in children if not n.invalid and (n.score or 0.0) >= run.options.prune_below),
        key=lambda n: (n.score or 0.0, n.votes), reverse=True,
    )[: run.options.breadth]
    for node in children:
        node.state = "kept" if node in viable else "pruned"
        yield run.update(node)
    for child in (n for n in viable if n.answer is None):  # best first; coming back unsolved is the backtrack
        async for event in _dfs(run, child, state):
            yield event
        if state.solved is not None or run.stopped_by:
            return
