"""Reports: JUnit XML that CI tools read, JSON with every turn, a self-contained HTML page,
and `maitre test` exiting non-zero on failure."""

import asyncio
import json
import re
import xml.etree.ElementTree as ET

from click.testing import CliRunner

from tests.convo.helpers import TWO_TURNS, TWO_TURNS_CASSETTE, write_cassette, write_convo
from tui.cli import cli
from tui.convo.reports import html_report, junit_tree, summary_text
from tui.convo.runner import RunOptions, run_suite


def make_suite(tmp_path):
    good = write_convo(tmp_path, "good", TWO_TURNS)
    write_cassette(tmp_path, "good", TWO_TURNS_CASSETTE)
    bad = write_convo(tmp_path, "bad", TWO_TURNS.replace("name: two turns", "name: bad one").replace("route: chat,", "route: sql,"))
    write_cassette(tmp_path, "bad", TWO_TURNS_CASSETTE)
    broken = write_convo(tmp_path, "broken", "turns: {}\n")
    return [good, bad, broken]


def test_junit_has_a_suite_per_conversation_and_a_case_per_turn(tmp_path):
    summary = asyncio.run(run_suite(make_suite(tmp_path), RunOptions(isolated=True)))
    root = junit_tree(summary).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "1", "1")
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"two turns", "bad one", "broken.convo.yaml"}
    [failure] = list(root.iter("failure"))
    assert failure.get("message").startswith("turn 1 ('Hello, who are you?') · route: expected sql, routed to chat")
    cases = [c.get("name") for c in suites["two turns"].iter("testcase")]
    assert cases == ["turn 1: Hello, who are you?", "turn 2: @chat And what can you do?"]
    [error] = list(suites["broken.convo.yaml"].iter("error"))
    assert "line 1" in error.text and "turns" in error.text


def test_summary_lists_failures_and_counts(tmp_path):
    summary = asyncio.run(run_suite(make_suite(tmp_path), RunOptions(isolated=True)))
    text = summary_text(summary)
    assert "FAIL bad one" in text and "route: expected sql" in text and "FAIL broken.convo.yaml" in text
    assert text.splitlines()[-1].startswith("FAILED: 1/3 conversations, 3/4 turns passed (replay,")


def test_html_is_self_contained_and_shows_each_turns_events_route_timing_and_failures(tmp_path):
    summary = asyncio.run(run_suite(make_suite(tmp_path), RunOptions(isolated=True)))
    page = html_report(summary)
    assert not re.search(r"<(script|link)\b|src=|href=", page)  # nothing fetched from anywhere
    assert page.count("<details") == 4
    assert "route_decided" in page and "text_delta" in page and "I answer questions." in page
    assert "chat · fallback" in page or "chat · classifier" in page
    assert "route: expected sql, routed to chat" in page
    assert re.search(r"\d+ ms</span>", page)


def test_the_command_writes_every_report_and_exits_1_on_failure(tmp_path):
    make_suite(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(cli, [
        "--config", str(_empty_config(tmp_path)), "test", str(tmp_path),
        "--junit", str(out / "r.xml"), "--json", str(out / "r.json"), "--html", str(out / "r.html"),
    ])
    assert result.exit_code == 1, result.output
    assert "route: expected sql" in result.output
    ET.parse(out / "r.xml")
    data = json.loads((out / "r.json").read_text())
    assert data["passed"] is False and data["conversations"] == 3 and data["turns_failed"] == 1
    turn = data["conversations_detail"][0]["turns"][0]
    assert {"route", "stage", "elapsed_ms", "events", "failures", "answer"} <= set(turn)
    assert (out / "r.html").read_text().startswith("<!doctype html>")


def test_the_command_exits_0_when_everything_passes(tmp_path):
    good = write_convo(tmp_path, "good", TWO_TURNS)
    write_cassette(tmp_path, "good", TWO_TURNS_CASSETTE)
    result = CliRunner().invoke(cli, ["--config", str(_empty_config(tmp_path)), "test", str(good)])
    assert result.exit_code == 0, result.output
    assert "passed: 1/1 conversations, 2/2 turns passed" in result.output


def test_the_command_says_when_there_is_nothing_to_run(tmp_path):
    result = CliRunner().invoke(cli, ["test", str(tmp_path)])
    assert result.exit_code == 2 and "no *.convo.yaml files" in result.output


def _empty_config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("")
    return path
