"""The search tree, its budget, and the events a search emits as it grows.

Every change of a node (proposed, scored, kept, pruned, chosen) is emitted as a `NodeUpdate`
holding a frozen copy, so a consumer can render or store it while the search goes on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

NodeState = Literal["proposed", "kept", "pruned", "chosen"]


@dataclass
class SearchNode:
    id: str
    parent_id: str | None
    depth: int
    text: str
    score: float | None = None
    state: NodeState = "proposed"
    tokens: int = 0
    ms: float = 0.0
    reason: str = ""
    answer: str | None = None  # set when the path ending here holds a final answer
    accepted: bool | None = None  # the checker's verdict on `answer`
    invalid: bool = False  # a deterministic checker rejected the step
    votes: int = 1  # equal candidates merged into this one

    def view(self) -> NodeView:
        return NodeView(
            self.id, self.parent_id, self.depth, self.text, self.score, self.state,
            self.tokens, round(self.ms, 3), self.reason,
        )


@dataclass(frozen=True)
class NodeView:
    id: str
    parent_id: str | None
    depth: int
    text: str
    score: float | None
    state: NodeState
    tokens: int
    ms: float
    reason: str


class SearchTree:
    def __init__(self, question: str) -> None:
        self.nodes: dict[str, SearchNode] = {}
        self._next = 0
        self.root = self.add(None, question)
        self.root.state = "kept"

    def add(self, parent: SearchNode | None, text: str) -> SearchNode:
        node = SearchNode(
            id=f"n{self._next}", parent_id=parent.id if parent else None,
            depth=parent.depth + 1 if parent else 0, text=text,
        )
        self._next += 1
        self.nodes[node.id] = node
        return node

    def path(self, node: SearchNode) -> list[SearchNode]:
        """From the first step to `node`, root excluded."""
        out: list[SearchNode] = []
        current: SearchNode | None = node
        while current is not None and current.parent_id is not None:
            out.append(current)
            current = self.nodes[current.parent_id]
        return out[::-1]

    def steps(self, node: SearchNode) -> list[str]:
        return [n.text for n in self.path(node)]

    def __len__(self) -> int:
        return len(self.nodes)


class Budget:
    """Limits for one search. Zero or less means no limit on that axis."""

    def __init__(self, max_nodes: int = 60, max_tokens: int = 20_000, max_seconds: float = 180.0) -> None:
        self.max_nodes = max_nodes
        self.max_tokens = max_tokens
        self.max_seconds = max_seconds
        self.nodes = 0
        self.tokens = 0
        self.started = time.perf_counter()

    def elapsed_s(self) -> float:
        return time.perf_counter() - self.started

    def remaining_s(self) -> float:
        return float("inf") if self.max_seconds <= 0 else self.max_seconds - self.elapsed_s()

    def nodes_left(self) -> int:
        return 1 << 30 if self.max_nodes <= 0 else self.max_nodes - self.nodes

    def exhausted(self) -> str | None:
        """Why the search must stop now, or None."""
        if self.max_nodes > 0 and self.nodes >= self.max_nodes:
            return f"the node budget ({self.max_nodes} nodes) is used up"
        if self.max_tokens > 0 and self.tokens >= self.max_tokens:
            return f"the token budget ({self.max_tokens:,} tokens) is used up"
        if self.max_seconds > 0 and self.elapsed_s() >= self.max_seconds:
            return f"the time budget ({self.max_seconds:g} s) is used up"
        return None


@dataclass(frozen=True)
class NodeUpdate:
    node: NodeView


@dataclass(frozen=True)
class SearchNotice:
    level: Literal["info", "warning"]
    message: str


@dataclass(frozen=True)
class SearchResult:
    mode: str
    answer: str
    accepted: bool | None  # the checker's verdict, None without a checker
    check_reason: str
    nodes: int  # nodes created, root excluded
    tokens: int
    ms: float
    model_calls: int
    stopped_by: str | None  # the budget limit that ended the search early, if any
    chosen: tuple[str, ...] = field(default=())  # node ids from the root to the answer
    best_score: float | None = None


@dataclass(frozen=True)
class SearchDone:
    result: SearchResult


SearchEvent = NodeUpdate | SearchNotice | SearchDone
