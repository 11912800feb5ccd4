"""A step checklist (✓ / … / ✗ per step), for agents that work in named steps, like seo.

It fills from two sources: live, from ToolCall/ToolResult pairs named `<agent>.<step>`; and
whole, from a checklist Notice (agents/seo.py `checklist()`): a header line, then one line per
step, `<mark> <step>[ — detail]`, with the marks of tools/seo/jobs.py STEP_MARKS (a light
module: importing agents.seo would load the whole SEO pipeline into the UI).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from tools.seo.jobs import STEP_MARKS

STATE_MARKS = STEP_MARKS
MARK_STATES = {mark: state for state, mark in STEP_MARKS.items()}
STATE_STYLES = {"done": "green", "failed": "bold red", "running": "yellow", "waiting": "cyan", "pending": "dim"}
STEP_TOOL_PREFIX = "seo."


@dataclass
class StepLine:
    name: str
    state: str
    detail: str = ""


def parse_checklist(message: str) -> tuple[str, list[StepLine]] | None:
    """The header and steps of a checklist Notice, or None when the message is not one."""
    lines = message.strip().splitlines()
    if len(lines) < 2:
        return None
    steps = []
    for line in lines[1:]:
        mark, _, rest = line.partition(" ")
        if mark not in MARK_STATES or not rest.strip():
            return None
        name, _, detail = rest.partition(" — ")
        steps.append(StepLine(name.strip(), MARK_STATES[mark], detail.strip()))
    return lines[0], steps


class StepChecklist(Static):
    DEFAULT_CSS = """
    StepChecklist { margin: 1 0 0 0; padding: 0 1; border-left: wide $secondary; }
    """

    def __init__(self, header: str = "Steps") -> None:
        super().__init__()
        self.header = header
        self.steps: dict[str, StepLine] = {}

    def on_mount(self) -> None:
        self.update(self.render_steps())

    def replace(self, header: str, steps: list[StepLine]) -> None:
        """The agent's own, complete checklist supersedes what was gathered live."""
        self.header = header
        self.steps = {step.name: step for step in steps}
        self.update(self.render_steps())

    def mark(self, name: str, state: str, detail: str = "") -> None:
        step = self.steps.setdefault(name, StepLine(name, state))
        step.state = state
        if detail:
            step.detail = detail
        self.update(self.render_steps())

    def render_steps(self) -> Text:
        text = Text(self.header, style="bold")
        for step in self.steps.values():
            text.append("\n")
            text.append(f"{STATE_MARKS.get(step.state, '·')} {step.name}", style=STATE_STYLES.get(step.state, ""))
            if step.detail:
                text.append(f" — {step.detail}", style="dim")
        return text

    def states(self) -> dict[str, str]:
        return {name: step.state for name, step in self.steps.items()}
