"""`maitre eval-sql`: the shipped questions are sound, comparisons are fair, metrics add up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.sql.conftest import SPIDER_DIR
from tools.sql.engine import ReadOnlyDatabase
from tools.sql.evaluation import gold_orders, load_questions, results_match
from tools.sql.examples import demo_examples_path, load_examples
from tools.sql.guard import SqlGuard
from tools.sql.schema import SchemaInfo
from tui.cli import cli

QUESTIONS = Path(__file__).parents[1] / "data" / "sql" / "demo_questions.yaml"


def test_the_demo_questions_are_many_sound_and_answerable(demo_db: ReadOnlyDatabase, demo_schema: SchemaInfo) -> None:
    cases = load_questions(QUESTIONS)
    assert len(cases) >= 40 and len({c.id for c in cases}) == len(cases)
    guard = SqlGuard(demo_schema, "duckdb", row_cap=100_000)
    for case in cases:
        guard.check(case.gold_sql)  # the gold answers obey the same rules as the model's
        assert demo_db.execute(case.gold_sql).rows, case.id


def test_the_shipped_examples_are_verified_and_do_not_leak_into_the_questions(
    demo_db: ReadOnlyDatabase, demo_schema: SchemaInfo
) -> None:
    examples = load_examples(demo_examples_path())
    guard = SqlGuard(demo_schema, "duckdb")
    for example in examples:
        assert demo_db.execute(guard.check(example.sql).sql).rows, example.question
    asked = {c.question.lower() for c in load_questions(QUESTIONS)}
    assert not asked & {e.question.lower() for e in examples}


def test_results_are_compared_like_spider_does() -> None:
    gold = [("gold", 10), ("basic", 20)]
    assert results_match(gold, [["basic", 20], ["gold", 10]], ordered=False)
    assert not results_match(gold, [["basic", 20], ["gold", 10]], ordered=True)
    assert results_match(gold, [[10, "gold"], [20, "basic"]], ordered=True)  # columns in another order
    assert results_match([(1 / 3,)], [[0.33333]], ordered=False)
    assert not results_match(gold, [["gold", 10]], ordered=False)
    assert not results_match([(1, 1), (1, 2)], [[1, 1], [1, 1]], ordered=False)  # multisets, not sets
    assert gold_orders("SELECT a FROM t ORDER BY a", "duckdb")
    assert not gold_orders("SELECT a FROM (SELECT a FROM t ORDER BY a) s", "duckdb")


def _cassette(path: Path, sqls: list[str]) -> Path:
    path.write_text(yaml.safe_dump({"version": 1, "responses": [json.dumps({"sql": s, "explanation": ""}) for s in sqls]}))
    return path


def test_eval_sql_reports_every_metric(tmp_path: Path, demo_url: str) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(yaml.safe_dump([
        {"id": "a", "question": "How many stores?", "gold_sql": "SELECT count(*) FROM stores"},
        {"id": "b", "question": "Members per tier", "gold_sql": "SELECT tier, count(*) FROM members GROUP BY tier"},
        {"id": "c", "question": "Biggest basket", "gold_sql": "SELECT max(total_amount) FROM transactions"},
    ]))
    cassette = _cassette(tmp_path / "c.yaml", [
        "SELECT count(*) AS n FROM stores",
        "SELECT tier, count(*) FROM members GROUP BY tier ORDER BY 2",
        "SELECT max(nope) FROM transactions", "SELECT min(total_amount) FROM transactions",  # repaired, but wrong
    ])
    result = CliRunner().invoke(cli, [
        "--backend", "replay", "--cassette", str(cassette), "--data-dir", str(tmp_path / "data"),
        "eval-sql", str(questions), "--db", demo_url, "--json",
    ])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[result.stdout.index("{"):])
    assert report["cases"] == 3
    assert report["execution_accuracy"] == pytest.approx(2 / 3, abs=1e-3)
    assert report["valid_sql_rate"] == 1.0
    assert report["repairs_per_question"] == pytest.approx(1 / 3, abs=1e-3)
    assert report["p95_ms"] >= report["p50_ms"] > 0
    assert [r["correct"] for r in report["results"]] == [True, True, False]


def test_eval_sql_runs_the_spider_layout(tmp_path: Path) -> None:
    items = json.loads((SPIDER_DIR / "dev.json").read_text())
    cassette = _cassette(tmp_path / "spider.yaml", [i["query"] for i in items[:4]])
    result = CliRunner().invoke(cli, [
        "--backend", "replay", "--cassette", str(cassette), "--data-dir", str(tmp_path / "data"),
        "eval-sql", "--spider", str(SPIDER_DIR), "--limit", "4",
    ])
    assert result.exit_code == 0, result.output
    assert "cases                 4" in result.stdout and "execution_accuracy    1.0" in result.stdout


def test_eval_sql_needs_exactly_one_source() -> None:
    result = CliRunner().invoke(cli, ["eval-sql"])
    assert result.exit_code != 0 and "QUESTIONS file or --spider" in result.output
