"""Verified question -> SQL examples, retrieved as few-shot examples for a new question.

The file is the user's: a YAML list of `{question, sql}` they have checked. maitre only reads
it; a model's SQL is never added by itself, so a wrong answer cannot teach the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import yaml

from tools.sql.schema_card import words


class ExamplesError(ValueError):
    pass


@dataclass(frozen=True)
class VerifiedExample:
    question: str
    sql: str


def demo_examples_path() -> Path:
    return Path(str(files("tools.sql").joinpath("demo_examples.yaml")))


def load_examples(path: Path) -> list[VerifiedExample]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExamplesError(f"the examples file {path} does not exist; fix `examples_path` or remove it") from None
    except yaml.YAMLError as exc:
        raise ExamplesError(f"the examples file {path} is not valid YAML: {exc}") from None
    if not isinstance(data, list):
        raise ExamplesError(f"the examples file {path} must be a list of {{question, sql}} items")
    out = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str) or not isinstance(item.get("sql"), str):
            raise ExamplesError(f"item {i} of {path} needs a `question` and an `sql` text")
        out.append(VerifiedExample(item["question"].strip(), item["sql"].strip()))
    return out


def closest_examples(question: str, examples: list[VerifiedExample], k: int = 3) -> list[VerifiedExample]:
    """The k examples sharing the most words with the question (Jaccard), best first."""
    asked = words(question)
    if not asked:
        return []
    scored = []
    for example in examples:
        theirs = words(example.question)
        overlap = len(asked & theirs)
        if overlap:
            scored.append((overlap / len(asked | theirs), example))
    scored.sort(key=lambda pair: -pair[0])
    return [example for _, example in scored[:k]]
