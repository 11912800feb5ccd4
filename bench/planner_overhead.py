"""The planner search's own cost per node, outside the model.

A tree-of-thoughts search (BFS and DFS, generic and Game-of-24 tasks) runs against replayed
model responses; the time spent inside the model client is measured and subtracted, and what is
left (proposal parsing, merging, the checker, scoring, the cache, building PlanNode events) is
divided by the nodes made. Anchor (issue 7): under 1 ms per node.

Run: python bench/planner_overhead.py    → one JSON object
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.planner import build_task, load_prompt_sets, to_plan_node  # noqa: E402
from tools.models.replay import ReplayChatClient, ReplayTape  # noqa: E402
from tools.reasoning.engine import ReasoningEngine, SearchOptions  # noqa: E402
from tools.reasoning.outputs import ThoughtEvaluation, ThoughtProposals  # noqa: E402
from tools.reasoning.thinker import Thinker  # noqa: E402
from tools.reasoning.tree import Budget, NodeUpdate, SearchDone  # noqa: E402

ANCHOR_MS_PER_NODE = 1.0
RUNS = 15


class RecordedResponses(ReplayChatClient):
    """Replays pre-recorded responses of the kind each call asks for, and times itself."""

    def __init__(self, proposals: list[str], scores: list[str], answers: list[str]) -> None:
        super().__init__(ReplayTape([]), role="planner")
        self._queues = {ThoughtProposals: proposals, ThoughtEvaluation: scores, None: answers}
        self._positions = {key: 0 for key in self._queues}
        self.model_s = 0.0

    async def create_stream(self, messages, *, json_output=None, **kwargs):  # type: ignore[no-untyped-def, override]
        started = time.perf_counter()
        key = json_output if json_output in self._queues else None
        queue = self._queues[key]
        content = queue[self._positions[key] % len(queue)]
        self._positions[key] += 1
        self._tape = ReplayTape([content])
        stream = super().create_stream(messages, json_output=json_output, **kwargs)
        self.model_s += time.perf_counter() - started
        while True:
            started = time.perf_counter()
            try:
                item = await stream.__anext__()
            except StopAsyncIteration:
                self.model_s += time.perf_counter() - started
                return
            self.model_s += time.perf_counter() - started
            yield item


def generic_responses(seed: int, k: int) -> tuple[list[str], list[str], list[str]]:
    rng = random.Random(seed)
    proposals = [
        json.dumps({"thoughts": [f"Option {i}.{j}: do thing {rng.randint(0, 10**6)} next" for j in range(k)]})
        for i in range(400)
    ]
    scores = [json.dumps({"score": rng.randint(0, 10), "reason": "plausible"}) for _ in range(2000)]
    return proposals, scores, ["Answer: do the best thing"]


def game24_responses(seed: int) -> tuple[list[str], list[str], list[str]]:
    """Steps on 4 9 10 13: a mix of valid steps, impossible ones and duplicates, as models write."""
    rng = random.Random(seed)
    steps = [
        "13 - 9 = 4 (left: 4 4 10)", "4 + 9 = 13 (left: 10 13 13)", "10 - 4 = 6 (left: 6 9 13)",
        "9 + 10 = 19 (left: 4 13 19)", "13 - 10 = 3 (left: 3 4 9)", "4 * 9 = 36 (left: 10 13 36)",
        "10 - 4 = 6 (left: 4 6)", "4 + 4 = 8 (left: 8 10)", "13 + 13 = 26 (left: 10 26)", "7 * 2 = 14",
    ]
    proposals = [json.dumps({"thoughts": rng.sample(steps, 5)}) for _ in range(400)]
    scores = [json.dumps({"score": rng.randint(0, 10), "reason": "maybe"}) for _ in range(2000)]
    return proposals, scores, ["Answer: (13 - 9) * (10 - 4) = 24"]


async def one_run(question: str, responses, options: SearchOptions, prompts) -> tuple[float, float, int]:
    client = RecordedResponses(*responses)
    engine = ReasoningEngine(Thinker(client, prompts), options, Budget(max_nodes=0, max_tokens=0, max_seconds=0))
    started = time.perf_counter()
    nodes = 0
    async for event in engine.run(build_task(question)):
        if isinstance(event, NodeUpdate):
            to_plan_node(event)  # what the agent does with each update
        elif isinstance(event, SearchDone):
            nodes = event.result.nodes
    total = time.perf_counter() - started
    return total, client.model_s, nodes


async def main() -> dict:
    prompts = load_prompt_sets()
    scenarios = {
        "tot_bfs_generic_b5_d4_k5": ("How do I move flat in one weekend?", lambda s: generic_responses(s, 5),
                                     SearchOptions(mode="tot", breadth=5, depth=4, proposals=5)),
        "tot_dfs_generic_b3_d4_k4": ("How do I move flat in one weekend?", lambda s: generic_responses(s, 4),
                                     SearchOptions(mode="tot", search="dfs", breadth=3, depth=4, proposals=4, prune_below=0.0)),
        "tot_bfs_game24_b5_d3_k5": ("Use 4 9 10 13 to make 24", game24_responses,
                                    SearchOptions(mode="tot", breadth=5, depth=3, proposals=5)),
    }
    out: dict = {}
    all_per_node = []
    for name, (question, make, options) in scenarios.items():
        per_node, model_per_node, node_counts = [], [], []
        for run in range(RUNS):
            total, model_s, nodes = await one_run(question, make(run), options, prompts)
            per_node.append((total - model_s) * 1000 / max(nodes, 1))
            model_per_node.append(model_s * 1000 / max(nodes, 1))
            node_counts.append(nodes)
        out[name] = {
            "nodes": int(statistics.median(node_counts)),
            "overhead_ms_per_node_p50": round(statistics.median(per_node), 4),
            "overhead_ms_per_node_max": round(max(per_node), 4),
            "replay_client_ms_per_node_p50": round(statistics.median(model_per_node), 4),
        }
        all_per_node.extend(per_node)
    worst_p50 = max(v["overhead_ms_per_node_p50"] for v in out.values())
    return {
        "bench": "planner_overhead",
        "runs_per_scenario": RUNS,
        "anchor_ms_per_node": ANCHOR_MS_PER_NODE,
        "overhead_ms_per_node": worst_p50,
        "ratio_to_anchor": round(worst_p50 / ANCHOR_MS_PER_NODE, 4),
        "meets_anchor": worst_p50 < ANCHOR_MS_PER_NODE,
        "scenarios": out,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
