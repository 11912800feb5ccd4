"""`maitre eval-planner game24` on a replay cassette: the paper's rows, the checker's verdict, the stats."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from tui.cli import cli


def run_cli(tmp_path: Path, responses: list[str], *args: str):
    cassette = tmp_path / "tape.yaml"
    cassette.write_text(yaml.safe_dump({"version": 1, "responses": responses}), encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'data_dir = "{tmp_path}"\n', encoding="utf-8")
    return CliRunner().invoke(
        cli, ["--config", str(config), "--backend", "replay", "--cassette", str(cassette), "eval-planner", "game24", *args]
    )


def test_one_step_over_the_first_two_test_puzzles_counts_what_the_checker_accepts(tmp_path: Path) -> None:
    # Ranks 901 and 902 are "4 5 6 10" and "1 2 4 7" in the ToT file.
    responses = ["Answer: 5 * 6 - 10 + 4 = 24", "Answer: 7 * 4 - 2 - 1 = 24"]
    result = run_cli(tmp_path, responses, "--mode", "one_step", "--limit", "2", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["cases"] == 2 and report["mode"] == "one_step"
    assert [(c["rank"], c["puzzle"]) for c in report["per_case"]] == [(901, "4 5 6 10"), (902, "1 2 4 7")]
    assert [c["solved"] for c in report["per_case"]] == [True, False]  # 7 * 4 - 2 - 1 is 25
    assert report["success_rate"] == 0.5
    assert report["mean_nodes"] == 1.0 and report["mean_tokens"] > 0 and report["p50_ms"] >= 0


def test_tot_text_report_shows_each_puzzle_and_the_summary(tmp_path: Path) -> None:
    responses = [
        '{"thoughts": ["5 * 6 = 30 (left: 4 10 30)"]}', '{"score": 9, "reason": "30 is close"}',
        '{"thoughts": ["30 - 10 = 20 (left: 4 20)"]}', '{"score": 6, "reason": "20 and 4"}',
        '{"thoughts": ["20 - 4 = 16 (left: 16)"]}',  # used up at 16: the checker prunes it
        "Answer: 5 * 6 - 10 - 4 = 16",
    ]
    result = run_cli(tmp_path, responses, "--mode", "tot", "--limit", "1", "-b", "1", "-d", "3", "-k", "1")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("1 puzzles (ranks 901–901), mode tot, replay")
    assert lines[1].split()[:8] == ["✗", "#901", "4", "5", "6", "10", "4", "nodes"]
    assert "cases=1 success_rate=0.0" in lines[-1] and "mean_nodes=4.0" in lines[-1]


def test_a_missing_puzzle_file_says_what_to_do(tmp_path: Path) -> None:
    result = run_cli(tmp_path, [], "--file", str(tmp_path / "none.csv"))
    assert result.exit_code != 0
    assert "pass --file" in result.output


def test_a_short_cassette_is_reported_not_a_traceback(tmp_path: Path) -> None:
    result = run_cli(tmp_path, ["Answer: 1"], "--mode", "one_step", "--limit", "2")
    assert result.exit_code != 0
    assert "record it again" in result.output and "Traceback" not in result.output
