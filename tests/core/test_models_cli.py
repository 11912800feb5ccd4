"""`maitre models` and `maitre pull` on a recorded Ollama, and on a port where nothing listens."""

import json
from pathlib import Path

from click.testing import CliRunner

from tests.fake_ollama import fake_ollama
from tui.cli import cli


def run(tmp_path: Path, *args: str, host: str = "http://ollama.test:11434", transport=None, extra_env=None):  # type: ignore[no-untyped-def]
    env = {"MAITRE_CONFIG": "", "MAITRE_DATA_DIR": str(tmp_path / "data"), "OLLAMA_HOST": host, **(extra_env or {})}
    obj = {"ollama_transport": transport} if transport is not None else {}
    return CliRunner().invoke(cli, list(args), obj=obj, env=env)


def test_models_lists_installed_loaded_and_each_agents_model(tmp_path):
    config = tmp_path / "maitre.toml"
    config.write_text('[ollama]\nmodel = "llama3.2:3b"\n[ollama.models]\nsql = "qwen2.5:7b"\nseo = "mistral:7b"\n')
    result = run(tmp_path, "--config", str(config), "models", transport=fake_ollama())
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Ollama 0.12.6 at http://ollama.test:11434"
    [llama] = [l for l in lines if l.strip().startswith("llama3.2:3b")]
    assert "2.0 GB" in llama and "loaded, 100% in VRAM" in llama
    [qwen] = [l for l in lines if l.strip().startswith("qwen2.5:7b")]
    assert "loaded" not in qwen
    assert any(l.split() == ["sql", "qwen2.5:7b"] for l in lines)
    assert any(l.split() == ["chat", "llama3.2:3b"] for l in lines)
    assert "seo        mistral:7b  (not pulled: `maitre pull mistral:7b`)" in result.output


def test_models_json_says_which_agent_models_are_pulled(tmp_path):
    result = run(tmp_path, "--model", "qwen2.5:7b", "models", "--json", transport=fake_ollama())
    report = json.loads(result.output)
    assert report["agents"]["chat"] == {"model": "qwen2.5:7b", "pulled": True}
    assert [m["name"] for m in report["loaded"]] == ["llama3.2:3b"]


def test_models_exits_1_with_a_sentence_when_ollama_is_down(tmp_path, closed_port):
    host = f"http://127.0.0.1:{closed_port}"
    result = run(tmp_path, "models", host=host)
    assert result.exit_code == 1
    assert result.output.startswith(f"Ollama is not reachable at {host}")
    assert "Traceback" not in result.output


def test_pull_shows_progress_and_ends_with_the_model_pulled(tmp_path):
    result = run(tmp_path, "pull", "smollm2:135m", transport=fake_ollama())
    assert result.exit_code == 0, result.output
    assert "pulling manifest" in result.output and "verifying sha256 digest" in result.output
    assert "270.9/270.9 MB" in result.output  # the layer's bar reached its total
    assert result.output.rstrip().endswith("Pulled smollm2:135m.")


def test_pull_of_an_unknown_model_exits_1_with_a_sentence(tmp_path):
    result = run(tmp_path, "pull", "nosuch:1b", transport=fake_ollama())
    assert result.exit_code == 1
    assert "Ollama has no model called nosuch:1b to pull" in result.output
