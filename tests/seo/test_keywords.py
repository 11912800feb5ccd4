"""Keyword sources: the offline ranker, the HTTP adapter (MockTransport) and plug-in loading."""

from __future__ import annotations

import json
import textwrap

import httpx
import pytest

from tools.seo.keywords import KeywordRequest, KeywordSourceError, KeywordSuggestion, load_sources, merge_suggestions
from tools.seo.keywords.http_api import HttpKeywordSource
from tools.seo.keywords.offline import OfflineKeywordSource
from tools.web.extract import extract_page

DOCS = [
    "Cold brew coffee needs coarse ground beans. Coarse ground beans stop the sieve from clogging. "
    "Steep time matters for cold brew coffee.",
    "A French press works well. Use coarse ground beans and a long steep time in the fridge.",
    "Steep time is twelve hours. Coarse ground beans again. The fridge keeps it fresh.",
    "Filter paper and filter paper and filter paper and filter paper are used in one shop only.",
]


def request(**kw) -> KeywordRequest:
    values = dict(keyword="cold brew coffee", documents=DOCS, brief_text="Audience: home baristas.")
    values.update(kw)
    return KeywordRequest(**values)


def test_offline_ranks_phrases_shared_by_pages_first():
    ranked = OfflineKeywordSource().rank(request())
    phrases = [s.phrase for s in ranked]
    assert phrases[0] == "coarse ground beans"
    assert phrases.index("steep time") < phrases.index("filter paper")  # 3 pages beat 4 uses on one page
    assert "cold brew coffee" not in phrases
    assert not any(p.split()[0] in ("the", "and", "a") or p.split()[-1] in ("the", "and") for p in phrases)
    assert ranked[0].score == 1.0 and all(0 < s.score <= 1 for s in ranked)


def test_offline_boosts_what_the_brief_names():
    plain = [s.phrase for s in OfflineKeywordSource().rank(request())]
    boosted = [s.phrase for s in OfflineKeywordSource().rank(request(brief_text="Cover the french press."))]
    assert boosted.index("french press") < (plain.index("french press") if "french press" in plain else 99)


@pytest.fixture
def rust_text() -> str:
    from pathlib import Path

    html = (Path(__file__).parents[1] / "data" / "seo" / "html" / "stackoverflow.com.rust.html").read_bytes()
    return extract_page(html, "https://stackoverflow.blog/rust").text


async def test_offline_suggestions_from_a_real_page(rust_text):
    ranked = await OfflineKeywordSource().suggest(
        KeywordRequest(keyword="rust programming", documents=[rust_text], limit=10)
    )
    phrases = [s.phrase for s in ranked]
    assert len(phrases) == 10
    assert any("rust" in p for p in phrases[:5])
    assert any(p in phrases for p in ("type system", "garbage collector", "programming languages", "compiler"))


def api(handler) -> HttpKeywordSource:
    return HttpKeywordSource.from_options({"url": "https://kw.test/related", "key": "s3cret",
                                          "transport": httpx.MockTransport(handler), "country": "pl"})


async def test_http_source_sends_key_and_parses_volumes():
    seen = {}

    def handler(req: httpx.Request) -> httpx.Response:
        seen["auth"] = req.headers.get("authorization")
        seen["body"] = json.loads(req.content)
        return httpx.Response(200, json={"success": True, "data": [
            {"keyword": "cold brew recipe", "searches": 8100, "difficulty": 31},
            {"keyword": "cold brew ratio", "searches": 2400},
            {"keyword": "iced coffee", "searches": None},
        ]})

    out = await api(handler).suggest(KeywordRequest(keyword="cold brew", language="pl", limit=5))
    assert seen["auth"] == "Bearer s3cret"
    assert seen["body"] == {"keyword": "cold brew", "language": "pl", "limit": 5, "country": "pl"}
    assert [(s.phrase, s.volume) for s in out] == [("cold brew recipe", 8100), ("cold brew ratio", 2400),
                                                   ("iced coffee", None)]
    assert out[0].score == 1.0 and out[1].score == pytest.approx(2400 / 8100, abs=1e-4)
    assert out[0].difficulty == 31 and out[0].source == "http"


@pytest.mark.parametrize(("response", "words"), [
    (httpx.Response(401, json={}), "refused the key"),
    (httpx.Response(429, json={}), "quota"),
    (httpx.Response(502, text="bad gateway"), "HTTP 502"),
    (httpx.Response(200, text="<html>"), "did not answer with JSON"),
    (httpx.Response(200, json={"items": []}), "no list at 'data'"),
])
async def test_http_source_errors_are_sentences(response, words):
    with pytest.raises(KeywordSourceError, match=words):
        await api(lambda req: response).suggest(KeywordRequest(keyword="x"))


async def test_http_source_timeout_and_unreachable():
    def slow(req):
        raise httpx.ReadTimeout("slow", request=req)

    def down(req):
        raise httpx.ConnectError("refused", request=req)

    with pytest.raises(KeywordSourceError, match="did not answer within"):
        await api(slow).suggest(KeywordRequest(keyword="x"))
    with pytest.raises(KeywordSourceError, match="could not reach"):
        await api(down).suggest(KeywordRequest(keyword="x"))


def test_http_source_needs_a_url():
    sources, problems = load_sources(["http"], {"http": {"key": "k"}})
    assert sources == [] and "keyword_api_url" in problems[0]


def test_unknown_source_is_reported_with_the_installed_ones():
    sources, problems = load_sources(["offline", "nope"], {})
    assert [s.name for s in sources] == ["offline"]
    assert "no keyword source named 'nope'" in problems[0] and "offline" in problems[0]


def test_plugin_source_through_entry_points(tmp_path, monkeypatch):
    (tmp_path / "kwplugin.py").write_text(textwrap.dedent("""
        from tools.seo.keywords import KeywordSuggestion

        class Fixed:
            name = "fixed"
            def __init__(self, options):
                self.word = options.get("word", "default")
            async def suggest(self, request):
                return [KeywordSuggestion(phrase=self.word, score=1.0, source=self.name)]
    """))
    info = tmp_path / "kwplugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kwplugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[maitre.keywords]\nfixed = kwplugin:Fixed\nbroken = kwplugin:Missing\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    sources, problems = load_sources(["fixed"], {"fixed": {"word": "espresso"}})
    assert [s.name for s in sources] == ["fixed"]
    assert any("'broken' could not be loaded" in p for p in problems)


def test_merge_keeps_best_score_and_known_volume():
    a = [KeywordSuggestion(phrase="Cold Brew Ratio", score=0.4, source="offline")]
    b = [KeywordSuggestion(phrase="cold brew ratio", score=0.9, source="http", volume=2400),
         KeywordSuggestion(phrase="cold brew", score=1.0, source="http")]
    merged = merge_suggestions([a, b], keyword="cold brew", limit=10)
    assert [(m.phrase, m.score, m.volume, m.source) for m in merged] == [("Cold Brew Ratio", 0.9, 2400, "http")]
