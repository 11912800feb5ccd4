"""`maitre doctor`: which backend would answer, and why; where every file lives."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tools.models.config import ROLES
from tools.models.hub import choose_backend
from tools.models.probe import model_present, probe_ollama
from tui.settings import Settings


@dataclass
class DoctorReport:
    backend_setting: str
    chosen_backend: str
    reason: str
    ollama_host: str
    ollama_reachable: bool
    ollama_error: str
    ollama_models: list[str]
    role_models: dict[str, dict[str, Any]]
    embedded_model: str | None
    embedded_error: str
    store_path: str
    store_status: str
    config_path: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def can_answer(self) -> bool:
        if self.chosen_backend == "ollama":
            return self.ollama_reachable and all(r["present"] for r in self.role_models.values())
        if self.chosen_backend == "embedded":
            return self.embedded_model is not None
        return True

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "can_answer": self.can_answer}

    def as_text(self) -> str:
        ok = lambda flag: "ok " if flag else "-- "  # noqa: E731
        lines = [
            f"backend      {self.chosen_backend} (setting: {self.backend_setting}) — {self.reason}",
            f"ollama       {ok(self.ollama_reachable)}{self.ollama_host}"
            + ("" if self.ollama_reachable else f" — {self.ollama_error}"),
        ]
        if self.ollama_reachable:
            lines.append(f"  pulled     {', '.join(self.ollama_models) or 'none'}")
            for role, info in self.role_models.items():
                hint = "" if info["present"] else f"  (run `ollama pull {info['model']}`)"
                lines.append(f"  {role:<10} {ok(info['present'])}{info['model']}{hint}")
        lines.append(
            f"embedded     {ok(self.embedded_model is not None)}{self.embedded_model or self.embedded_error}"
        )
        lines.append(f"store        {self.store_path} — {self.store_status}")
        lines.append(f"settings     {self.config_path or 'no settings file (defaults, environment and flags)'}")
        for problem in self.problems:
            lines.append(f"problem      {problem}")
        lines.append("verdict      " + ("ready: a model can answer" if self.can_answer else "NOT READY: no model can answer"))
        return "\n".join(lines)


def _embedded_status(settings: Settings) -> tuple[str | None, str]:
    from tools.models.embedded import EmbeddedModelMissing, bundled_gguf_path

    try:
        import llama_cpp  # noqa: F401
    except ImportError as exc:
        return None, f"llama-cpp-python cannot be imported ({exc}); reinstall maitre"
    try:
        path = settings.model.gguf_path or bundled_gguf_path()
    except EmbeddedModelMissing as exc:
        return None, str(exc)
    if not path.is_file():
        return None, f"no GGUF file at {path}"
    return str(path), ""


def _store_status(settings: Settings) -> str:
    from router.store import Store, StoreError

    path = settings.store_file
    if not path.exists():
        return "not created yet (made on first use)"
    try:
        store = Store(path)
    except StoreError as exc:
        return f"UNUSABLE: {exc}"
    count = len(store.list_sessions())
    store.close()
    return f"ok, {count} chats"


def diagnose(settings: Settings) -> DoctorReport:
    config = settings.model
    status = probe_ollama(config.ollama_host, timeout_s=config.connect_timeout_s)
    choice = choose_backend(config, probe=lambda _host: status)
    roles = {
        role: {"model": config.model_for(role), "present": model_present(config.model_for(role), status.models)}
        for role in ROLES
    }
    embedded, embedded_error = _embedded_status(settings)
    report = DoctorReport(
        backend_setting=config.backend,
        chosen_backend=choice.backend,
        reason=choice.reason,
        ollama_host=config.ollama_host,
        ollama_reachable=status.reachable,
        ollama_error=status.error,
        ollama_models=list(status.models),
        role_models=roles,
        embedded_model=embedded,
        embedded_error=embedded_error,
        store_path=str(settings.store_file),
        store_status=_store_status(settings),
        config_path=str(settings.config_path) if settings.config_path else None,
    )
    if report.store_status.startswith("UNUSABLE"):
        report.problems.append("the store cannot be opened; chats will not start until it is moved aside")
    return report
