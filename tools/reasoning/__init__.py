"""Reasoning search: one engine with four modes (one_step, cot, branches, tot), checkers and tasks.

Independent of agents and UI: give it a `Thinker` (a chat client plus prompt templates), a task
and options, and iterate over its events.
"""

from tools.reasoning.checkers import Checker, Game24Checker, Verdict
from tools.reasoning.engine import MODES, ReasoningEngine, SearchOptions
from tools.reasoning.request import PlanRequest, choose_mode, parse_plan_request
from tools.reasoning.tasks import Game24Task, ReasoningTask, detect_game24, load_game24_puzzles
from tools.reasoning.thinker import PromptSet, Thinker
from tools.reasoning.tree import Budget, NodeUpdate, SearchDone, SearchNotice, SearchResult

__all__ = [
    "MODES", "Budget", "Checker", "Game24Checker", "Game24Task", "NodeUpdate", "PlanRequest", "PromptSet",
    "ReasoningEngine", "ReasoningTask", "SearchDone", "SearchNotice", "SearchOptions", "SearchResult",
    "Thinker", "Verdict", "choose_mode", "detect_game24", "load_game24_puzzles", "parse_plan_request",
]
