"""Model access: one factory (`ModelHub`) over the ollama, embedded and replay backends.

The hub's names are loaded on first use, so reading settings (`tools.models.config`) does not
import autogen-core and httpx: the chat's screen comes up before them.
"""

from typing import Any

from tools.models.config import ROLES, ModelConfig

__all__ = ["ROLES", "BackendChoice", "ModelConfig", "ModelHub", "choose_backend", "create_client"]


def __getattr__(name: str) -> Any:
    if name in {"BackendChoice", "ModelHub", "choose_backend", "create_client"}:
        from tools.models import hub

        return getattr(hub, name)
    raise AttributeError(f"module 'tools.models' has no attribute {name!r}")
