"""What the search works on: a question, how its partial states look, and an optional checker.

`ReasoningTask` is the general case (free-text steps, a final line "Answer: …"). `Game24Task`
knows the Game of 24: its state is the numbers left, its steps are replayed exactly by the
checker, and a solved path becomes the answer without another model call.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tools.reasoning.checkers import Checker, Game24Checker, Verdict
from tools.reasoning.arithmetic import format_number

_SPACES = re.compile(r"\s+")
_FINAL = re.compile(r"^\s*(?:final\s+)?answer\s*[:=-]\s*(?P<answer>.+)$", re.IGNORECASE | re.DOTALL)


def normalise_thought(text: str) -> str:
    """The form two thoughts share when they say the same thing (merging, loop detection)."""
    return _SPACES.sub(" ", text.strip().lower()).rstrip(" .!;,")


def final_answer_in(text: str) -> str | None:
    """The answer when `text` is (or ends with) a line "Answer: …", else None."""
    for line in reversed(text.strip().splitlines()):
        match = _FINAL.match(line)
        if match:
            return match["answer"].strip()
    return None


def answer_of_chain(text: str) -> str:
    """The answer a reasoning chain ends with: its "Answer:" line, else its last line."""
    found = final_answer_in(text)
    if found:
        return found
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else ""


@dataclass
class ReasoningTask:
    question: str
    checker: Checker | None = None
    # Which prompt family fits: "generic", or a task's own ("game24").
    kind: str = "generic"

    def state_text(self, steps: Sequence[str]) -> str:
        """How the partial solution is shown to the model."""
        if not steps:
            return "(no steps yet)"
        return "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1))

    def state_key(self, steps: Sequence[str]) -> tuple[str, ...]:
        """Two paths with the same key are the same state: evaluated once, merged in a level."""
        return tuple(normalise_thought(s) for s in steps)

    def check_step(self, steps: Sequence[str]) -> Verdict | None:
        """A deterministic opinion on the last step, or None to let the model judge."""
        return None

    def answer_from_path(self, steps: Sequence[str]) -> str | None:
        """The final answer when the path already holds one, else None."""
        return final_answer_in(steps[-1]) if steps else None

    def check_answer(self, answer: str) -> Verdict | None:
        return self.checker.check_answer(answer) if self.checker is not None else None


@dataclass
class Game24Task(ReasoningTask):
    question: str = ""
    numbers: tuple[int, ...] = ()
    kind: str = "game24"
    checker: Game24Checker = field(init=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.checker = Game24Checker(tuple(self.numbers))
        if not self.question:
            self.question = game24_question(self.numbers)

    @property
    def puzzle(self) -> str:
        return " ".join(map(str, self.numbers))

    def state_text(self, steps: Sequence[str]) -> str:
        outcome = self.checker.apply_steps(steps)
        return " ".join(format_number(v) for v in outcome.remaining)

    def state_key(self, steps: Sequence[str]) -> tuple[str, ...]:
        outcome = self.checker.apply_steps(steps)
        if not outcome.ok:
            return super().state_key(steps)
        return tuple(sorted(format_number(v) for v in outcome.remaining))

    def check_step(self, steps: Sequence[str]) -> Verdict | None:
        outcome = self.checker.apply_steps(steps)
        if outcome.ok and len(outcome.remaining) == 1 and not outcome.solved:
            return Verdict(False, f"the numbers are used up and make {format_number(outcome.remaining[0])}, not 24")
        return Verdict(outcome.ok, outcome.reason)

    def answer_from_path(self, steps: Sequence[str]) -> str | None:
        outcome = self.checker.apply_steps(steps)
        if outcome.solved and outcome.expression:
            return f"{outcome.expression} = 24"
        return None


def game24_question(numbers: Sequence[int]) -> str:
    listed = " ".join(map(str, numbers))
    return (
        f"Use the numbers {listed} and basic arithmetic operations (+ - * /) to obtain 24, "
        "using each number exactly once."
    )


# "game of 24 with 4 9 10 13", "make 24 from 1 1 4 6", "24 game: 2 3 5 12", "game24 4 9 10 13".
_GAME24_CUE = re.compile(r"game\s*(?:of\s*)?24|24\s*game|\b(?:make|get|reach|obtain|equals?|to)\s+24\b", re.IGNORECASE)


def detect_game24(text: str) -> tuple[int, ...] | None:
    """The four numbers when `text` asks for a Game of 24, else None."""
    if not _GAME24_CUE.search(text):
        return None
    cue_removed = _GAME24_CUE.sub(" ", text)
    numbers = tuple(int(n) for n in re.findall(r"(?<![\d.])\d{1,3}(?![\d.])", cue_removed))
    return numbers if len(numbers) == 4 else None


@dataclass(frozen=True)
class Game24Puzzle:
    rank: int
    numbers: tuple[int, ...]
    solved_rate: str = ""


def load_game24_puzzles(path: Path) -> list[Game24Puzzle]:
    """Rows of the ToT repository's 24.csv (Rank, Puzzles, AMT (s), Solved rate, …)."""
    puzzles = []
    with Path(path).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            numbers = tuple(int(n) for n in row["Puzzles"].split())
            puzzles.append(Game24Puzzle(int(row["Rank"]), numbers, row.get("Solved rate", "")))
    return puzzles
