"""The router's settings (the `[router]` section of the settings file), with fitted defaults.

`maitre fit-router CASES.yaml` recomputes `threshold` and `clarify_margin` from an eval file.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class RouterConfig(BaseModel):
    threshold: float = Field(0.55, ge=0.0, le=1.0, description="Stage 1 decides alone at or above this probability.")
    clarify_margin: float = Field(
        0.12, ge=0.0, le=1.0,
        description="Below the threshold, two agents closer than this (both at least clarify_floor) make the router ask.",
    )
    clarify_floor: float = Field(0.2, ge=0.0, le=1.0)
    follow_up_switch: float = Field(
        0.75, ge=0.0, le=1.0, description="A follow-up leaves the current agent only for one at least this likely…"
    )
    follow_up_margin: float = Field(0.35, ge=0.0, le=1.0, description="…and at least this far ahead of it.")
    split_confidence: float = Field(0.55, ge=0.0, le=1.0, description="Each part of a split turn must be this sure.")
    llm: bool = Field(True, description="Ask the router model (stage 2) below the threshold.")
    llm_timeout_s: float = Field(20.0, gt=0.0)
    llm_floor: float = Field(
        0.05, ge=0.0, le=1.0,
        description="The router model's pick is kept only if stage 1 gives it at least this probability.",
    )
    embed_model: str = Field("nomic-embed-text", description="Ollama embedding model added to stage 1 when pulled.")
