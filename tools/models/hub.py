"""The one factory for chat models: settings in, an autogen-core ChatCompletionClient out.

`ModelHub` decides the backend once (for `auto`: Ollama when it answers and the model is
pulled, else the embedded model), remembers why, and hands out one client per role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
from autogen_core.models import ChatCompletionClient

from tools.models.config import ModelConfig
from tools.models.probe import OllamaStatus, probe_ollama
from tools.models.replay import ReplayChatClient, ReplayTape, load_cassette


@dataclass(frozen=True)
class BackendChoice:
    backend: str  # "ollama", "embedded" or "replay": never "auto"
    reason: str
    ollama: OllamaStatus | None = None


def choose_backend(config: ModelConfig, probe: Callable[[str], OllamaStatus] = probe_ollama) -> BackendChoice:
    if config.backend == "replay":
        return BackendChoice("replay", f"replaying {config.cassette or 'recorded responses'}")
    if config.backend == "embedded":
        return BackendChoice("embedded", "the embedded backend was asked for")
    status = probe(config.ollama_host)
    if config.backend == "ollama":
        return BackendChoice("ollama", "the ollama backend was asked for", status)
    # auto
    wanted = config.model_for("chat")
    if not status.reachable:
        return BackendChoice("embedded", f"Ollama is not reachable: {status.error}", status)
    if not status.has(wanted):
        return BackendChoice(
            "embedded", f"Ollama at {status.host} has not pulled {wanted} (run `ollama pull {wanted}`)", status
        )
    return BackendChoice("ollama", f"Ollama at {status.host} answers and has {wanted}", status)


class ModelHub:
    """Hands out chat clients by role and says which backend and model each one is."""

    def __init__(
        self,
        config: ModelConfig,
        choice: BackendChoice | None = None,
        tape: ReplayTape | None = None,
        ollama_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self.choice = choice or choose_backend(config)
        self._tape = tape
        # Tests put recorded Ollama responses here; in use it is None (a real connection).
        self._ollama_transport = ollama_transport
        self._clients: dict[str, ChatCompletionClient] = {}

    @property
    def backend(self) -> str:
        return self.choice.backend

    def model_name(self, role: str) -> str:
        if self.backend == "ollama":
            return self.config.model_for(role)
        if self.backend == "embedded":
            from tools.models.embedded import bundled_gguf_path

            return (self.config.gguf_path or bundled_gguf_path()).stem
        return "replay"

    def client(self, role: str) -> ChatCompletionClient:
        if role not in self._clients:
            self._clients[role] = self._build(role)
        return self._clients[role]

    def _build(self, role: str) -> ChatCompletionClient:
        if self.backend == "replay":
            if self._tape is None:
                if self.config.cassette is None:
                    raise ValueError("the replay backend needs a cassette file (setting `cassette`)")
                self._tape = ReplayTape(load_cassette(self.config.cassette), source=f"cassette {self.config.cassette}")
            return ReplayChatClient(self._tape, role=role)
        if self.backend == "embedded":
            from tools.models.embedded import EmbeddedModel, LlamaCppChatClient, bundled_gguf_path

            path = self.config.gguf_path or bundled_gguf_path()
            config = self.config

            def load() -> EmbeddedModel:
                return EmbeddedModel.shared(path, config.embedded_ctx, config.embedded_threads, config.seed)

            return LlamaCppChatClient(
                load, temperature=config.temperature, max_tokens=config.max_tokens, seed=config.seed, name=path.stem
            )
        from tools.models.ollama import make_ollama_client

        return make_ollama_client(self.config, self.config.model_for(role), transport=self._ollama_transport)

    def context_window(self) -> int:
        return self.config.embedded_ctx if self.backend == "embedded" else self.config.num_ctx

    def fall_back_to_embedded(self, reason: str) -> bool:
        """In `auto`, switch to the embedded model when Ollama fails mid-session."""
        if self.config.backend != "auto" or self.backend != "ollama":
            return False
        self.choice = BackendChoice("embedded", reason, self.choice.ollama)
        self._clients.clear()
        return True

    def describe(self) -> str:
        return f"{self.backend} · {self.model_name('chat')}"


def create_client(config: ModelConfig, role: str = "chat") -> ChatCompletionClient:
    """The factory in one call, for scripts and plug-ins that need just one client."""
    return ModelHub(config).client(role)
