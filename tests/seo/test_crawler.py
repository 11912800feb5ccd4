"""The crawler against saved real pages, through httpx.MockTransport and a local server."""

from __future__ import annotations

import socket

import httpx
import pytest

from tools.web.cache import CrawlCache
from tools.web.crawler import Crawler, CrawlSettings

BASE = "https://site.test"


def fast(**overrides) -> CrawlSettings:
    values = dict(per_host_delay_s=0.0, timeout_s=2.0)
    values.update(overrides)
    return CrawlSettings(**values)


async def crawl(transport, urls, **settings):
    crawler = Crawler(fast(**settings), transport=transport)
    return crawler, await crawler.crawl(urls)


async def test_saved_pages_are_extracted_with_their_main_text(transport, expected_snippets):
    names = {"/rust": "stackoverflow.com.rust.html", "/spiceland": "github.blog.spiceland.html",
             "/cc": "creativecommons.org.html", "/python": "blog.python.org.html"}
    _, result = await crawl(transport, [BASE + p for p in names])
    assert result.failures == []
    by_url = {p.url: p for p in result.pages}
    for path, name in names.items():
        page = by_url[BASE + path]
        for snippet in expected_snippets[name]["with"]:
            assert snippet in page.text, (name, snippet)
        for snippet in expected_snippets[name]["without"]:
            assert snippet not in page.text, (name, snippet)
    rust = by_url[BASE + "/rust"]
    assert rust.title.startswith("What is Rust and why is it so popular?")
    assert rust.h1 == ["What is Rust and why is it so popular?"]
    assert rust.description.startswith("Rust has been Stack Overflow")
    assert [h.text for h in rust.headings][:2] == ["Coming from dynamically-typed languages",
                                                    "Coming from garbage-collected languages"]
    assert rust.language == "en" and len(rust.passages) > 5
    assert rust.passages[3].heading == "Coming from dynamically-typed languages"


async def test_sends_an_honest_user_agent(site, transport):
    await crawl(transport, [BASE + "/rust"], user_agent="maitre-test/1 (+contact)")
    assert {r.headers["user-agent"] for r in site.requests} == {"maitre-test/1 (+contact)"}


async def test_robots_disallowed_page_is_never_requested(site, transport):
    _, result = await crawl(transport, [BASE + "/private/secret"])
    assert [f.kind for f in result.failures] == ["robots"]
    assert "robots.txt disallows it" in result.failures[0].message
    assert "/private/secret" not in site.paths()
    _, result = await crawl(transport, [BASE + "/private/secret"], respect_robots=False)
    assert result.failures == []


async def test_robots_server_error_blocks_the_site(site, transport):
    site.extra["/robots.txt"] = httpx.Response(503)
    _, result = await crawl(transport, [BASE + "/rust"])
    assert result.failures[0].kind == "robots" and "server error 503" in result.failures[0].message


@pytest.mark.parametrize(("path", "kind", "words"), [
    ("/data.json", "not_html", "not a web page (application/json)"),
    ("/big-declared", "too_large", "over the 2,048-byte limit"),
    ("/big-streamed", "too_large", "over the 2,048-byte limit"),
    ("/loop-a", "redirect_loop", "redirects in a loop"),
    ("/chain0", "too_many_redirects", "more than 3 times"),
    ("/mailto", "bad_redirect", "not a web page"),
    ("/missing", "http_error", "does not exist (HTTP 404)"),
    ("/broken", "http_error", "server error (HTTP 500)"),
    ("/scmp", "no_main_text", "no main text"),
])
async def test_bad_pages_fail_with_a_clear_message(transport, path, kind, words):
    limit = 2048 if kind == "too_large" else 3_000_000
    _, result = await crawl(transport, [BASE + path], max_bytes=limit, max_redirects=3)
    assert result.pages == []
    [failure] = result.failures
    assert failure.kind == kind and words in failure.message, failure.message
    assert failure.message.endswith(".")


async def test_unreachable_host(transport):
    _, result = await crawl(transport, ["https://down.test/page"])
    assert result.failures[0].kind == "unreachable"
    assert "could not reach down.test" in result.failures[0].message


async def test_redirect_is_followed_to_the_final_page(site, transport):
    _, result = await crawl(transport, [BASE + "/old"])
    [page] = result.pages
    assert page.url == BASE + "/old" and page.final_url == BASE + "/rust"


async def test_same_site_links_are_followed_within_depth_and_page_limits(site, transport):
    _, result = await crawl(transport, [BASE + "/hub"], max_depth=1)
    assert result.hubs == [BASE + "/hub"]
    assert sorted(p.url for p in result.pages) == [BASE + "/rust", BASE + "/spiceland"]
    assert [f.kind for f in result.failures] == ["robots"]  # /private/secret
    assert not any(r.url.host == "elsewhere.test" for r in site.requests)
    assert "/report.pdf" not in site.paths()
    _, limited = await crawl(transport, [BASE + "/hub"], max_depth=1, max_pages=1)
    assert len(limited.pages) == 1
    _, shallow = await crawl(transport, [BASE + "/hub"], max_depth=0)
    assert shallow.failures[0].kind == "no_main_text"


async def test_per_host_concurrency_and_spacing(site, transport):
    urls = [BASE + p for p in ("/rust", "/spiceland", "/cc", "/python")]
    await crawl(transport, urls, per_host_concurrency=1, per_host_delay_s=0.1)
    assert site.max_in_flight == 1
    # robots.txt plus four pages, started at least 0.1 s apart (averaged: scheduling jitter
    # moves single starts, not the span).
    assert len(site.starts) == 5
    assert (site.starts[-1] - site.starts[0]) / 4 >= 0.09
    site2_transport = httpx.MockTransport(site.handle)
    site.max_in_flight = 0
    await crawl(site2_transport, urls, per_host_concurrency=3)
    assert site.max_in_flight > 1


async def test_every_crawl_is_cached_on_disk(site, transport, tmp_path):
    cache = CrawlCache(tmp_path / "cache")
    first = await Crawler(fast(), cache=cache, transport=transport).crawl([BASE + "/rust"])
    asked = len(site.requests)
    again = await Crawler(fast(), cache=CrawlCache(tmp_path / "cache"), transport=transport).crawl([BASE + "/rust"])
    assert len(site.requests) == asked
    assert again.pages[0].from_cache and again.pages[0].text == first.pages[0].text
    assert cache.raw_html(BASE + "/rust") is not None
    stale = await Crawler(fast(), cache=CrawlCache(tmp_path / "cache", ttl_s=-1), transport=transport).crawl([BASE + "/rust"])
    assert not stale.pages[0].from_cache and len(site.requests) > asked


# --- a real server on 127.0.0.1 -------------------------------------------------------------

async def test_local_server_pages_and_failures(local_server):
    base, handler = local_server
    crawler = Crawler(fast(timeout_s=0.4, max_bytes=1_000_000, user_agent="maitre-local/1"))
    result = await crawler.crawl([f"{base}/{p}" for p in ("page", "private/page", "slow", "loop", "huge",
                                                            "data.json", "gone", "error")])
    assert [p.url for p in result.pages] == [f"{base}/page"]
    kinds = {f.url.rsplit("/", 1)[-1]: f.kind for f in result.failures}
    assert kinds == {"page": "robots", "slow": "timeout", "loop": "redirect_loop", "huge": "too_large",
                     "data.json": "not_html", "gone": "http_error", "error": "http_error"}
    assert set(handler.user_agents) == {"maitre-local/1"}
    assert "did not answer within 0.4 s" in next(f.message for f in result.failures if f.kind == "timeout")


async def test_connection_refused_is_unreachable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = await Crawler(fast()).crawl([f"http://127.0.0.1:{port}/page"])
    assert result.failures[0].kind == "unreachable"
    assert "check the address" in result.failures[0].message
