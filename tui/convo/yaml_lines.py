"""YAML loading that remembers where each value came from.

PyYAML composes a node tree that carries line marks before it builds plain Python values.
We keep both: the values go to pydantic, the marks turn a pydantic error location such as
("turns", 2, "expect", "table") back into the line a person has to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Location = tuple[str | int, ...]


class YamlSyntaxError(ValueError):
    def __init__(self, path: Path, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: not valid YAML: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


@dataclass
class LinedDocument:
    """A parsed YAML document plus the 1-based line of every mapping key and list item."""

    path: Path
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)

    def line_of(self, loc: Location) -> int:
        """The line of `loc`, or of its nearest ancestor that exists in the file."""
        probe = tuple(loc)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)


def load_lined_yaml(path: Path, text: str | None = None) -> LinedDocument:
    path = Path(path)
    if text is None:
        text = path.read_text(encoding="utf-8")
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlSyntaxError(path, line, exc.problem or str(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(path, 1, str(exc)) from None
    finally:
        loader.dispose()
    document = LinedDocument(path=path, data=data)
    if node is not None:
        document.lines[()] = node.start_mark.line + 1
        _walk(node, (), document.lines)
    return document


def _walk(node: yaml.Node, loc: Location, lines: dict[Location, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            child = (*loc, key)
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*loc, index)
            lines[child] = item.start_mark.line + 1
            _walk(item, child, lines)
