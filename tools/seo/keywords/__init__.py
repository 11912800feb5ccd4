"""Keyword sources: where the related keywords of an article come from.

A source turns a `KeywordRequest` (the brief's keyword plus what the crawl found) into
`KeywordSuggestion`s. Two are built in: `offline` (terms and phrases weighted from the
inspirations and the brief, no network) and `http` (a keyword API such as Senuto, configured
by URL and key). Others plug in through the entry-point group `maitre.keywords`; the entry
point names a factory called with that source's options dict:

    [project.entry-points."maitre.keywords"]
    mysource = "my_package.keywords:make_source"     # make_source(options) -> KeywordSource
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, Field

ENTRY_POINT_GROUP = "maitre.keywords"


class KeywordRequest(BaseModel):
    keyword: str
    language: str = "en"
    brief_text: str = Field("", description="Topic, audience and notes of the brief.")
    documents: list[str] = Field(default_factory=list, description="Main texts of the inspiration pages.")
    limit: int = 20


class KeywordSuggestion(BaseModel):
    phrase: str
    score: float = Field(description="0–1, higher is more relevant, comparable within one source.")
    source: str
    volume: int | None = Field(None, description="Monthly searches, when the source knows them.")
    difficulty: float | None = None


class KeywordSourceError(RuntimeError):
    """A source could not answer; the message is a sentence for the user."""


@runtime_checkable
class KeywordSource(Protocol):
    name: str

    async def suggest(self, request: KeywordRequest) -> list[KeywordSuggestion]: ...


SourceFactory = Callable[[Mapping[str, Any]], KeywordSource]


def _builtin_factories() -> dict[str, SourceFactory]:
    from tools.seo.keywords.http_api import HttpKeywordSource
    from tools.seo.keywords.offline import OfflineKeywordSource

    return {"offline": OfflineKeywordSource.from_options, "http": HttpKeywordSource.from_options}


def available_factories(group: str = ENTRY_POINT_GROUP) -> tuple[dict[str, SourceFactory], list[str]]:
    """Built-ins plus installed plug-ins; a plug-in that fails to load is reported, not fatal."""
    factories = _builtin_factories()
    problems: list[str] = []
    for ep in entry_points(group=group):
        try:
            factories[ep.name] = ep.load()
        except Exception as exc:  # a broken plug-in must not stop the job
            problems.append(f"keyword source {ep.name!r} could not be loaded ({type(exc).__name__}: {exc})")
    return factories, problems


def load_sources(
    names: Sequence[str], options: Mapping[str, Mapping[str, Any]], group: str = ENTRY_POINT_GROUP
) -> tuple[list[KeywordSource], list[str]]:
    """The sources named in settings, built with their options, and the problems met."""
    factories, problems = available_factories(group)
    sources: list[KeywordSource] = []
    for name in names:
        factory = factories.get(name)
        if factory is None:
            known = ", ".join(sorted(factories))
            problems.append(f"there is no keyword source named {name!r} (installed: {known})")
            continue
        try:
            sources.append(factory(options.get(name, {})))
        except (KeywordSourceError, ValueError, TypeError) as exc:
            problems.append(f"keyword source {name!r} is not configured right: {exc}")
    return sources, problems


def merge_suggestions(lists: Sequence[Sequence[KeywordSuggestion]], keyword: str, limit: int) -> list[KeywordSuggestion]:
    """One list: per phrase the best score, and the search volume from whichever source knew it."""
    merged: dict[str, KeywordSuggestion] = {}
    skip = keyword.strip().lower()
    for suggestions in lists:
        for s in suggestions:
            key = " ".join(s.phrase.lower().split())
            if not key or key == skip:
                continue
            if key not in merged:
                merged[key] = s.model_copy()
                continue
            best = merged[key]
            if s.score > best.score:
                best.score, best.source = s.score, s.source
            best.volume = best.volume if best.volume is not None else s.volume
            best.difficulty = best.difficulty if best.difficulty is not None else s.difficulty
    ranked = sorted(merged.values(), key=lambda s: (-s.score, -(s.volume or 0), s.phrase))
    return ranked[:limit]
