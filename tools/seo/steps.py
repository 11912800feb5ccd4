"""What each step of the seo pipeline does. Each `step_<name>(ctx)` returns (output, summary)
or raises `StepFailed` with a sentence saying what to fix; notes for the user go to ctx.notes."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tools.seo.article import Article, Section, slugify, write_outputs
from tools.seo.audit import AuditReport
from tools.seo.brief import Brief
from tools.seo.copycheck import SourceText
from tools.seo.inspirations import InspirationIndex
from tools.seo.jobs import JobStore
from tools.seo.keywords import KeywordRequest, KeywordSourceError, load_sources, merge_suggestions
from tools.seo.revise import Reviser, cut_at_word, full_audit
from tools.seo.text import sentences, words
from tools.seo.writer import (
    MetaAnswer, ModelWriter, OutlineAnswer, attribute, clean_line, clean_prose, language_name, number_passages,
    sane_outline,
)
from tools.web.cache import CrawlCache
from tools.web.crawler import Crawler
from tools.web.extract import ExtractedPage

if TYPE_CHECKING:
    from tools.seo.pipeline import SeoPipeline, StepNote

Output = tuple[dict[str, Any], str]


class StepFailed(Exception):
    """Bad input: the job stops at this step; the message tells the user what to fix."""


@dataclass
class StepContext:
    pipeline: SeoPipeline
    job_id: str
    notes: list[StepNote] = field(default_factory=list)

    @property
    def jobs(self) -> JobStore:
        return self.pipeline.jobs

    @property
    def settings(self):  # type: ignore[no-untyped-def]
        return self.pipeline.deps.settings

    def note(self, message: str, level: str = "info") -> None:
        from tools.seo.pipeline import StepNote

        self.notes.append(StepNote(message, level))  # type: ignore[arg-type]

    def output(self, step: str) -> dict[str, Any]:
        return self.jobs.output(self.job_id, step)

    def brief(self) -> Brief:
        return Brief(**self.output("brief"))

    def pages(self) -> list[ExtractedPage]:
        return [ExtractedPage.model_validate(p) for p in self.output("crawl")["pages"]]

    def writer(self) -> ModelWriter:
        client = self.pipeline.deps.client
        if client is None:
            raise StepFailed("No chat model is available for writing; run `maitre doctor` to see why.")
        brief = self.brief()
        return ModelWriter(client, self.pipeline.deps.render, {
            "language": language_name(brief.language), "audience": brief.audience, "tone": brief.tone})

    def index(self) -> InspirationIndex:
        return InspirationIndex(self.pipeline.job_dir(self.job_id) / "inspirations", self.pipeline.deps.embedder)


def arguments_for(step: str, jobs: JobStore, job_id: str) -> dict[str, Any]:
    """What the UI shows next to the step while it runs."""
    brief = jobs.job(job_id).brief
    if step == "brief":
        return {k: brief.get(k) for k in ("topic", "keyword", "language", "length")}
    if step == "crawl":
        return {"urls": brief.get("urls", [])}
    if step in ("keywords", "outline", "draft", "audit"):
        return {"keyword": brief.get("keyword", "")}
    return {}


# ---- steps ------------------------------------------------------------------------------

async def step_brief(ctx: StepContext) -> Output:
    brief = Brief(**ctx.jobs.job(ctx.job_id).brief)
    problems = brief.problems()
    if problems:
        raise StepFailed(" ".join(problems))
    if not brief.topic:
        brief.topic = brief.keyword
    return brief.model_dump(), f"“{brief.keyword}”, {brief.length} words, {len(brief.urls)} URLs"


async def step_crawl(ctx: StepContext) -> Output:
    brief = ctx.brief()
    if not brief.urls:
        ctx.note("The brief lists no URLs, so the article is written without inspirations.", "warning")
        return {"pages": [], "hubs": [], "skipped": []}, "no URLs to crawl"
    deps = ctx.pipeline.deps
    cache = CrawlCache(deps.folder / "cache", ttl_s=ctx.settings.cache_ttl_days * 86400)
    crawler = Crawler(ctx.settings.crawl, cache=cache, transport=deps.crawl_transport)
    result = await crawler.crawl(brief.urls)
    listed = set(brief.urls)
    stopping = [f for f in result.failures if f.url in listed]
    for failure in result.failures:
        if failure.url not in listed:
            ctx.note(f"Skipped a linked page: {failure.message}", "warning")
    if stopping:
        raise StepFailed(" ".join(f.message[:1].upper() + f.message[1:] for f in stopping))
    pages = [p.model_dump(exclude={"links"}) for p in result.pages]
    cached = sum(p.from_cache for p in result.pages)
    return ({"pages": pages, "hubs": result.hubs, "skipped": [f.model_dump() for f in result.failures]},
            f"{len(pages)} pages ({cached} from cache), {sum(p.word_count for p in result.pages)} words")


async def step_inspirations(ctx: StepContext) -> Output:
    pages = ctx.pages()
    index = ctx.index()
    try:
        notes = await asyncio.to_thread(index.add_pages, pages) if pages else []
        count, mode = len(index), index.mode
    finally:
        index.close()
    for note in notes:
        ctx.note(note, "warning")
    if pages and mode == "keyword":
        ctx.note(ctx.pipeline.deps.embedder_note or "Inspirations are searched by keywords only (BM25): "
                 "no embedding model is configured.")
    return {"passages": count, "mode": mode}, f"{count} passages indexed ({mode} search)"


async def step_keywords(ctx: StepContext) -> Output:
    brief = ctx.brief()
    names, options = ctx.settings.keyword_plan()
    if ctx.pipeline.deps.keyword_transport is not None and "http" in options:
        options["http"]["transport"] = ctx.pipeline.deps.keyword_transport
    sources, problems = load_sources(names, options)
    for problem in problems:
        ctx.note(problem[:1].upper() + problem[1:] + ".", "warning")
    request = KeywordRequest(keyword=brief.keyword, language=brief.language, brief_text=brief.as_text(),
                             documents=[p.text for p in ctx.pages()], limit=ctx.settings.related_keywords)
    answers, failures = [], []
    for source in sources:
        try:
            answers.append(await source.suggest(request))
        except KeywordSourceError as exc:
            failures.append(f"The {source.name} keyword source failed: {exc}.")
    for failure in failures:
        ctx.note(failure, "warning")
    if sources and failures and len(failures) == len(sources):
        raise StepFailed(" ".join(failures) + " Fix the keyword settings and resume the job.")
    related = merge_suggestions(answers, brief.keyword, ctx.settings.related_keywords)
    return ({"keyword": brief.keyword, "related": [r.model_dump() for r in related]},
            f"{len(related)} related: " + ", ".join(r.phrase for r in related[:5]))


def _related(ctx: StepContext, n: int = 8) -> str:
    return ", ".join(r["phrase"] for r in ctx.output("keywords")["related"][:n]) or "none"


async def step_outline(ctx: StepContext) -> Output:
    brief = ctx.brief()
    sections = max(2, min(8, round(brief.length / 200)))
    competitor = [h.text for p in ctx.pages() for h in p.headings if h.level == 2]
    answer = await ctx.writer().structured(
        OutlineAnswer, "seo_outline", topic=brief.topic, keyword=brief.keyword, related=_related(ctx),
        competitor_headings="; ".join(competitor[:12]) or "none", sections=sections)
    h1, parts, notes = sane_outline(answer if isinstance(answer, OutlineAnswer) else None, brief.keyword,
                                    brief.topic, sections, competitor)
    for note in notes:
        ctx.note(f"Outline: {note}.")
    output = {"h1": h1, "sections": [s.model_dump(exclude={"body"}) for s in parts]}
    return output, f"{h1} — " + " · ".join(s.heading for s in parts)


def outline_markdown(outline: dict[str, Any]) -> str:
    lines = [f"# {outline['h1']}"]
    for section in outline["sections"]:
        lines.append(f"## {section['heading']}")
        lines += [f"- {p}" for p in section.get("points", [])]
    return "\n".join(lines)


def outline_from_markdown(text: str, previous: dict[str, Any]) -> dict[str, Any]:
    """The user's edited outline: `# H1`, `## section` lines, optional `- point` lines."""
    h1, sections = previous["h1"], []
    for line in text.splitlines():
        line = line.strip()
        if re.match(r"^#\s", line):
            h1 = clean_line(line[1:])
        elif re.match(r"^#{2,3}\s", line):
            sections.append({"heading": clean_line(line.lstrip("#")), "points": []})
        elif line[:1] in "-*" and sections:
            sections[-1]["points"].append(line[1:].strip())
    return {"h1": h1, "sections": sections or previous["sections"]}


def gate_question(step: str, output: dict[str, Any]) -> str:
    if step == "outline":
        return ("The outline is ready:\n\n" + outline_markdown(output) +
                "\n\nReply “ok” to write the draft, or send the outline edited (“# H1”, “## section” lines).")
    report = AuditReport.model_validate(output["report"])
    failing = ", ".join(c.label for c in report.failing("fail")) or "nothing"
    return (f"The audit is done: {report.summary()} (failing: {failing}). Reply “ok” to revise what failed "
            "and write the files.")


async def step_draft(ctx: StepContext) -> Output:
    brief = ctx.brief()
    outline = ctx.output("outline")
    writer = ctx.writer()
    language = language_name(brief.language)
    article = Article(h1=outline["h1"], sections=[Section(**s) for s in outline["sections"]])
    intro_words = max(30, round(brief.length * 0.12))
    per_section = max(50, round((brief.length - intro_words) / max(1, len(article.sections))))
    article.intro = clean_prose(await writer.text(
        "seo_intro", h1=article.h1, headings="; ".join(s.heading for s in article.sections), words=intro_words,
        language=language, keyword=brief.keyword))
    index = ctx.index() if ctx.output("inspirations")["passages"] else None
    try:
        for section in article.sections:
            found = []
            if index is not None:
                query = " ".join([section.heading, *section.points, brief.keyword])
                found = await asyncio.to_thread(index.search, query, ctx.settings.passages_per_section)
            numbered = number_passages(found, article.citations)
            passages = "\n".join(f"[{n}] {p.text[:600]}" for n, p in numbered) or "(none)"
            body = clean_prose(await writer.text(
                "seo_section", heading=section.heading, topic=brief.topic, points="; ".join(section.points) or "-",
                related=_related(ctx, 5), passages=passages, words=per_section, language=language))
            section.body = attribute(body, numbered, brief.language)
    finally:
        if index is not None:
            index.close()
    empty = [s.heading for s in article.sections if not s.body]
    if empty:
        ctx.note(f"The model wrote nothing for: {', '.join(empty)}; the revise step will try again.", "warning")
    cited = article.cited_numbers()
    article.citations = [c for c in article.citations if c.n in cited]
    total = len(words(article.body_markdown(citations=False)))
    return {"article": article.model_dump()}, f"{total} words, {len(cited)} passages cited"


async def step_meta(ctx: StepContext) -> Output:
    brief = ctx.brief()
    article = Article.model_validate(ctx.output("draft")["article"])
    rules = ctx.settings.audit
    answer = await ctx.writer().structured(
        MetaAnswer, "seo_meta", h1=article.h1, intro=article.intro[:600], keyword=brief.keyword,
        title_min=rules.title_chars[0], title_max=rules.title_chars[1],
        description_min=rules.description_chars[0], description_max=rules.description_chars[1])
    meta = answer if isinstance(answer, MetaAnswer) else MetaAnswer()
    title = clean_line(meta.title, 120) or article.h1
    description = " ".join(meta.description.split()).strip("\"“” ")
    if not description:
        description = " ".join(sentences(article.intro)[:2])
        ctx.note("Meta: the description was taken from the introduction.")
    output = {"title": title, "description": cut_at_word(description, 300, end="…"),
              "slug": slugify(brief.keyword), "h1": article.h1}
    return output, f"“{output['title']}” ({len(output['title'])} chars), description {len(output['description'])} chars"


def _current_article(ctx: StepContext) -> Article:
    article = Article.model_validate(ctx.output("draft")["article"])
    meta = ctx.output("meta")
    article.title, article.description, article.slug = meta["title"], meta["description"], meta["slug"]
    return article


def _sources(ctx: StepContext) -> list[SourceText]:
    return [SourceText(source=p.final_url, text=p.text) for p in ctx.pages()]


async def step_audit(ctx: StepContext) -> Output:
    report, copies = full_audit(_current_article(ctx), ctx.brief(), ctx.settings.audit, _sources(ctx))
    for flag in copies:
        ctx.note(f"Copied from {flag.source} ({flag.shared_words} words in a row): “{flag.sentence}”", "warning")
    return {"report": report.model_dump(), "copies": [c.model_dump() for c in copies]}, report.summary()


async def step_revise(ctx: StepContext) -> Output:
    brief = ctx.brief()
    article = _current_article(ctx)
    sources = _sources(ctx)
    report = AuditReport.model_validate(ctx.output("audit")["report"])
    _, copies = full_audit(article, brief, ctx.settings.audit, sources)
    reviser = Reviser(ctx.writer() if ctx.pipeline.deps.client is not None else None, brief, ctx.settings.audit)
    rounds = []
    for number in range(1, ctx.settings.max_revise_rounds + 1):
        if not report.failing("fail"):
            break
        worked_on = await reviser.fix(article, report, copies)
        report, copies = full_audit(article, brief, ctx.settings.audit, sources)
        still = [c.id for c in report.failing("fail")]
        rounds.append({"round": number, "worked_on": worked_on, "still_failing": still})
        ctx.note(f"Revise round {number}: reworked {', '.join(worked_on) or 'nothing'}; "
                 f"{'all checks pass or warn' if not still else 'still failing: ' + ', '.join(still)}.")
    cited = article.cited_numbers()
    article.citations = [c for c in article.citations if c.n in cited]
    files = write_outputs(ctx.pipeline.job_dir(ctx.job_id) / "output", article, report, brief.keyword,
                          brief.language, ctx.settings.citations)
    markdown = article.to_markdown(brief.keyword, ctx.settings.citations)
    output = {"rounds": rounds, "article": article.model_dump(), "report": report.model_dump(),
              "copies": [c.model_dump() for c in copies], "files": files, "markdown": markdown}
    return output, f"{len(rounds)} round(s); {report.summary()}"
