"""`maitre seo --brief` end to end: a real local web server, recorded model answers."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from tui.cli import cli

from .test_pipeline import KEYWORD, WRITE


def setup(tmp_path: Path, answers: list[str], approve_outline: bool = False) -> Path:
    (tmp_path / "tape.yaml").write_text(yaml.safe_dump({"version": 1, "responses": answers}))
    config = tmp_path / "config.toml"
    config.write_text(
        f'backend = "replay"\ndata_dir = "{tmp_path / "data"}"\n[replay]\ncassette = "{tmp_path / "tape.yaml"}"\n'
        f"[agents.seo]\napprove_outline = {str(approve_outline).lower()}\n"
        "[agents.seo.crawl]\nper_host_delay_s = 0\n"
    )
    return config


def brief(tmp_path: Path, base: str, **fields) -> Path:
    data = {"topic": "The Rust programming language", "keyword": KEYWORD, "length": 300, "urls": [f"{base}/page"]}
    data.update(fields)
    path = tmp_path / "brief.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_seo_command_runs_the_whole_pipeline(tmp_path, local_server):
    base, _ = local_server
    config = setup(tmp_path, WRITE)
    result = CliRunner().invoke(cli, ["--config", str(config), "seo", "--brief", str(brief(tmp_path, base)),
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "✓ revise" in result.stderr and "audit: " in result.stderr
    article = (tmp_path / "out" / "article.md").read_text()
    assert article.startswith("---\ntitle:") and "# The Rust Language Explained" in article
    assert (tmp_path / "out" / "article.html").exists() and (tmp_path / "out" / "audit.md").exists()
    listing = CliRunner().invoke(cli, ["--config", str(config), "seo", "--list"])
    assert " done " in listing.stdout


def test_seo_command_stops_on_a_dead_url_and_resumes_after_the_fix(tmp_path, local_server):
    base, _ = local_server
    config = setup(tmp_path, WRITE)
    path = brief(tmp_path, base, urls=[f"{base}/gone"])
    result = CliRunner().invoke(cli, ["--config", str(config), "seo", "--brief", str(path)])
    assert result.exit_code == 1
    assert "the crawl step stopped" in result.stderr and "does not exist (HTTP 404)" in result.stderr
    assert "maitre seo --resume" in result.stderr and "Traceback" not in result.output
    job_id = result.stderr.split("job ", 1)[1].split()[0]
    fixed = brief(tmp_path, base)  # the same brief file, now with a live URL
    result = CliRunner().invoke(cli, ["--config", str(config), "seo", "--resume", job_id, "--brief", str(fixed)])
    assert result.exit_code == 0, result.stderr
    assert "✓ crawl" in result.stderr
    shown = CliRunner().invoke(cli, ["--config", str(config), "seo", "--show", job_id])
    assert "✓ crawl" in shown.stdout and "(done)" in shown.stdout


def test_brief_without_keyword_is_a_clear_message(tmp_path, local_server):
    base, _ = local_server
    config = setup(tmp_path, WRITE)
    result = CliRunner().invoke(cli, ["--config", str(config), "seo", "--brief", str(brief(tmp_path, base, keyword=""))])
    assert result.exit_code == 1 and "no target keyword" in result.stderr


def test_gate_without_a_terminal_waits_and_yes_goes_on(tmp_path, local_server):
    base, _ = local_server
    config = setup(tmp_path, WRITE, approve_outline=True)
    result = CliRunner().invoke(cli, ["--config", str(config), "seo", "--brief", str(brief(tmp_path, base))])
    assert result.exit_code == 2 and "--yes" in result.stderr and "## Why the Rust language" in result.stderr
    # A new process replays its tape from the start: give it the answers after the outline.
    (tmp_path / "tape.yaml").write_text(yaml.safe_dump({"version": 1, "responses": WRITE[1:]}))
    result = CliRunner().invoke(cli, ["--config", str(config), "seo", "--resume", "--yes"])
    assert result.exit_code == 0, result.stderr
    assert "… outline" not in result.stderr and "✓ draft" in result.stderr
