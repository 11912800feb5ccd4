"""The command line, run as a user runs it: a subprocess of the installed entry point."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def maitre(*args: str, env_extra: dict[str, str] | None = None, tmp_path: Path, stdin: str | None = None):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAITRE_", "OLLAMA_"))}
    env.update({"MAITRE_DATA_DIR": str(tmp_path / "data"), "MAITRE_CONFIG": str(tmp_path / "none.toml")})
    (tmp_path / "none.toml").write_text("")
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], cwd=ROOT, env=env, capture_output=True, text=True, input=stdin, timeout=120
    )


def cassette(tmp_path: Path, *responses: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(json.dumps({"version": 1, "responses": list(responses)}))
    return path


def test_help_documents_every_command_and_the_environment(tmp_path):
    out = maitre("--help", tmp_path=tmp_path)
    assert out.returncode == 0
    for word in ("ask", "chat", "doctor", "--backend", "--host", "OLLAMA_HOST", "MAITRE_DB_URL"):
        assert word in out.stdout


def test_ask_prints_the_answer_and_the_route(tmp_path):
    path = cassette(tmp_path, "Four tiers: basic, silver, gold and platinum.")
    out = maitre("--backend", "replay", "--cassette", str(path), "ask", "--agent", "chat", "How", "many", "tiers?", tmp_path=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "Four tiers: basic, silver, gold and platinum."
    assert "chat" in out.stderr


def test_ask_json_prints_one_event_per_line(tmp_path):
    path = cassette(tmp_path, "Hello there.")
    out = maitre("--backend", "replay", "--cassette", str(path), "ask", "--agent", "chat", "--json", "hi", tmp_path=tmp_path)
    events = [json.loads(line) for line in out.stdout.splitlines()]
    types = [e["type"] for e in events]
    assert types[0] == "turn_started" and types[1] == "route_decided" and types[-1] == "turn_done"
    assert "".join(e["text"] for e in events if e["type"] == "text_delta") == "Hello there."


def test_ask_reads_standard_input_with_a_dash(tmp_path):
    path = cassette(tmp_path, "Got it.")
    out = maitre("--backend", "replay", "--cassette", str(path), "ask", "--agent", "chat", "--json", "-", tmp_path=tmp_path, stdin="a long\nquestion")
    assert json.loads(out.stdout.splitlines()[0])["text"] == "@chat a long\nquestion"


def test_a_failed_turn_exits_non_zero_with_a_sentence_not_a_traceback(tmp_path, closed_port):
    out = maitre("--backend", "ollama", "--host", f"127.0.0.1:{closed_port}", "ask", "--agent", "chat", "hi", tmp_path=tmp_path)
    assert out.returncode == 1
    assert "ollama serve" in out.stderr and "Traceback" not in out.stderr


def test_a_corrupt_store_is_a_clear_message_and_is_not_overwritten(tmp_path):
    store = tmp_path / "data" / "maitre.db"
    store.parent.mkdir(parents=True)
    store.write_bytes(b"garbage" * 50)
    out = maitre("--backend", "replay", "--cassette", str(cassette(tmp_path, "x")), "ask", "hi", tmp_path=tmp_path)
    assert out.returncode != 0 and "not a maitre store" in out.stderr and "Traceback" not in out.stderr
    assert store.read_bytes() == b"garbage" * 50


def test_doctor_reports_the_fallback_and_exits_zero_when_embedded_can_answer(tmp_path, closed_port):
    out = maitre("--host", f"127.0.0.1:{closed_port}", "doctor", "--json", tmp_path=tmp_path)
    report = json.loads(out.stdout)
    assert out.returncode == 0
    assert report["chosen_backend"] == "embedded" and f"127.0.0.1:{closed_port}" in report["reason"]
    assert report["embedded_model"].endswith(".gguf")
    assert report["store_path"].startswith(str(tmp_path))


def test_doctor_exits_non_zero_when_nothing_can_answer(tmp_path, closed_port):
    out = maitre("--host", f"127.0.0.1:{closed_port}", "--gguf", str(tmp_path / "missing.gguf"), "doctor", tmp_path=tmp_path)
    assert out.returncode == 1
    assert "NOT READY" in out.stdout and "missing.gguf" in out.stdout
