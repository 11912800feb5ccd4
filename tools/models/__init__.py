"""Model access: one factory (`ModelHub`) over the ollama, embedded and replay backends."""

from tools.models.config import ROLES, ModelConfig
from tools.models.hub import BackendChoice, ModelHub, choose_backend, create_client

__all__ = ["ROLES", "BackendChoice", "ModelConfig", "ModelHub", "choose_backend", "create_client"]
