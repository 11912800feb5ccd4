"""The revise step: rewrite only what failed the audit, then audit again (at most two rounds).

Each failing check maps to the smallest part of the article that can fix it: the title, the
description, the H1, one H2, the introduction, one section, or one copied sentence. The model
rewrites that part with the goal spelled out; a rewrite is kept only when it is usable, and a
few checks have a plain deterministic repair to fall back on (cutting an over-long title at a
word, putting the keyword into the H1 or an H2).
"""

from __future__ import annotations

from collections.abc import Sequence

from tools.seo.article import Article, Section
from tools.seo.audit import AuditInput, AuditReport, AuditRules, CheckResult, audit
from tools.seo.brief import Brief
from tools.seo.copycheck import CopyFlag, SourceText, find_copies
from tools.seo.text import count_phrase, sentences, strip_inline, words
from tools.seo.writer import ModelWriter, clean_line, clean_prose, language_name, with_keyword

TITLE_CHECKS = {"title_length", "title_pixels", "keyword_title"}


def full_audit(article: Article, brief: Brief, rules: AuditRules, sources: Sequence[SourceText]
               ) -> tuple[AuditReport, list[CopyFlag]]:
    """The deterministic audit plus the copy check, as one report."""
    report = audit(AuditInput(title=article.title, description=article.description,
                              markdown=article.body_markdown(), keyword=brief.keyword,
                              language=brief.language, target_words=brief.length), rules)
    copies = find_copies(article.body_markdown(), sources)
    report.checks.append(CheckResult(
        id="copied_sentences", label="No copied sentences (12+ words)", value=len(copies), expected="0",
        status="pass" if not copies else "fail",
        message="; ".join(f"“{c.shared_text[:60]}…” from {c.source}" for c in copies[:3]),
    ))
    return report, copies


def cut_at_word(text: str, limit: int, end: str = "") -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - len(end) + 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return cut + end


class Reviser:
    def __init__(self, writer: ModelWriter | None, brief: Brief, rules: AuditRules) -> None:
        self.writer = writer
        self.brief = brief
        self.rules = rules
        self.language = language_name(brief.language)

    async def _rewrite(self, what: str, goal: str, text: str) -> str:
        if self.writer is None:
            return ""
        return await self.writer.text("seo_fix", what=what, goal=goal, text=text, language=self.language)

    def _mentions(self, text: str) -> int:
        return count_phrase(words(text), words(self.brief.keyword))

    async def fix(self, article: Article, report: AuditReport, copies: Sequence[CopyFlag]) -> list[str]:
        """Rewrite what failed; returns the ids of the checks it worked on."""
        failing = {c.id: c for c in report.failing("fail")}
        kw = self.brief.keyword
        done: list[str] = []
        if TITLE_CHECKS & failing.keys():
            await self._fix_title(article)
            done += sorted(TITLE_CHECKS & failing.keys())
        if "description_length" in failing:
            await self._fix_description(article)
            done.append("description_length")
        if "keyword_h1" in failing:
            article.h1 = with_keyword(article.h1, kw)
            done.append("keyword_h1")
        if "keyword_h2" in failing and article.sections:
            article.sections[0].heading = with_keyword(article.sections[0].heading, kw)
            done.append("keyword_h2")
        if "keyword_intro" in failing:
            new = clean_prose(await self._rewrite(
                "introduction", f'use the exact phrase "{kw}" in the first sentence', article.intro))
            if not self._mentions(" ".join(words(new)[: self.rules.intro_words])):
                new = f"{article.h1.rstrip('.')}. {new or article.intro}".strip()
            article.intro = new
            done.append("keyword_intro")
        if "keyword_density" in failing and article.sections:
            low = failing["keyword_density"].message.startswith("use the keyword more")
            target = (min if low else max)(article.sections, key=lambda s: self._mentions(s.body))
            goal = (f'use the exact phrase "{kw}" one or two more times' if low else
                    f'use the phrase "{kw}" at most once; say "it" or a synonym instead')
            await self._fix_section(target, goal)
            done.append("keyword_density")
        if "length" in failing and article.sections:
            await self._fix_length(article)
            done.append("length")
        if "flesch" in failing and article.sections:
            target = max(article.sections, key=lambda s: _words_per_sentence(s.body))
            await self._fix_section(target, "use short sentences (under 15 words) and simple, common words")
            done.append("flesch")
        if copies:
            await self._fix_copies(article, copies)
            done.append("copied_sentences")
        return done

    async def _fix_title(self, article: Article) -> None:
        lo, hi = self.rules.title_chars
        kw = self.brief.keyword
        candidate = clean_line(await self._rewrite(
            "page title", f'{lo} to {hi} characters long, containing the exact phrase "{kw}"', article.title or article.h1))
        best = article.title or article.h1
        if candidate and self._mentions(candidate) and abs(len(candidate) - (lo + hi) / 2) < abs(len(best) - (lo + hi) / 2):
            best = candidate
        if not self._mentions(best):
            best = with_keyword(best, kw)
        article.title = cut_at_word(best, hi)

    async def _fix_description(self, article: Article) -> None:
        lo, hi = self.rules.description_chars
        kw = self.brief.keyword
        candidate = " ".join(clean_prose(await self._rewrite(
            "meta description", f'{lo} to {hi} characters, containing "{kw}", inviting the reader to click',
            article.description or article.intro)).split())
        best = candidate if lo <= len(candidate) <= hi else article.description
        if len(best) < lo:  # lengthen with the introduction's sentences
            for sentence in sentences(article.intro):
                if sentence not in best and len(best) + len(sentence) + 1 <= hi:
                    best = f"{best} {sentence}".strip()
        article.description = cut_at_word(best, hi, end="…")

    async def _fix_section(self, section: Section, goal: str) -> None:
        new = clean_prose(await self._rewrite("section", goal, section.body))
        if len(words(new)) >= 0.3 * len(words(section.body)) and new:
            section.body = _keep_markers(section.body, new)

    async def _fix_length(self, article: Article) -> None:
        total = len(words(article.body_markdown(citations=False)))
        gap = self.brief.length - total
        if gap > 0:
            target = min(article.sections, key=lambda s: len(words(s.body)))
            want = len(words(target.body)) + gap
            await self._fix_section(target, f"expand it to about {want} words with useful detail and examples")
        else:
            target = max(article.sections, key=lambda s: len(words(s.body)))
            want = max(40, len(words(target.body)) + gap)
            await self._fix_section(target, f"shorten it to about {want} words, keeping the key facts")

    async def _fix_copies(self, article: Article, copies: Sequence[CopyFlag]) -> None:
        sources = [SourceText(source=c.source, text=c.shared_text) for c in copies]
        replacements: dict[str, str] = {}
        for flag in copies:
            new = clean_prose(await self._rewrite("sentence", "say the same thing in different words", flag.sentence))
            if not new or find_copies(f"# x\n\n{new}", sources):
                new = ""  # still copied: drop the sentence rather than publish it
            replacements[flag.sentence] = new
        article.intro = _replace_sentences(article.intro, replacements)
        for section in article.sections:
            section.body = _replace_sentences(section.body, replacements)


def _replace_sentences(text: str, replacements: dict[str, str]) -> str:
    """Swap whole sentences, matched on their plain text (citation markers and emphasis aside)."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        kept = []
        for sentence in sentences(paragraph):
            plain = strip_inline(sentence).strip()
            kept.append(replacements.get(plain, sentence) if plain in replacements else sentence)
        paragraphs.append(" ".join(k for k in kept if k))
    return "\n\n".join(p for p in paragraphs if p)


def _words_per_sentence(text: str) -> float:
    found = sentences(text)
    return len(words(text)) / len(found) if found else 0.0


def _keep_markers(old: str, new: str) -> str:
    """A rewrite must not lose the section's citations: re-append the markers it dropped."""
    import re

    markers = [m for m in dict.fromkeys(re.findall(r"\[\d+\]", old)) if m not in new]
    return f"{new} {' '.join(markers)}".strip() if markers else new
