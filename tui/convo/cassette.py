"""Cassettes as conversations use them: responses grouped by the turn that asked for them.

The file is the replay backend's format (`version: 1`, `responses:` with `content` and an
optional `role`), plus what `maitre test --mode record` writes beside it: a `turn` on each
response and the recorded `turns` (the user's text), so a replay can say which turn diverged.
A hand-written cassette without `turn` labels plays as one tape across the conversation.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from tools.models.replay import CassetteError, RecordedResponse, read_cassette_mapping


class CassetteProblem(ValueError):
    pass


class CassetteResponse(BaseModel):
    content: str
    role: str | None = None
    turn: int | None = None
    structured: bool = False
    prompt_sha256: str | None = None


class RecordedTurn(BaseModel):
    """A turn as recorded. Long texts are kept as their first characters plus a hash, so a
    cassette stays readable and small; the hash is what a replay compares."""

    user: str
    user_sha256: str | None = None
    elapsed_ms: float | None = None

    @classmethod
    def of(cls, user: str, elapsed_ms: float | None = None) -> "RecordedTurn":
        if len(user) <= LONG_TEXT:
            return cls(user=user, elapsed_ms=elapsed_ms)
        return cls(user=user[:LONG_TEXT] + "…", user_sha256=text_hash(user), elapsed_ms=elapsed_ms)

    def matches(self, user: str) -> bool:
        return text_hash(user) == self.user_sha256 if self.user_sha256 else user == self.user


LONG_TEXT = 160


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Cassette(BaseModel):
    version: int = 1
    conversation: str = ""
    recorded_with: str = ""
    turns: list[RecordedTurn] = Field(default_factory=list)
    responses: list[CassetteResponse] = Field(default_factory=list)

    @field_validator("responses", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"content": v} if isinstance(v, str) else v for v in value]
        return value

    @property
    def labelled(self) -> bool:
        """True when every response says which turn asked for it."""
        return all(r.turn is not None for r in self.responses) and bool(self.responses or self.turns)

    def for_turn(self, turn: int) -> list[RecordedResponse]:
        return [RecordedResponse(r.content, r.role) for r in self.responses if r.turn == turn]

    def prompt_hashes(self, turn: int) -> list[str | None]:
        return [r.prompt_sha256 for r in self.responses if r.turn == turn]

    def all_responses(self) -> list[RecordedResponse]:
        return [RecordedResponse(r.content, r.role) for r in self.responses]


def load_cassette_file(path: Path) -> Cassette:
    try:
        data = read_cassette_mapping(path)
    except CassetteError as exc:
        raise CassetteProblem(str(exc)) from None
    try:
        return Cassette.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CassetteProblem(f"the cassette {path} is malformed at {where}: {first['msg']}") from None
