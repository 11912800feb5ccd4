"""`maitre eval-router` / `fit-router`, the case-file format, the metrics, and the shipped cases."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from router_test_agents import DESCRIPTIONS, standard_agents

from prompts import load_examples
from router.classifier import normalise
from router.evaluation import CaseFileError, CaseResult, RouterCase, load_cases, run_cases, summarise
from router.routing import router_examples
from tui.commands import routing as routing_commands

CASES = Path(__file__).parents[1] / "router_cases.yaml"
REQUIRED_KEYS = {
    "cases", "accuracy", "macro_f1", "per_route", "confusion", "llm_call_rate",
    "p50_ms", "p95_ms", "abstain_precision", "abstain_recall",
}


@pytest.fixture()
def cli(monkeypatch):
    # The sql/pdf/seo/planner modules live on other branches: route to stand-ins that carry
    # the same names and the real example files.
    monkeypatch.setattr(routing_commands, "load_agents", standard_agents)
    from tui.cli import cli as group

    return group


def test_the_shipped_case_file_covers_every_route_and_kind_of_turn() -> None:
    cases = load_cases(CASES)
    assert len(cases) >= 150
    expected = {c.expected for c in cases}
    assert expected >= {*DESCRIPTIONS, "clarify", "out_of_scope", "split"}
    assert sum(1 for c in cases if c.history) >= 15
    assert all(c.parts and len(set(c.parts)) == 2 for c in cases if c.expected == "split")
    assert len({c.id for c in cases}) == len(cases)


def test_no_case_is_a_copy_of_a_training_example() -> None:
    training = {normalise(e) for name in DESCRIPTIONS for e in load_examples(name)}
    training |= {normalise(e) for e in router_examples("router_out_of_scope") + router_examples("router_ambiguous")}
    copies = [c.id for c in load_cases(CASES) if normalise(c.text) in training]
    assert copies == []


def test_stage_1_alone_routes_the_shipped_cases_well(stage1_router) -> None:
    summary = summarise(asyncio.run(run_cases(stage1_router, load_cases(CASES))))
    assert summary["accuracy"] >= 0.9, summary["errors"]
    assert summary["per_route"]["split"]["recall"] >= 0.75


def test_json_lines_and_the_split_shorthand_are_accepted(tmp_path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(
        '{"id": "a", "text": "hi", "expected": "chat"}\n\n'
        '{"text": "chart sales and write a meta tag", "expected": ["sql", "seo"], '
        '"history": [{"user": "x", "agent": "sql"}]}\n'
    )
    first, second = load_cases(path)
    assert first.id == "a" and second.id == "case-2"
    assert (second.expected, second.parts) == ("split", ["sql", "seo"])
    assert second.exchanges()[0].agent == "sql"


@pytest.mark.parametrize("content, suffix, words", [
    ("- text: hi\n", ".yaml", "expected"),
    ("{not json\n", ".jsonl", "line 1"),
    ("just: a mapping\n", ".yaml", "must be a list"),
    ("- [unclosed\n", ".yaml", "not valid YAML"),
])
def test_a_bad_case_file_gets_a_message(tmp_path, content, suffix, words) -> None:
    path = tmp_path / f"cases{suffix}"
    path.write_text(content)
    with pytest.raises(CaseFileError, match=words):
        load_cases(path)


def _result(expected: str, predicted: str, llm: bool = False, ms: float = 1.0, parts=()) -> CaseResult:
    case = RouterCase(text="t", expected=expected, parts=list(parts))
    return CaseResult(case, predicted, list(parts), "classifier", llm, llm, ms, "")


def test_the_metrics() -> None:
    results = [
        _result("sql", "sql", ms=1), _result("sql", "pdf", ms=2), _result("pdf", "pdf", llm=True, ms=100),
        _result("clarify", "clarify", ms=1), _result("out_of_scope", "chat", ms=1), _result("chat", "clarify", ms=1),
        _result("split", "split", parts=("sql", "seo")),
    ]
    summary = summarise(results)
    assert summary["cases"] == 7 and summary["accuracy"] == pytest.approx(4 / 7, abs=1e-4)
    assert summary["per_route"]["sql"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(0.6667, abs=1e-4), "support": 2}
    assert summary["per_route"]["pdf"]["precision"] == 0.5
    assert summary["confusion"]["sql"] == {"sql": 1, "pdf": 1}
    assert summary["llm_call_rate"] == pytest.approx(1 / 7, abs=1e-4)
    assert summary["abstain_precision"] == 0.5  # clarify right, clarify for chat wrong
    assert summary["abstain_recall"] == 0.5  # clarify found, out_of_scope missed
    assert summary["p95_ms"] == 100 and summary["stage1_p95_ms"] == 2


def test_eval_router_json_prints_one_object_with_every_metric(cli) -> None:
    result = CliRunner().invoke(cli, ["eval-router", str(CASES), "--json", "--no-llm"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert REQUIRED_KEYS <= set(summary) and summary["cases"] >= 150
    assert summary["llm_call_rate"] == 0.0


def test_eval_router_prints_a_table(cli, tmp_path) -> None:
    cases = tmp_path / "c.yaml"
    cases.write_text("- {text: 'how many gold members do we have?', expected: sql}\n- {text: 'hello!', expected: chat}\n")
    result = CliRunner().invoke(cli, ["eval-router", str(cases), "--no-llm"])
    assert result.exit_code == 0, result.output
    assert "accuracy 1.000" in result.output and "confusion" in result.output


def test_eval_router_explains_a_missing_file(cli, tmp_path) -> None:
    result = CliRunner().invoke(cli, ["eval-router", str(tmp_path / "nope.yaml")])
    assert result.exit_code != 0 and "does not exist" in result.output


def test_fit_router_writes_the_router_section_and_keeps_the_rest(cli, tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('backend = "embedded"\n\n[router]\nthreshold = 0.9\nllm = false\n\n[agents.sql]\ndb_url = "x"\n')
    result = CliRunner().invoke(cli, ["--config", str(config), "fit-router", str(CASES), "--write", "--json"])
    assert result.exit_code == 0, result.output
    fitted = json.loads(result.output.splitlines()[0])
    assert 0.3 <= fitted["threshold"] <= 0.95 and fitted["llm_call_rate"] <= 0.2
    from tui.settings import load_settings

    settings = load_settings(config, env={})
    assert settings.router.threshold == pytest.approx(fitted["threshold"])
    assert settings.router.llm is False and settings.agents["sql"]["db_url"] == "x"
