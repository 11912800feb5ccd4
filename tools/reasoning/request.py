"""Read the knobs at the start of a planning turn, and pick a mode when none was given.

`tot b=3 d=4 How do I …` → mode tot, breadth 3, depth 4, question "How do I …". The router
has already removed a leading `/plan` or `@planner`; a leftover one is removed here as well.
Knobs that do not parse are reported, never fatal: the default stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tools.reasoning.tasks import detect_game24

MODE_WORDS: dict[str, str] = {
    "one_step": "one_step", "one-step": "one_step", "onestep": "one_step", "io": "one_step", "direct": "one_step",
    "cot": "cot", "chain": "cot",
    "branches": "branches", "branch": "branches", "sc": "branches", "cot-sc": "branches",
    "tot": "tot", "tree": "tot",
    "auto": "auto",
}
SEARCH_WORDS = {"bfs": "bfs", "dfs": "dfs", "beam": "bfs"}

# knob name as typed → (option field, type). Budgets live beside the search options.
KNOBS: dict[str, tuple[str, type]] = {
    "b": ("breadth", int), "breadth": ("breadth", int), "beam": ("breadth", int),
    "d": ("depth", int), "depth": ("depth", int),
    "k": ("proposals", int), "proposals": ("proposals", int),
    "n": ("branches", int), "branches": ("branches", int),
    "search": ("search", str),
    "prune": ("prune_below", float), "prune_below": ("prune_below", float),
    "vote": ("vote", str),
    "timeout": ("call_timeout_s", float), "call_timeout_s": ("call_timeout_s", float),
    "nodes": ("max_nodes", int), "max_nodes": ("max_nodes", int),
    "tokens": ("max_tokens", int), "max_tokens": ("max_tokens", int),
    "seconds": ("max_seconds", float), "s": ("max_seconds", float), "time": ("max_seconds", float),
    "max_seconds": ("max_seconds", float),
    "checker": ("checker", str),
}
_LEADING_COMMAND = re.compile(r"^\s*(?:/plan(?:ner)?|@planner)\b[\s:,]*", re.IGNORECASE)
_KNOB = re.compile(r"^(?P<name>[a-z_]+)=(?P<value>\S+)$", re.IGNORECASE)


@dataclass
class PlanRequest:
    question: str
    mode: str | None = None  # None: not given in the text
    knobs: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def parse_plan_request(text: str) -> PlanRequest:
    """Split leading mode words and `name=value` knobs from the question."""
    rest = _LEADING_COMMAND.sub("", text, count=1)
    words = rest.split()
    request = PlanRequest(question="")
    taken = 0
    for word in words:
        lowered = word.lower().rstrip(":,")
        if lowered in MODE_WORDS and request.mode is None:
            request.mode = MODE_WORDS[lowered]
        elif lowered in SEARCH_WORDS and "search" not in request.knobs:
            request.knobs["search"] = SEARCH_WORDS[lowered]
        elif (match := _KNOB.match(word.rstrip(",;"))) and match["name"].lower() in KNOBS:
            name = match["name"].lower()
            target, kind = KNOBS[name]
            try:
                request.knobs[target] = kind(match["value"].lower() if kind is str else match["value"])
            except ValueError:
                request.problems.append(
                    f"`{word}` is not a valid setting ({name} takes a {kind.__name__}); the default was kept"
                )
        else:
            break
        taken += 1
    request.question = _drop_words(rest, taken).strip()
    return request


def _drop_words(text: str, count: int) -> str:
    """`text` without its first `count` whitespace-separated words, keeping the rest's layout."""
    position = 0
    for _ in range(count):
        match = re.compile(r"\s*\S+").match(text, position)
        if match is None:
            break
        position = match.end()
    return text[position:]


# Cues for `auto`. Ordered: the first family that matches decides.
_SEARCH_CUES = re.compile(
    r"\b(puzzle|riddle|sudoku|crossword|game of 24|make 24|combination of|arrange|schedule|itinerary|maze)\b", re.I
)
_OPTIONS_CUES = re.compile(
    r"\b(options|alternatives|best way|should i|which is better|pros and cons|trade-?offs?|strategy|strategies|"
    r"compare|recommend|plan for|plan to|ways to)\b", re.I,
)
_STEPS_CUES = re.compile(
    r"\b(how many|how much|calculate|compute|solve|prove|why|explain|step by step|steps|derive|if .+ then)\b"
    r"|\d+\s*[-+*/×÷%^]\s*\d+", re.I,
)


def choose_mode(question: str) -> tuple[str, str]:
    """(mode, reason) for `auto`: the cheapest mode that suits the question."""
    if detect_game24(question) is not None:
        return "tot", "it is a Game-of-24 puzzle with an exact checker, where a tree search pays off"
    if _SEARCH_CUES.search(question):
        return "tot", "it is a puzzle or a constrained search, where exploring and pruning alternatives helps"
    if _OPTIONS_CUES.search(question):
        return "branches", "several answers are plausible, so a few independent chains and a vote are safer"
    if _STEPS_CUES.search(question) or len(question.split()) > 40:
        return "cot", "it needs working through in steps"
    return "one_step", "it is a short, direct question that one answer can settle"
