"""Settings, read once at the edge: defaults < TOML file < environment < command-line flags.

Nothing below `tui/` reads files or environment variables; they receive the objects built here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel, Field, ValidationError

from router.config import RouterConfig
from tools.mcp_servers import McpServerConfig
from tools.models.config import DEFAULT_OLLAMA_HOST, ModelConfig

APP_NAME = "maitre"


class SettingsError(ValueError):
    pass


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


class Settings(BaseModel):
    model: ModelConfig = Field(default_factory=ModelConfig)
    data_dir: Path = Field(default_factory=default_data_dir)
    store_path: Path | None = None
    prompts_dir: Path | None = None
    router: RouterConfig = Field(default_factory=RouterConfig)
    agents: dict[str, dict[str, Any]] = Field(default_factory=dict)
    keys: dict[str, str] = Field(default_factory=dict, description="[keys]: action id → keys (tui/keymap.py).")
    # `[mcp.servers.NAME]` sections: MCP servers whose tools agents may use.
    mcp_servers: dict[str, McpServerConfig] = Field(default_factory=dict)
    config_path: Path | None = None

    @property
    def router_threshold(self) -> float:
        return self.router.threshold

    @property
    def store_file(self) -> Path:
        return self.store_path or self.data_dir / "maitre.db"

    def agent_settings(self) -> dict[str, dict[str, Any]]:
        out = {name: dict(section) for name, section in self.agents.items()}
        if self.prompts_dir is not None:
            for name in set(out) | {"chat"}:
                out.setdefault(name, {})["prompts_dir"] = str(self.prompts_dir)
        return out


# Environment variables and where each lands: (variable, dotted key).
ENVIRONMENT: tuple[tuple[str, str], ...] = (
    ("OLLAMA_HOST", "ollama.host"),
    ("MAITRE_BACKEND", "backend"),
    ("MAITRE_MODEL", "ollama.model"),
    ("MAITRE_GGUF", "embedded.gguf_path"),
    ("MAITRE_DATA_DIR", "data_dir"),
    ("MAITRE_STORE", "store_path"),
    ("MAITRE_CASSETTE", "replay.cassette"),
    ("MAITRE_PROMPTS_DIR", "prompts_dir"),
    ("MAITRE_DB_URL", "agents.sql.db_url"),
)


def _normalise_host(host: str) -> str:
    # OLLAMA_HOST is often given as "0.0.0.0:11434" or "myhost": the same forms Ollama accepts.
    host = host.strip().rstrip("/")
    if "://" not in host:
        host = f"http://{host}"
    scheme, _, rest = host.partition("://")
    if ":" not in rest.split("/")[0]:
        rest = rest.replace("/", ":11434/", 1) if "/" in rest else f"{rest}:11434"
    return f"{scheme}://{rest}"


def _set(tree: dict[str, Any], dotted: str, value: Any) -> None:
    node = tree
    *parents, leaf = dotted.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value


def load_settings(
    config_path: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build Settings. `overrides` holds dotted keys from flags, e.g. {"ollama.host": "…"}."""
    env = os.environ if env is None else env
    explicit = config_path or (Path(env["MAITRE_CONFIG"]) if env.get("MAITRE_CONFIG") else None)
    path = explicit or default_config_path()
    tree: dict[str, Any] = {}
    if path.is_file():
        try:
            tree = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path} is not valid TOML: {exc}. Fix it, or pass --config another file.") from None
    elif explicit is not None:
        raise SettingsError(f"the settings file {path} does not exist")
    for variable, key in ENVIRONMENT:
        if env.get(variable):
            _set(tree, key, env[variable])
    for key, value in (overrides or {}).items():
        if value is not None:
            _set(tree, key, value)
    try:
        settings = _from_tree(tree)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"invalid settings ({path}): {problems}") from None
    settings.config_path = path if path.is_file() else None
    return settings


def _from_tree(tree: dict[str, Any]) -> Settings:
    ollama = dict(tree.get("ollama", {}))
    embedded = dict(tree.get("embedded", {}))
    replay = dict(tree.get("replay", {}))
    model = ModelConfig(
        backend=tree.get("backend", "auto"),
        ollama_host=_normalise_host(str(ollama.get("host", DEFAULT_OLLAMA_HOST))),
        default_model=ollama.get("model", ModelConfig().default_model),
        models=dict(ollama.get("models", {})),
        num_ctx=ollama.get("num_ctx", 4096),
        temperature=tree.get("temperature", ollama.get("temperature", 0.2)),
        keep_alive=str(ollama.get("keep_alive", "10m")),
        connect_timeout_s=ollama.get("connect_timeout_s", 3.0),
        read_timeout_s=ollama.get("read_timeout_s", 120.0),
        gguf_path=embedded.get("gguf_path"),
        embedded_ctx=embedded.get("n_ctx", 4096),
        embedded_threads=embedded.get("threads"),
        max_tokens=tree.get("max_tokens", embedded.get("max_tokens", 512)),
        seed=tree.get("seed", 0),
        cassette=replay.get("cassette"),
    )
    fields: dict[str, Any] = {"model": model, "agents": dict(tree.get("agents", {})), "keys": dict(tree.get("keys", {}))}
    mcp = tree.get("mcp", {})
    if isinstance(mcp, dict) and isinstance(mcp.get("servers"), dict):
        fields["mcp_servers"] = mcp["servers"]
    for key in ("data_dir", "store_path", "prompts_dir"):
        if tree.get(key):
            fields[key] = Path(str(tree[key])).expanduser()
    if isinstance(tree.get("router"), dict):
        fields["router"] = RouterConfig(**tree["router"])
    return Settings(**fields)
