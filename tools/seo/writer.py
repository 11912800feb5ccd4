"""The model's part of the pipeline: outline, introduction, sections, meta and fixes.

Small local models drift, so every answer is checked and cleaned here: structured answers come
through `json_output` (they always parse) and are then sanity-checked, prose loses stray
headings and unfinished sentences, and whatever is unusable is replaced by a plain fallback
so the pipeline always reaches the audit, which then says what still needs work.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from autogen_core.models import ChatCompletionClient, CreateResult, SystemMessage, UserMessage
from pydantic import BaseModel, Field, ValidationError

from tools.seo.article import Citation, Section
from tools.seo.inspirations import InspirationPassage
from tools.seo.keywords.stopwords import stopwords_for
from tools.seo.text import words

Render = Callable[..., str]  # render(template_name, **fields) -> prompt text

LANGUAGES = {"en": "English", "pl": "Polish", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
             "nl": "Dutch", "pt": "Portuguese", "cs": "Czech", "sv": "Swedish", "ru": "Russian", "uk": "Ukrainian"}
_HEADING_LINE = re.compile(r"^\s*#{1,6}\s.*$", re.MULTILINE)
_LABEL = re.compile(r"^\s*(?:\*\*)?(?:introduction|intro|section|answer|paragraph)\s*\d*\s*[:.-]\s*(?:\*\*)?\s*",
                    re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…](?:\s*\[\d+\])*[\"'”’)]*")
_MARKER = re.compile(r"\[(\d+)\]")
_SPACED_MARKER = re.compile(r"\s?\[(\d+)\]")


def language_name(code: str) -> str:
    return LANGUAGES.get(code.split("_")[0].split("-")[0].lower(), code)


class OutlineSection(BaseModel):
    heading: str = ""
    points: list[str] = Field(default_factory=list)


class OutlineAnswer(BaseModel):
    h1: str = ""
    sections: list[OutlineSection] = Field(default_factory=list)


class MetaAnswer(BaseModel):
    title: str = ""
    description: str = ""


def clean_prose(text: str) -> str:
    """Model prose to article prose: no headings, no "Introduction:" labels, no code fences,
    no unfinished last sentence."""
    text = text.replace("```", "")
    text = _HEADING_LINE.sub("", text)
    paragraphs = []
    for para in re.split(r"\n\s*\n", text):
        para = _LABEL.sub("", " ".join(para.split()))
        if para:
            paragraphs.append(para)
    text = "\n\n".join(paragraphs).strip()
    ends = list(_SENTENCE_END.finditer(text))
    if ends and ends[-1].end() < len(text) and len(text) - ends[-1].end() < len(text) // 2:
        text = text[: ends[-1].end()]
    return text.strip()


def clean_line(text: str, limit: int = 120) -> str:
    text = " ".join(text.replace("#", " ").split()).strip(" \"'“”*-:")
    return text[:limit].rsplit(" ", 1)[0] if len(text) > limit else text


def _mentions(text: str, keyword: str) -> bool:
    key = words(keyword)
    tokens = words(text)
    return any(tokens[i : i + len(key)] == key for i in range(len(tokens) - len(key) + 1))


def with_keyword(heading: str, keyword: str) -> str:
    """A heading that contains the key phrase: itself when it does, else "Keyword: heading"."""
    if _mentions(heading, keyword):
        return heading
    return f"{keyword[:1].upper()}{keyword[1:]}: {heading[:1].lower()}{heading[1:]}" if heading else keyword.capitalize()


def sane_outline(answer: OutlineAnswer | None, keyword: str, topic: str, sections: int,
                 fallback_headings: Sequence[str]) -> tuple[str, list[Section], list[str]]:
    """H1 and sections from the model's answer, repaired: distinct non-empty headings, the
    wanted count, the keyword in the H1 and in one H2. Returns notes on what was repaired."""
    notes: list[str] = []
    answer = answer or OutlineAnswer()
    h1 = clean_line(answer.h1) or (topic[:1].upper() + topic[1:] if topic else keyword.capitalize())
    if not _mentions(h1, keyword):
        h1 = with_keyword(h1, keyword)
        notes.append("the H1 was given the keyword")
    seen: set[str] = {h1.lower()}
    out: list[Section] = []
    for item in answer.sections:
        heading = clean_line(item.heading)
        if heading and heading.lower() not in seen and len(words(heading)) <= 14:
            seen.add(heading.lower())
            points = [clean_line(p, 160) for p in item.points if clean_line(p, 160)][:4]
            out.append(Section(heading=heading, points=points))
    if len(out) < len(answer.sections) or len(out) < sections:
        for heading in fallback_headings:
            if len(out) >= sections:
                break
            heading = clean_line(heading)
            if heading and heading.lower() not in seen:
                seen.add(heading.lower())
                out.append(Section(heading=heading))
                notes.append(f"section “{heading}” was taken from the inspirations")
    while len(out) < sections:
        out.append(Section(heading=f"{keyword.capitalize()}: part {len(out) + 1}"))
    out = out[:sections]
    if not any(_mentions(s.heading, keyword) for s in out):
        out[0].heading = with_keyword(out[0].heading, keyword)
        notes.append("the first H2 was given the keyword")
    return h1, out, notes


def number_passages(passages: Sequence[InspirationPassage], citations: list[Citation]) -> list[tuple[int, InspirationPassage]]:
    """Give each passage its citation number (reusing the number of a passage cited before)."""
    known = {(c.url, c.excerpt): c.n for c in citations}
    numbered = []
    for passage in passages:
        key = (passage.url, passage.text[:200])
        if key not in known:
            n = len(citations) + 1
            citations.append(Citation(n=n, url=passage.url, title=passage.title, heading=passage.heading,
                                      excerpt=passage.text[:200]))
            known[key] = n
        numbered.append((known[key], passage))
    return numbered


def attribute(body: str, numbered: Sequence[tuple[int, InspirationPassage]], language: str,
              min_shared: int = 4) -> str:
    """Keep the model's citation markers that point at passages it was given; when it gave
    none, cite the passage whose content words the section shares most (at least `min_shared`),
    after the first paragraph. A section that leaned on nothing cites nothing."""
    allowed = {n for n, _ in numbered}
    body = _SPACED_MARKER.sub(lambda m: m.group(0) if int(m.group(1)) in allowed else "", body)
    if _MARKER.search(body) or not numbered:
        return body
    stop = stopwords_for(language)
    mine = {w for w in words(body) if w not in stop and len(w) > 3}
    best_n, best_shared = 0, 0
    for n, passage in numbered:
        shared = len(mine & {w for w in words(passage.text) if w not in stop and len(w) > 3})
        if shared > best_shared:
            best_n, best_shared = n, shared
    if best_shared < min_shared:
        return body
    first, sep, rest = body.partition("\n\n")
    return f"{first} [{best_n}]{sep}{rest}"


class ModelWriter:
    """Calls the chat model with the seo system prompt; counts the tokens it used."""

    def __init__(self, client: ChatCompletionClient, render: Render, system_fields: dict[str, str]) -> None:
        self.client = client
        self.render = render
        self.system = render("seo_system", **system_fields)
        self.prompt_tokens = 0
        self.completion_tokens = 0

    async def _create(self, prompt: str, json_output: type[BaseModel] | None = None) -> CreateResult:
        result = await self.client.create(
            [SystemMessage(content=self.system), UserMessage(content=prompt, source="user")],
            json_output=json_output,
        )
        self.prompt_tokens += result.usage.prompt_tokens
        self.completion_tokens += result.usage.completion_tokens
        return result

    async def text(self, template: str, **fields: object) -> str:
        result = await self._create(self.render(template, **fields))
        return result.content if isinstance(result.content, str) else ""

    async def structured(self, model: type[BaseModel], template: str, **fields: object) -> BaseModel | None:
        result = await self._create(self.render(template, **fields), json_output=model)
        content = result.content if isinstance(result.content, str) else ""
        try:
            return model.model_validate_json(content)
        except ValidationError:
            return None
