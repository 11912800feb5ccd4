"""Safe, exact arithmetic on small expressions such as `(10 - 4) * (13 - 9)`.

The text is parsed with `ast` and walked by hand: only integer literals, parentheses and the four
operators are accepted, so nothing a model writes can run as code. Values are `Fraction`s, so
`8 / (3 - 8 / 3)` is exactly 24 and not 23.999999.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from fractions import Fraction

# Models write ×, ÷, − and "x" for multiplication; normalise before parsing.
_SYMBOLS = str.maketrans({"×": "*", "÷": "/", "−": "-", "–": "-", "∗": "*", "[": "(", "]": ")", "{": "(", "}": ")"})
_X_TIMES = re.compile(r"(?<=[\d)\s])[xX](?=[\s\d(])")
# Long inputs are not arithmetic a checker should look at; this also bounds parsing time.
MAX_EXPRESSION_CHARS = 200


class ArithmeticError_(ValueError):
    """The text is not a plain arithmetic expression, or it divides by zero."""


@dataclass(frozen=True)
class Evaluated:
    value: Fraction
    numbers: tuple[int, ...]  # the literals used, in the order written


def normalise_expression(text: str) -> str:
    text = text.translate(_SYMBOLS)
    return _X_TIMES.sub("*", text).strip()


def evaluate_expression(text: str) -> Evaluated:
    """Evaluate `text` exactly; raise ArithmeticError_ with a readable reason otherwise."""
    source = normalise_expression(text)
    if not source:
        raise ArithmeticError_("the expression is empty")
    if len(source) > MAX_EXPRESSION_CHARS:
        raise ArithmeticError_("the expression is too long")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        raise ArithmeticError_(f"{source!r} is not an arithmetic expression") from None
    numbers: list[int] = []
    value = _walk(tree.body, numbers)
    return Evaluated(value, tuple(numbers))


_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def _walk(node: ast.AST, numbers: list[int]) -> Fraction:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        if node.value < 0:
            raise ArithmeticError_("negative literals are not allowed")
        numbers.append(node.value)
        return Fraction(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left = _walk(node.left, numbers)
        right = _walk(node.right, numbers)
        op = type(node.op)
        if op is ast.Add:
            return left + right
        if op is ast.Sub:
            return left - right
        if op is ast.Mult:
            return left * right
        if right == 0:
            raise ArithmeticError_("it divides by zero")
        return left / right
    if isinstance(node, ast.Constant):
        raise ArithmeticError_(f"only whole numbers are allowed, not {node.value!r}")
    raise ArithmeticError_(f"only numbers, + - * / and parentheses are allowed (found {type(node).__name__})")


def format_number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
