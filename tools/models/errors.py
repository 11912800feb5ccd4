"""Turn exceptions from model backends into sentences a user can act on."""

from __future__ import annotations

from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class ModelFailure:
    kind: str
    message: str
    retryable: bool
    # True when the backend itself is gone (not the request): `auto` may fall back.
    backend_down: bool = False


def _is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, (httpx.ConnectError, ConnectionError, httpx.RemoteProtocolError, httpx.ReadError)):
        return True
    # The ollama library re-raises refused connections as a bare ConnectionError subclass or
    # wraps them; look one level down as well.
    cause = exc.__cause__ or exc.__context__
    return cause is not None and cause is not exc and isinstance(cause, (httpx.ConnectError, ConnectionError))


def describe_model_failure(exc: BaseException, *, backend: str, host: str, model: str) -> ModelFailure | None:
    """A `ModelFailure` for errors that come from the model backend, or None for other bugs."""
    from tools.models.embedded import EmbeddedModelMissing
    from tools.models.replay import CassetteError, ReplayExhausted

    if isinstance(exc, (ReplayExhausted, CassetteError)):
        return ModelFailure("replay_mismatch", str(exc), retryable=False)
    if isinstance(exc, EmbeddedModelMissing):
        return ModelFailure("model_missing", str(exc), retryable=False)
    if backend == "ollama":
        status = getattr(exc, "status_code", None)
        text = str(exc).lower()
        if status == 404 or ("not found" in text and "model" in text):
            return ModelFailure(
                "model_missing",
                f"The model {model} is not pulled on {host}: run `ollama pull {model}`, or pick another model.",
                retryable=True,
            )
        if isinstance(exc, httpx.TimeoutException):
            return ModelFailure(
                "model_timeout",
                f"Ollama at {host} did not answer in time. A large model may still be loading: retry, "
                "or raise `read_timeout_s`.",
                retryable=True,
            )
        if _is_connection_error(exc):
            return ModelFailure(
                "model_unreachable",
                f"Ollama at {host} is not answering. Start it with `ollama serve`, or set OLLAMA_HOST "
                "(or `--host`) to where it runs; `maitre doctor` checks the connection.",
                retryable=True,
                backend_down=True,
            )
    return None
