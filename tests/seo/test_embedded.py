"""The whole seo pipeline on the real embedded model (SmolLM2-135M): small and not smart, so
this checks that every step runs, the repairs hold, and the files come out, not the prose."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from agents.base import AgentContext, Turn
from agents.events import Error, ToolResult
from agents.seo import SeoAgent
from tools.models.config import ModelConfig
from tools.models.hub import ModelHub
from tools.seo.jobs import JobStore
from tools.seo.text import read_markdown

HTML = (Path(__file__).parents[1] / "data" / "seo" / "html" / "stackoverflow.com.rust.html").read_bytes()


def handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/rust":
        return httpx.Response(200, content=HTML, headers={"content-type": "text/html"})
    return httpx.Response(404)


@pytest.mark.embedded
async def test_pipeline_with_the_embedded_model(tmp_path):
    # Few, short answers: the test is about the machine, and CI machines are slow.
    hub = ModelHub(ModelConfig(backend="embedded", max_tokens=48, embedded_ctx=2048))
    settings = {"crawl": {"per_host_delay_s": 0}, "passages_per_section": 1, "max_revise_rounds": 1}
    ctx = AgentContext(models=hub, settings=settings,
                       data_dir=tmp_path, extras={"seo_crawl_transport": httpx.MockTransport(handler)})
    started = time.perf_counter()
    text = "Write about Rust for beginners. keyword: rust language\nlength: 100\nurls: https://site.test/rust"
    events = [e async for e in SeoAgent().run(Turn(id="t", text=text), ctx)]
    elapsed = time.perf_counter() - started
    assert not [e for e in events if isinstance(e, Error)], [e for e in events if isinstance(e, Error)]
    results = [e for e in events if isinstance(e, ToolResult)]
    assert [r.tool for r in results][-1] == "seo.revise" and all(r.ok for r in results)
    jobs = JobStore(tmp_path / "seo" / "jobs.db")
    final = jobs.output(jobs.latest().id, "revise")
    assert len(final["rounds"]) <= 1
    view = read_markdown(Path(final["files"]["markdown"]).read_text().split("---", 2)[2])
    assert len(view.of_level(1)) == 1
    checks = {c["id"]: c for c in final["report"]["checks"]}
    assert {checks[i]["status"] for i in ("h1_count", "heading_levels", "keyword_h1", "keyword_h2")} == {"pass"}
    assert {c["status"] for c in checks.values()} <= {"pass", "warn", "fail"}
    assert Path(final["files"]["html"]).read_text().count("<h1>") == 1
    print(f"embedded pipeline: {elapsed:.1f} s, rounds {len(final['rounds'])}, {final['report']}")
