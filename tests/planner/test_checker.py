"""The Game-of-24 checker: exact arithmetic, every number once, and nothing a model writes runs."""

from __future__ import annotations

import pytest

from tools.reasoning.arithmetic import ArithmeticError_, evaluate_expression
from tools.reasoning.checkers import Game24Checker
from tools.reasoning.tasks import Game24Task, detect_game24, load_game24_puzzles

from pathlib import Path

DATA = Path(__file__).parents[1] / "data" / "game24" / "24.csv"


@pytest.mark.parametrize(
    "answer",
    [
        "(10 - 4) * (13 - 9) = 24",
        "Answer: (13-9)*(10-4)",
        "First 13 - 9 = 4.\nThen 10 - 4 = 6.\nAnswer: (13 − 9) × (10 − 4) = 24",
        "[(10 - 4) * (13 - 9)]",
    ],
)
def test_accepts_correct_answers_in_the_forms_models_write(answer: str) -> None:
    assert Game24Checker((4, 9, 10, 13)).check_answer(answer).ok


def test_exact_fractions_make_the_hard_puzzles_solvable() -> None:
    # 8 / (3 - 8/3) = 24 exactly; floating point would give 23.99999…
    assert Game24Checker((3, 3, 8, 8)).check_answer("8 / (3 - 8 / 3) = 24").ok


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ("4 * 9 - 10 - 13", "makes 13"),
        ("(10 - 4) * 4 = 24", "must use 4 9 10 13"),
        ("(10 - 4) * (13 - 9) * 1", "must use"),
        ("24", "must use"),
        ("13 / (9 - 9) + 4 + 10", "zero"),
        ("(10 - 4) ** 2 - 13 + 9 + 4", "only numbers"),
        ("__import__('os').system('echo hi') or 24", "only numbers"),
        ("10.5 * 2 + 3", "whole numbers"),
        ("I cannot solve this", "no arithmetic expression"),
    ],
)
def test_rejects_wrong_answers_with_a_reason(answer: str, why: str) -> None:
    verdict = Game24Checker((4, 9, 10, 13)).check_answer(answer)
    assert not verdict.ok
    assert why in verdict.reason


def test_expression_parser_never_evaluates_code() -> None:
    with pytest.raises(ArithmeticError_):
        evaluate_expression("(lambda: 24)()")
    with pytest.raises(ArithmeticError_):
        evaluate_expression("1" * 500)
    assert evaluate_expression("2 × 3 ÷ 4").value == pytest.approx(1.5)


def test_steps_are_replayed_exactly_and_a_solved_path_becomes_the_answer() -> None:
    task = Game24Task(numbers=(4, 9, 10, 13))
    steps = ["13 - 9 = 4 (left: 4 4 10)", "10 - 4 = 6 (left: 4 6)", "4 * 6 = 24 (left: 24)"]
    assert task.state_text(steps[:1]) == "4 10 4"
    other = Game24Task(numbers=(1, 1, 4, 6))
    assert other.state_key(["1 * 1 = 1"]) == other.state_key(["1 / 1 = 1"])  # two ways, one state
    assert other.state_key(["1 * 1 = 1"]) != other.state_key(["1 + 1 = 2"])
    assert task.check_step(steps[:2]).ok
    assert task.answer_from_path(steps[:2]) is None
    answer = task.answer_from_path(steps)
    assert answer == "(13 - 9) * (10 - 4) = 24"
    assert task.checker.check_answer(answer).ok


@pytest.mark.parametrize(
    ("steps", "why"),
    [
        (["13 - 9 = 5"], "is 4, not 5"),
        (["7 + 9 = 16"], "7 is not among the numbers left"),
        (["4 + 4 = 8"], "4 is not among"),  # only one 4 at the start
        (["let us think about it"], "not a step"),
        (["4 + 9 = 13", "13 + 13 = 26", "26 - 10 = 16"], "make 16, not 24"),
    ],
)
def test_impossible_steps_are_rejected(steps: list[str], why: str) -> None:
    verdict = Game24Task(numbers=(4, 9, 10, 13)).check_step(steps)
    assert not verdict.ok
    assert why in verdict.reason


def test_a_whole_expression_as_the_first_step_is_accepted() -> None:
    task = Game24Task(numbers=(4, 9, 10, 13))
    assert task.answer_from_path(["(10 - 4) * (13 - 9) = 24"]) == "(10 - 4) * (13 - 9) = 24"


def test_detects_game24_questions() -> None:
    assert detect_game24("game of 24 with 4 9 10 13") == (4, 9, 10, 13)
    assert detect_game24("Use 1 1 4 6 to make 24") == (1, 1, 4, 6)
    assert detect_game24("make 24 from 1 2") is None
    assert detect_game24("plan 4 meetings in 9 days for 10 people and 13 rooms") is None


def test_every_puzzle_of_the_papers_test_rows_has_a_checkable_solution() -> None:
    puzzles = load_game24_puzzles(DATA)
    assert len(puzzles) == 1362
    tested = puzzles[900:1000]
    assert tested[0].rank == 901 and tested[-1].rank == 1000
    # A brute-force solver proves each puzzle solvable and the checker accepts its answer.
    for puzzle in tested[:25]:
        expression = _solve(list(puzzle.numbers), [str(n) for n in puzzle.numbers])
        assert expression is not None, puzzle
        assert Game24Checker(puzzle.numbers).check_answer(expression).ok, (puzzle, expression)


def _solve(values: list, texts: list[str]) -> str | None:
    from fractions import Fraction

    values = [Fraction(v) for v in values]
    if len(values) == 1:
        return texts[0] if values[0] == 24 else None
    for i in range(len(values)):
        for j in range(len(values)):
            if i == j:
                continue
            rest = [v for k, v in enumerate(values) if k not in (i, j)]
            rest_t = [t for k, t in enumerate(texts) if k not in (i, j)]
            a, b, ta, tb = values[i], values[j], texts[i], texts[j]
            options = [(a + b, f"({ta} + {tb})"), (a - b, f"({ta} - {tb})"), (a * b, f"({ta} * {tb})")]
            if b:
                options.append((a / b, f"({ta} / {tb})"))
            for value, text in options:
                found = _solve(rest + [value], rest_t + [text])
                if found:
                    return found
    return None


def test_the_reason_given_is_about_the_last_line() -> None:
    verdict = Game24Checker((4, 9, 10, 13)).check_answer("1. 4 + 9 = 13\n2. 13 + 10 = 13\n3. 13 + 13 = 24")
    assert not verdict.ok and "uses 13 13" in verdict.reason
