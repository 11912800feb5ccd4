"""The one factory for chat models: settings in, an autogen-core ChatCompletionClient out.

`ModelHub` decides the backend once (for `auto`: Ollama when it answers and the model is
pulled, else the embedded model), remembers why, and hands out one client per role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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


class ModelChoiceError(ValueError):
    """A model the user picked cannot be used; the message says why and what works instead."""


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

    @property
    def ollama_transport(self) -> httpx.AsyncBaseTransport | None:
        """The transport Ollama calls go through (None: a real connection); admin calls share it."""
        return self._ollama_transport

    def can_use_ollama_models(self) -> bool:
        """True when picking an Ollama model works: on Ollama, or in `auto` while Ollama answered."""
        if self.backend == "ollama":
            return True
        status = self.choice.ollama
        return self.config.backend == "auto" and self.backend == "embedded" and status is not None and status.reachable

    def set_model(self, role: str | None, name: str) -> str:
        """Use Ollama model `name` for `role` (None: every role) from the next call on.

        Returns a sentence saying what changed; raises ModelChoiceError when this backend has
        one fixed model. In `auto` on the embedded fallback, choosing a model for every role
        moves the chat to Ollama (the user just picked a model it has).
        """
        name = name.strip()
        if not name:
            raise ModelChoiceError("Give a model name, e.g. llama3.2:3b.")
        if name.endswith(".gguf"):
            return self.set_gguf(Path(name).expanduser())
        if not self.can_use_ollama_models():
            raise ModelChoiceError(self.one_model_sentence())
        if self.backend != "ollama":
            if role is not None:
                raise ModelChoiceError(
                    f"maitre runs on the embedded model because {self.choice.reason}. Choose a model for every "
                    f"agent first (/model {name}) to move the chat to Ollama."
                )
            self.choice = BackendChoice("ollama", f"you chose {name} on Ollama at {self.config.ollama_host}", self.choice.ollama)
        models = dict(self.config.models)
        if role is None:
            models.clear()
            self.config = self.config.model_copy(update={"default_model": name, "models": models})
            self._clients.clear()
            return f"Every agent now uses {name}."
        models[role] = name
        # A copy: the settings object this config came from stays as the user wrote it.
        self.config = self.config.model_copy(update={"models": models})
        self._clients.pop(role, None)
        return f"The {role} agent now uses {name}."

    def set_gguf(self, path: Path) -> str:
        """Run the embedded backend on another GGUF file (it has one model for every role)."""
        if self.backend != "embedded":
            raise ModelChoiceError(f"A GGUF file is for the embedded backend; this chat runs on {self.backend}.")
        if not path.is_file():
            raise ModelChoiceError(f"There is no GGUF file at {path}: give the path of a downloaded .gguf file.")
        self.config = self.config.model_copy(update={"gguf_path": path})
        self._clients.clear()
        return f"Every agent now uses the embedded model {path.stem}."

    def one_model_sentence(self) -> str:
        if self.backend == "replay":
            return "This chat replays recorded answers: there is one model (replay), and no other can be picked."
        return (
            f"The embedded backend runs one model ({self.model_name('chat')}) for every agent. To change it, "
            "give a GGUF file path (/model /path/to/model.gguf or --gguf), or start Ollama to pick its models."
        )

    def describe(self) -> str:
        return f"{self.backend} · {self.model_name('chat')}"


def create_client(config: ModelConfig, role: str = "chat") -> ChatCompletionClient:
    """The factory in one call, for scripts and plug-ins that need just one client."""
    return ModelHub(config).client(role)
