"""The pytest plugin: conversation files become tests whose failures name turn and expectation."""

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from tests.convo.helpers import TWO_TURNS, TWO_TURNS_CASSETTE, write_cassette, write_convo

ROOT = Path(__file__).resolve().parents[2]


def _installed_as_entry_point() -> bool:
    return any(ep.name == "maitre-convo" for ep in entry_points(group="pytest11"))


def run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("MAITRE_CONVO_MODE", None)
    # Once maitre is installed with its pytest11 entry point the plugin loads by itself;
    # loading it again with -p would register it twice.
    load = [] if _installed_as_entry_point() else ["-p", "tui.convo.pytest_plugin"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *load, "-q", "-p", "no:cacheprovider", *args, str(folder)],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120,
    )


def test_conversations_are_collected_and_their_failures_name_turn_and_expectation(tmp_path):
    write_convo(tmp_path, "good", TWO_TURNS)
    write_cassette(tmp_path, "good", TWO_TURNS_CASSETTE)
    write_convo(tmp_path, "wrong", TWO_TURNS.replace("contains: [questions]", "contains: [poems]"))
    write_cassette(tmp_path, "wrong", TWO_TURNS_CASSETTE)
    write_convo(tmp_path, "broken", "turns:\n  - user: hi\n    expect: {route: chat, tabel: {}}\n")
    (tmp_path / "notes.yaml").write_text("not: a conversation\n")
    proc = run_pytest(tmp_path, "-rf")
    out = proc.stdout
    assert proc.returncode == 1, out
    assert "1 passed" in out and "2 failed" in out
    assert "turn 2 ('@chat And what can you do?') · contains: the answer lacks 'poems'" in out
    assert "broken.convo.yaml:3: turn 1, expect: unknown key `tabel`. Did you mean `table`?" in out


def test_the_mode_option_selects_live_runs(tmp_path):
    # In live mode the conversation needs a live model; with nothing answering on a closed
    # port it fails with the backend's error instead of replaying its cassette.
    write_convo(tmp_path, "good", TWO_TURNS.replace("name: two turns", "name: two\nsettings: {backend: ollama, host: 'http://127.0.0.1:9'}"))
    write_cassette(tmp_path, "good", TWO_TURNS_CASSETTE)
    assert run_pytest(tmp_path).returncode == 0
    live = run_pytest(tmp_path, "--convo-mode", "live")
    assert live.returncode == 1 and "is not answering" in live.stdout
