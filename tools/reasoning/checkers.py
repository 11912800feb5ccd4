"""Deterministic checkers: a task may bring one, and the search trusts it over the model.

`Game24Checker` judges Game-of-24 answers exactly (every number used once, only + - * /, value
24) and also replays the intermediate steps a tree search proposes ("4 + 9 = 13 (left: 10 13
13)"), so an impossible step is pruned without asking the model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Protocol

from tools.reasoning.arithmetic import ArithmeticError_, evaluate_expression, format_number, normalise_expression


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str


class Checker(Protocol):
    """Anything with a name and `check_answer` can judge final answers."""

    name: str

    def check_answer(self, text: str) -> Verdict: ...


# A final line such as "Answer: (4 + 8) * (10 - 8) = 24"; the "= 24" tail is optional.
_ANSWER_PREFIX = re.compile(r"^\s*(?:final\s+)?(?:answer|expression|solution)\s*[:=-]\s*", re.IGNORECASE)
_NUMBERING = re.compile(r"^\s*(?:\d+[.)]|step\s*\d+\s*[:.)]|[-*•])\s+", re.IGNORECASE)
_OPERAND = r"\d+(?:\s*/\s*\d+)?|\(\s*\d+\s*/\s*\d+\s*\)"
_STEP = re.compile(
    rf"^\s*(?P<a>{_OPERAND})\s*(?P<op>[-+*/])\s*(?P<b>{_OPERAND})\s*=\s*(?P<c>-?\d+(?:\.\d+)?(?:\s*/\s*\d+)?)",
)


@dataclass(frozen=True)
class StepsOutcome:
    """Where a sequence of Game-of-24 steps leads."""

    ok: bool
    reason: str
    remaining: tuple[Fraction, ...] = ()
    # One expression per remaining number, in the same order: how it was built from the puzzle.
    expressions: tuple[str, ...] = ()
    solved: bool = False

    @property
    def expression(self) -> str | None:
        return _strip_outer(self.expressions[0]) if self.solved and self.expressions else None


@dataclass
class Game24Checker:
    numbers: tuple[int, ...]
    target: int = 24
    name: str = "game24"
    _memo: dict[tuple[str, ...], StepsOutcome] = field(default_factory=dict, repr=False)

    def check_answer(self, text: str) -> Verdict:
        """Accept `text` when one of its lines is an expression using each number once and making 24."""
        problem = ""  # the reason about the last line, where answers usually are
        for line in reversed([ln for ln in text.splitlines() if ln.strip()] or [text]):
            candidate = _ANSWER_PREFIX.sub("", _NUMBERING.sub("", line)).strip().rstrip(".")
            candidate = _drop_target_tail(candidate, self.target)
            if not candidate or not re.search(r"\d", candidate):
                continue
            verdict = self._check_expression(candidate)
            if verdict.ok:
                return verdict
            problem = problem or verdict.reason
        return Verdict(False, problem or "no arithmetic expression was found")

    def _check_expression(self, expression: str) -> Verdict:
        try:
            evaluated = evaluate_expression(expression)
        except ArithmeticError_ as exc:
            return Verdict(False, str(exc))
        if Counter(evaluated.numbers) != Counter(self.numbers):
            used = " ".join(map(str, sorted(evaluated.numbers)))
            wanted = " ".join(map(str, sorted(self.numbers)))
            return Verdict(False, f"it uses {used or 'no numbers'} but must use {wanted}, each once")
        if evaluated.value != self.target:
            return Verdict(False, f"it makes {format_number(evaluated.value)}, not {self.target}")
        return Verdict(True, f"{normalise_expression(expression)} = {self.target}")

    def apply_steps(self, steps: Sequence[str]) -> StepsOutcome:
        """Replay steps from the start; memoised, since a search replays the same prefixes."""
        key = tuple(steps)
        if key in self._memo:
            return self._memo[key]
        if not steps:
            outcome = StepsOutcome(
                True, "start", tuple(Fraction(n) for n in self.numbers), tuple(str(n) for n in self.numbers)
            )
        else:
            before = self.apply_steps(steps[:-1])
            outcome = before if not before.ok else self._apply_one(before, steps[-1])
        self._memo[key] = outcome
        return outcome

    def _apply_one(self, state: StepsOutcome, step: str) -> StepsOutcome:
        if state.solved:
            return StepsOutcome(False, "the puzzle was already solved", state.remaining, state.expressions)
        text = normalise_expression(step)
        match = _STEP.match(text)
        if match is None:
            # A model may jump straight to a whole expression: accept it when it is right.
            verdict = self.check_answer(step) if len(state.remaining) == len(self.numbers) else None
            if verdict is not None and verdict.ok:
                expression = _drop_target_tail(_ANSWER_PREFIX.sub("", text), self.target)
                return StepsOutcome(True, verdict.reason, (Fraction(self.target),), (expression,), solved=True)
            return StepsOutcome(False, "not a step of the form `a + b = c`")
        a, b = _fraction(match["a"]), _fraction(match["b"])
        op = match["op"]
        pool = list(state.remaining)
        picked: list[int] = []
        for operand in (a, b):
            index = next((i for i, v in enumerate(pool) if v == operand and i not in picked), None)
            if index is None:
                have = " ".join(format_number(v) for v in state.remaining)
                return StepsOutcome(False, f"{format_number(operand)} is not among the numbers left ({have})")
            picked.append(index)
        if op == "/" and b == 0:
            return StepsOutcome(False, "it divides by zero")
        value = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else Fraction(0)}[op]
        claimed = _fraction(match["c"])
        if abs(claimed - value) > Fraction(1, 100):
            worked = f"{format_number(a)} {op} {format_number(b)} is {format_number(value)}"
            return StepsOutcome(False, f"{worked}, not {match['c']}")
        expressions = [e for i, e in enumerate(state.expressions) if i not in picked]
        remaining = [v for i, v in enumerate(pool) if i not in picked]
        expressions.append(f"({state.expressions[picked[0]]} {op} {state.expressions[picked[1]]})")
        remaining.append(value)
        solved = len(remaining) == 1 and remaining[0] == self.target
        left = " ".join(format_number(v) for v in remaining)
        return StepsOutcome(True, f"left: {left}", tuple(remaining), tuple(expressions), solved=solved)


def _fraction(text: str) -> Fraction:
    cleaned = text.replace("(", "").replace(")", "").replace(" ", "")
    return Fraction(cleaned)


def _drop_target_tail(text: str, target: int) -> str:
    return re.sub(rf"\s*=\s*{target}(?:\.0+)?\s*$", "", text).strip()


def _strip_outer(expression: str) -> str:
    if not (expression.startswith("(") and expression.endswith(")")):
        return expression
    depth = 0
    for i, char in enumerate(expression):
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and i < len(expression) - 1:
            return expression  # the first "(" closes before the end: "(a) * (b)"
    return expression[1:-1]
