"""`maitre demo-db`: builds where asked (or where the agent looks), reports row counts."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tui.cli import cli


def test_demo_db_builds_where_asked(tmp_path: Path) -> None:
    target = tmp_path / "club.duckdb"
    result = CliRunner().invoke(cli, ["demo-db", "--scale", "0.02", "--path", str(target)])
    assert result.exit_code == 0, result.output
    assert target.is_file()
    assert "transactions" in result.stdout and "4,000" in result.stdout


def test_demo_db_defaults_to_the_agents_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "demo-db", "--scale", "0.02"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "sql" / "loyalty_demo.duckdb").is_file()


def test_demo_db_rejects_a_zero_scale(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo-db", "--scale", "0", "--path", str(tmp_path / "x.duckdb")])
    assert result.exit_code != 0 and "greater than 0" in result.output
