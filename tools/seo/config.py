"""The seo agent's settings: the `[agents.seo]` section of the settings file, with defaults."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tools.seo.audit import AuditRules
from tools.web.crawler import CrawlSettings


class SeoSettings(BaseModel):
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    audit: AuditRules = Field(default_factory=AuditRules)
    approve_outline: bool = Field(False, description="Stop after the outline until the user answers ok or edits it.")
    approve_audit: bool = Field(False, description="Stop after the audit until the user answers ok.")
    max_revise_rounds: int = Field(2, ge=0, le=2)
    keyword_sources: list[str] = Field(default_factory=lambda: ["offline"])
    keyword_options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    keyword_api_url: str = ""
    keyword_api_key: str = ""
    related_keywords: int = Field(12, ge=0, le=50)
    passages_per_section: int = Field(3, ge=1, le=8)
    embeddings: bool = Field(True, description="Use Ollama embeddings for inspirations when Ollama is the backend.")
    embed_model: str = "nomic-embed-text"
    citations: bool = Field(True, description="Keep [n] citation markers and a Sources list in the output.")
    cache_ttl_days: float = 7.0
    prompts_dir: str | None = None

    def keyword_plan(self) -> tuple[list[str], dict[str, dict[str, Any]]]:
        """Source names and options, with the keyword_api_url/key shortcuts folded in."""
        names = list(self.keyword_sources)
        options = {k: dict(v) for k, v in self.keyword_options.items()}
        if self.keyword_api_url:
            options.setdefault("http", {}).setdefault("url", self.keyword_api_url)
            if self.keyword_api_key:
                options["http"].setdefault("key", self.keyword_api_key)
            if "http" not in names:
                names.append("http")
        return names, options
