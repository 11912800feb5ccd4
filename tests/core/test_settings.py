import pytest

from tui.settings import SettingsError, load_settings


def test_file_then_environment_then_flags(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        'backend = "ollama"\n[ollama]\nhost = "http://filehost:11434"\nmodel = "llama3.2:3b"\nnum_ctx = 8192\n'
        '[ollama.models]\nsql = "qwen2.5-coder:7b"\n[agents.sql]\nrow_cap = 50\n'
    )
    s = load_settings(config, env={"OLLAMA_HOST": "envhost:9999"}, overrides={"backend": "embedded"})
    assert s.model.backend == "embedded"  # flag beats file
    assert s.model.ollama_host == "http://envhost:9999"  # environment beats file
    assert s.model.num_ctx == 8192
    assert s.model.model_for("sql") == "qwen2.5-coder:7b" and s.model.model_for("chat") == "llama3.2:3b"
    assert s.agents["sql"]["row_cap"] == 50
    assert s.config_path == config


@pytest.mark.parametrize(
    "given, expected",
    [("0.0.0.0", "http://0.0.0.0:11434"), ("myhost:1234", "http://myhost:1234"), ("https://gpu.lan/", "https://gpu.lan:11434")],
)
def test_ollama_host_accepts_the_forms_ollama_accepts(given, expected):
    assert load_settings(env={"OLLAMA_HOST": given, "MAITRE_CONFIG": ""}).model.ollama_host == expected


def test_db_url_from_the_environment_reaches_the_sql_agent_section():
    s = load_settings(env={"MAITRE_DB_URL": "sqlite:///club.db"})
    assert s.agent_settings()["sql"]["db_url"] == "sqlite:///club.db"


def test_bad_toml_is_a_clear_error(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("backend = = 'x'")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(config, env={})


def test_an_unknown_backend_is_a_clear_error(tmp_path):
    with pytest.raises(SettingsError, match="backend"):
        load_settings(env={"MAITRE_BACKEND": "cloud"})


def test_a_missing_explicit_settings_file_is_an_error(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", env={})
