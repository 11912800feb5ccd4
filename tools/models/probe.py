"""Is an Ollama server there, and which models has it pulled? One short HTTP call."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx


@dataclass(frozen=True)
class OllamaStatus:
    host: str
    reachable: bool
    models: tuple[str, ...] = ()
    error: str = ""
    loaded: tuple[str, ...] = field(default=())

    def has(self, model: str) -> bool:
        return model_present(model, self.models)


def model_present(wanted: str, pulled: tuple[str, ...] | list[str]) -> bool:
    """Ollama names default to the `latest` tag: `llama3.2` and `llama3.2:latest` are one model."""
    def norm(name: str) -> str:
        return name if ":" in name else f"{name}:latest"

    return norm(wanted) in {norm(p) for p in pulled}


def probe_ollama(host: str, timeout_s: float = 1.5, transport: httpx.BaseTransport | None = None) -> OllamaStatus:
    """Ask `GET /api/tags`; never raises. A refused connection answers in milliseconds."""
    try:
        with httpx.Client(base_url=host, timeout=timeout_s, transport=transport) as client:
            tags = client.get("/api/tags")
            tags.raise_for_status()
            models = tuple(m.get("name", "") for m in tags.json().get("models", []))
            loaded: tuple[str, ...] = ()
            try:
                ps = client.get("/api/ps")
                if ps.is_success:
                    loaded = tuple(m.get("name", "") for m in ps.json().get("models", []))
            except httpx.HTTPError:
                pass
            return OllamaStatus(host=host, reachable=True, models=models, loaded=loaded)
    except httpx.ConnectError:
        return OllamaStatus(host=host, reachable=False, error=f"nothing answers at {host} (is `ollama serve` running?)")
    except httpx.TimeoutException:
        return OllamaStatus(host=host, reachable=False, error=f"{host} did not answer within {timeout_s:g} s")
    except (httpx.HTTPError, ValueError) as exc:
        return OllamaStatus(host=host, reachable=False, error=f"{host} answered, but not like Ollama: {exc}")
