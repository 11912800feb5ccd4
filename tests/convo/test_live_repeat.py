"""Live mode with --repeat: pass rate and flakiness per turn."""

import asyncio
import itertools
import json

from tests.convo.helpers import TWO_TURNS, write_convo
from tests.convo.test_recording import stand_in_model
from tui.convo.reports import html_report, stability_text, write_json
from tui.convo.runner import RunOptions, run_suite


def test_repeated_live_runs_report_pass_rate_and_flaky_turns(tmp_path):
    path = write_convo(tmp_path, "two", TWO_TURNS)
    # A model that gets turn 1 right on two runs out of three, and turn 2 always right.
    answers = itertools.cycle([
        ["I am a local assistant.", "I answer questions."],
        ["Bonjour.", "I answer questions."],
        ["An assistant, locally.", "I answer questions."],
    ])

    def factory(config, recorder):
        return stand_in_model(next(answers))(config, recorder)

    summary = asyncio.run(run_suite([path], RunOptions(mode="live", isolated=True, hub_factory=factory), repeat=3))
    assert len(summary.results) == 3 and [r.run for r in summary.results] == [1, 2, 3]
    rates = {(s.turn): (s.passes, s.runs, s.flaky) for s in summary.stability()}
    assert rates == {1: (2, 3, True), 2: (3, 3, False)}
    text = stability_text(summary)
    assert "67%  two turns turn 1 ('Hello, who are you?')  flaky" in text
    assert "flaky turns: 1 of 2" in text
    write_json(summary, tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["stability"][0] == {"path": str(path), "name": "two turns", "turn": 1, "user": "Hello, who are you?",
                                    "runs": 3, "passes": 2, "pass_rate": 0.667, "flaky": True}
    assert "Pass rate per turn (3 runs)" in html_report(summary)
