"""The brief: what to write. Read from a YAML file (`maitre seo --brief brief.yaml`) or from
a chat message ("keyword: cold brew coffee" lines, or plain words plus URLs).

    topic: How to make cold brew coffee at home
    keyword: cold brew coffee
    audience: home baristas
    language: en
    length: 800          # words
    urls:
      - https://example.com/cold-brew-guide
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_FIELD_LINE = re.compile(r"^\s*[-*]?\s*(topic|keyword|audience|language|lang|length|words|urls?|notes|tone)\s*[:=]\s*(.*)$",
                         re.IGNORECASE)
_KEYWORD_PHRASE = re.compile(r"\b(?:key ?word|key phrase|keyphrase)\s*(?:is|:|=)?\s*[\"“']([^\"”']+)[\"”']", re.IGNORECASE)
_INLINE_FIELD = re.compile(r"\b(keyword|key phrase|keyphrase|audience|language|length)\s*[:=]\s*([^\n,;]+)", re.IGNORECASE)
_REQUEST = re.compile(r"^\s*(?:please\s+)?(?:write|draft|create)\s+(?:(?:an?|the)\s+)?(?:seo\s+)?"
                      r"(?:article|post|text|blog post|page)?\s*(?:about|on)\s+", re.IGNORECASE)
_LENGTH_PHRASE = re.compile(r"\b(\d{2,5})\s*(?:words|word)\b", re.IGNORECASE)


class BriefError(ValueError):
    """The brief cannot be read; the message says what to fix."""


class Brief(BaseModel):
    topic: str = ""
    keyword: str = ""
    audience: str = "general readers"
    language: str = "en"
    length: int = Field(800, description="Target length in words.")
    urls: list[str] = Field(default_factory=list)
    notes: str = ""
    tone: str = "clear and friendly"

    @field_validator("keyword", "topic", "audience", "notes", "tone", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return " ".join(str(value).split()) if value is not None else ""

    def problems(self) -> list[str]:
        """What stops the pipeline, as sentences the user can act on."""
        out = []
        if not self.keyword:
            out.append("The brief has no target keyword. Add one (for example `keyword: cold brew coffee`).")
        if not self.topic and not self.keyword:
            out.append("The brief has no topic. Say what the article is about (`topic: ...`).")
        if not 100 <= self.length <= 10_000:
            out.append(f"The brief asks for {self.length} words; choose a length between 100 and 10000 words.")
        for url in self.urls:
            if not _URL.fullmatch(url):
                out.append(f"{url!r} in the brief is not a web address (it must start with http:// or https://).")
        return out

    def as_text(self) -> str:
        return (f"Topic: {self.topic or self.keyword}\nTarget keyword: {self.keyword}\nAudience: {self.audience}\n"
                f"Language: {self.language}\nLength: {self.length} words\nTone: {self.tone}\nNotes: {self.notes}")


def _coerce(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "lang" in out:
        out.setdefault("language", out.pop("lang"))
    if "words" in out:
        out.setdefault("length", out.pop("words"))
    if "url" in out:
        out.setdefault("urls", out.pop("url"))
    if isinstance(out.get("urls"), str):
        out["urls"] = _URL.findall(out["urls"]) or [u for u in re.split(r"[\s,]+", out["urls"]) if u]
    if isinstance(out.get("length"), str):
        digits = re.sub(r"\D", "", out["length"])
        out["length"] = int(digits) if digits else 800
    return out


def brief_from_mapping(data: dict[str, Any], source: str = "the brief") -> Brief:
    try:
        return Brief(**_coerce({str(k).lower(): v for k, v in data.items() if v is not None}))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise BriefError(f"{source} has invalid fields ({problems}).") from None


def load_brief(path: Path) -> Brief:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BriefError(f"the brief file {path} does not exist.") from None
    except yaml.YAMLError as exc:
        raise BriefError(f"the brief file {path} is not valid YAML ({exc}).") from None
    if not isinstance(data, dict):
        raise BriefError(f"the brief file {path} must be a mapping of fields (topic:, keyword:, urls: ...).")
    return brief_from_mapping(data, source=str(path))


def fields_from_text(text: str) -> dict[str, Any]:
    """Brief fields a chat message states: `key: value` lines, a quoted keyword, "800 words", URLs.
    Whatever is left over is the topic."""
    fields: dict[str, Any] = {}
    rest: list[str] = []
    for line in text.splitlines():
        match = _FIELD_LINE.match(line)
        if match:
            name, value = match.group(1).lower(), match.group(2).strip()
            name = {"lang": "language", "words": "length", "url": "urls"}.get(name, name)
            if name == "urls":
                fields.setdefault("urls", []).extend(_URL.findall(value))
            else:
                fields[name] = value.strip("\"“”'")
        else:
            rest.append(line)
    free = "\n".join(rest)
    for match in list(_INLINE_FIELD.finditer(free)):
        name = {"key phrase": "keyword", "keyphrase": "keyword"}.get(match.group(1).lower(), match.group(1).lower())
        fields.setdefault(name, match.group(2).strip().strip("\"“”'.").strip())
        free = free.replace(match.group(0), " ")
    if "keyword" not in fields and (m := _KEYWORD_PHRASE.search(free)):
        fields["keyword"] = m.group(1)
        free = free.replace(m.group(0), " ")
    if "length" not in fields and (m := _LENGTH_PHRASE.search(free)):
        fields["length"] = int(m.group(1))
        free = free.replace(m.group(0), " ")
    urls = _URL.findall(free)
    if urls:
        fields.setdefault("urls", []).extend(urls)
        for url in urls:
            free = free.replace(url, " ")
    topic = _REQUEST.sub("", " ".join(free.split())).strip(" ,.;:-")
    if topic and "topic" not in fields:
        fields["topic"] = topic
    return fields
