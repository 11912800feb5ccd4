"""The step machine and the seo agent end to end, with the web served by MockTransport and
the model replayed from recorded answers (the embedded model runs in test_embedded.py)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from agents.base import AgentContext, Turn
from agents.events import Error, Notice, TextDelta, ToolCall, ToolResult
from agents.seo import SeoAgent
from tools.models.config import ModelConfig
from tools.models.hub import ModelHub
from tools.models.replay import ReplayTape
from tools.seo.jobs import JobStore

KEYWORD = "rust language"
OUTLINE = json.dumps({"h1": "The Rust Language Explained for New Developers", "sections": [
    {"heading": "Why the Rust language feels safe", "points": ["types", "no null"]},
    {"heading": "Memory without a garbage collector", "points": ["ownership", "speed"]},
]})
INTRO = ("The rust language helps you write fast programs that do not crash. Many developers love it. "
         "This guide shows what makes it special and how you can start with it today.")
SECTION_1 = ("Rust checks your code before it runs. The compiler looks at every type and every value. "
             "A value can never be null by accident, so a whole class of bugs is gone. "
             "When a value may be missing, the type system makes you handle the None case. [1]\n\n"
             "This feels strict at first. Soon it feels like help. The rust language tells you what is wrong "
             "and often how to fix it. You spend less time chasing errors at night. Teams say they ship with "
             "more trust in their code, and new people learn the rules fast.")
SECTION_2 = ("Many languages use a garbage collector to free memory. Rust does not need one. "
             "Each value has one owner, and the value is freed when the owner goes away. "
             "This is called ownership, and it keeps memory use low and steady. [2]\n\n"
             "Because nothing runs in the background, programs start fast and stay fast. "
             "You can use Rust for small devices, for web servers and for tools on your desk. "
             "You get control close to C, but with checks that catch mistakes early. That mix is rare.")
META = json.dumps({
    "title": "The Rust Language Explained: Safety, Speed and Memory",
    "description": "Learn what the rust language is, why developers love it, and how its type system and "
                   "ownership keep programs safe and fast.",
})
COPIED = ("Rust has been Stack Overflow's most loved language for four years in a row, indicating that many of "
          "those who have had the opportunity to use Rust have fallen in love with it.")
HTML = (Path(__file__).parents[1] / "data" / "seo" / "html" / "stackoverflow.com.rust.html").read_bytes()


class Web:
    def __init__(self) -> None:
        self.up = True

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.url.path == "/rust" and self.up:
            return httpx.Response(200, content=HTML, headers={"content-type": "text/html"})
        return httpx.Response(503 if not self.up else 404, text="no")


def context(tmp_path: Path, answers: list[str], web: Web, **settings) -> AgentContext:
    hub = ModelHub(ModelConfig(backend="replay"), tape=ReplayTape(answers))
    values = {"crawl": {"per_host_delay_s": 0}, **settings}
    return AgentContext(models=hub, settings=values, data_dir=tmp_path,
                        extras={"seo_crawl_transport": httpx.MockTransport(web.handle)})


async def say(text: str, ctx: AgentContext) -> list:
    return [e async for e in SeoAgent().run(Turn(id="t", text=text), ctx)]


BRIEF = f"Write about the Rust programming language for new developers. keyword: {KEYWORD}\nlength: 300\nurls: https://site.test/rust"
WRITE = [OUTLINE, INTRO, SECTION_1, SECTION_2, META]


def store(tmp_path: Path) -> JobStore:
    return JobStore(tmp_path / "seo" / "jobs.db")


async def test_whole_pipeline_writes_an_article_that_passes_the_audit(tmp_path):
    web = Web()
    events = await say(BRIEF, context(tmp_path, WRITE, web))
    calls = [e.tool for e in events if isinstance(e, ToolCall)]
    assert calls == [f"seo.{s}" for s in ("brief", "crawl", "inspirations", "keywords", "outline", "draft", "meta",
                                          "audit", "revise")]
    assert all(e.ok for e in events if isinstance(e, ToolResult))
    assert not [e for e in events if isinstance(e, Error)]
    answer = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert "# The Rust Language Explained for New Developers" in answer
    assert "title: 'The Rust Language Explained: Safety, Speed and Memory'" in answer
    jobs = store(tmp_path)
    job = jobs.latest()
    assert job.state == "done"
    revise = jobs.output(job.id, "revise")
    assert revise["rounds"] == []  # nothing failed, nothing rewritten
    failing = [c for c in revise["report"]["checks"] if c["status"] == "fail"]
    assert failing == []
    files = revise["files"]
    md = Path(files["markdown"]).read_text()
    assert md.startswith("---\ntitle:") and "## Sources" in md and "https://site.test/rust" in md
    html = Path(files["html"]).read_text()
    assert '<meta name="description" content="Learn what the rust language is' in html and "<h1>" in html
    assert "| Keyword density |" in Path(files["audit"]).read_text()
    assert jobs.output(job.id, "draft")["article"]["citations"], "the draft cites the passages it used"


async def test_copied_sentence_is_flagged_and_only_it_is_rewritten(tmp_path):
    web = Web()
    copied_section = SECTION_2.replace("That mix is rare.", "That mix is rare. " + COPIED)
    rewrite = "Developers have voted Rust their favourite language again and again."
    ctx = context(tmp_path, [OUTLINE, INTRO, SECTION_1, copied_section, META, rewrite], web)
    events = await say(BRIEF, ctx)
    warnings = [e.message for e in events if isinstance(e, Notice) and e.level == "warning"]
    assert any("Copied from https://site.test/rust" in w for w in warnings)
    jobs = store(tmp_path)
    job = jobs.latest()
    audit = jobs.output(job.id, "audit")
    assert [c["shared_words"] for c in audit["copies"]] == [28]
    revise = jobs.output(job.id, "revise")
    assert revise["rounds"][0]["worked_on"] == ["copied_sentences"]
    final = revise["markdown"]
    assert "most loved language for four years" not in final and rewrite in final
    assert SECTION_1.split("\n\n")[1] in final  # the rest is untouched


async def test_brief_without_keyword_stops_and_resumes_after_the_fix(tmp_path):
    web = Web()
    ctx = context(tmp_path, WRITE, web)
    events = await say("Write about the Rust programming language. urls: https://site.test/rust", ctx)
    [error] = [e for e in events if isinstance(e, Error)]
    assert "no target keyword" in error.message and "the job goes on" in error.message
    assert [e.tool for e in events if isinstance(e, ToolCall)] == ["seo.brief"]
    job = store(tmp_path).latest()
    assert (job.state, job.step) == ("failed", "brief")
    events = await say(f"keyword: {KEYWORD}\nlength: 300", ctx)
    assert not [e for e in events if isinstance(e, Error)]
    assert store(tmp_path).latest().state == "done"
    assert store(tmp_path).latest().id == job.id


async def test_unreachable_site_stops_at_crawl_and_resume_continues_there(tmp_path):
    web = Web()
    web.up = False
    ctx = context(tmp_path, WRITE, web)
    events = await say(BRIEF, ctx)
    [error] = [e for e in events if isinstance(e, Error)]
    assert "crawl step" in error.message and "server error (HTTP 503)" in error.message
    web.up = True
    events = await say("resume", ctx)
    assert [e.tool for e in events if isinstance(e, ToolCall)][0] == "seo.crawl"
    assert store(tmp_path).latest().state == "done"


async def test_outline_gate_waits_for_ok_or_an_edited_outline(tmp_path):
    web = Web()
    ctx = context(tmp_path, WRITE, web, approve_outline=True)
    events = await say(BRIEF, ctx)
    question = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert "## Why the Rust language feels safe" in question and "Reply “ok”" in question
    assert store(tmp_path).latest().state == "waiting"
    assert not any(isinstance(e, ToolCall) and e.tool == "seo.draft" for e in events)
    edited = "# The Rust Language Explained for New Developers\n## Why the Rust language feels safe\n## Memory and speed"
    events = await say(edited, ctx)
    assert [e.tool for e in events if isinstance(e, ToolCall)][0] == "seo.draft"
    jobs = store(tmp_path)
    assert jobs.output(jobs.latest().id, "draft")["article"]["sections"][1]["heading"] == "Memory and speed"


async def test_status_show_and_rerun_from_a_step(tmp_path):
    web = Web()
    better_meta = json.dumps({"title": "Rust Language Guide: Why Developers Trust Its Safety Rules",
                              "description": json.loads(META)["description"]})
    ctx = context(tmp_path, [*WRITE, better_meta], web)
    await say(BRIEF, ctx)
    status = "".join(e.text for e in await say("status", ctx) if isinstance(e, TextDelta))
    assert "✓ crawl" in status and "✓ revise" in status
    outline = "".join(e.text for e in await say("show outline", ctx) if isinstance(e, TextDelta))
    assert outline.startswith("# The Rust Language Explained")
    events = await say("rerun meta", ctx)
    assert [e.tool for e in events if isinstance(e, ToolCall)] == ["seo.meta", "seo.audit", "seo.revise"]
    jobs = store(tmp_path)
    assert jobs.output(jobs.latest().id, "meta")["title"].startswith("Rust Language Guide")
    assert len([r for r in jobs.runs(jobs.latest().id) if r[0] == "meta"]) == 2  # both runs are logged


async def test_keyword_api_failure_stops_the_job_and_resume_works_after_the_fix(tmp_path):
    web = Web()
    api = {"status": 401}

    def keyword_api(request: httpx.Request) -> httpx.Response:
        if api["status"] != 200:
            return httpx.Response(api["status"], json={})
        return httpx.Response(200, json={"data": [{"keyword": "rust tutorial", "searches": 5400}]})

    ctx = context(tmp_path, WRITE, web, keyword_sources=[], keyword_api_url="https://kw.test/related",
                  keyword_api_key="wrong")
    ctx.extras["seo_keyword_transport"] = httpx.MockTransport(keyword_api)
    events = await say(BRIEF, ctx)
    [error] = [e for e in events if isinstance(e, Error)]
    assert "keywords step" in error.message and "refused the key" in error.message
    api["status"] = 200
    await say("resume", ctx)
    jobs = store(tmp_path)
    related = jobs.output(jobs.latest().id, "keywords")["related"]
    assert [(r["phrase"], r["volume"], r["source"]) for r in related] == [("rust tutorial", 5400, "http")]
    assert jobs.latest().state == "done"


async def test_bad_settings_are_a_sentence_not_a_traceback(tmp_path):
    events = await say(BRIEF, context(tmp_path, WRITE, Web(), max_revise_rounds=7))
    [error] = events
    assert isinstance(error, Error) and "[agents.seo] settings are invalid" in error.message
    assert "max_revise_rounds" in error.message
