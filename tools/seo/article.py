"""The article being written, and its output files: Markdown (with YAML front matter) and
HTML, each carrying the title, meta description and slug, plus the audit report."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from pydantic import BaseModel, Field

from tools.seo.audit import AuditReport

_CITATION = re.compile(r"\s?\[(\d+)\]")


def slugify(text: str, max_words: int = 8) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    parts = re.findall(r"[a-z0-9]+", ascii_text)
    return "-".join(parts[:max_words]) or "article"


class Citation(BaseModel):
    n: int
    url: str
    title: str = ""
    heading: str = ""
    excerpt: str = ""


class Section(BaseModel):
    heading: str
    points: list[str] = Field(default_factory=list)
    body: str = ""


class Article(BaseModel):
    h1: str
    intro: str = ""
    sections: list[Section] = Field(default_factory=list)
    title: str = ""
    description: str = ""
    slug: str = ""
    citations: list[Citation] = Field(default_factory=list)

    def body_markdown(self, citations: bool = True) -> str:
        """The article itself, as the audit reads it (no front matter, no sources list)."""
        parts = [f"# {self.h1}", self.intro]
        for section in self.sections:
            parts += [f"## {section.heading}", section.body]
        text = "\n\n".join(p.strip() for p in parts if p.strip()) + "\n"
        return text if citations else _CITATION.sub("", text)

    def cited_numbers(self) -> list[int]:
        return sorted({int(n) for n in _CITATION.findall(self.body_markdown())})

    def sources_markdown(self) -> str:
        used = set(self.cited_numbers())
        lines = [f"{c.n}. [{c.title or c.url}]({c.url})" + (f" — {c.heading}" if c.heading else "")
                 for c in self.citations if c.n in used]
        return "## Sources\n\n" + "\n".join(lines) + "\n" if lines else ""

    def to_markdown(self, keyword: str, citations: bool = True) -> str:
        front = yaml.safe_dump({"title": self.title, "description": self.description, "slug": self.slug,
                                "keyword": keyword}, allow_unicode=True, sort_keys=False)
        text = f"---\n{front}---\n\n{self.body_markdown(citations)}"
        if citations and (sources := self.sources_markdown()):
            text += "\n" + sources
        return text

    def to_html(self, keyword: str, language: str, citations: bool = True) -> str:
        md = MarkdownIt("commonmark")
        body = md.render(self.body_markdown(citations))
        if citations and (sources := self.sources_markdown()):
            body += "<aside class=\"sources\">\n" + md.render(sources) + "</aside>\n"
        e = html.escape
        return (
            f"<!DOCTYPE html>\n<html lang=\"{e(language)}\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{e(self.title)}</title>\n<meta name=\"description\" content=\"{e(self.description)}\">\n"
            f"<meta name=\"keywords\" content=\"{e(keyword)}\">\n</head>\n<body>\n<article data-slug=\"{e(self.slug)}\">\n"
            f"{body}</article>\n</body>\n</html>\n"
        )


def write_outputs(folder: Path, article: Article, report: AuditReport, keyword: str, language: str,
                  citations: bool = True) -> dict[str, str]:
    """Write article.md, article.html, audit.md and audit.json; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "markdown": folder / "article.md",
        "html": folder / "article.html",
        "audit": folder / "audit.md",
        "audit_json": folder / "audit.json",
    }
    files["markdown"].write_text(article.to_markdown(keyword, citations), encoding="utf-8")
    files["html"].write_text(article.to_html(keyword, language, citations), encoding="utf-8")
    files["audit"].write_text(report.as_markdown(), encoding="utf-8")
    files["audit_json"].write_text(json.dumps(report.model_dump(), indent=2, ensure_ascii=False), encoding="utf-8")
    return {name: str(path) for name, path in files.items()}
