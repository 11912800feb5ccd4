"""The polite crawler: fetch the brief's URLs (and, if asked, same-site pages they link to).

Rules it keeps: robots.txt is obeyed; the User-Agent says who is asking; each host gets at
most `per_host_concurrency` requests at once, spaced `per_host_delay_s` apart (or the site's
Crawl-delay when longer); redirects are followed by hand, http(s) only, with a hop limit and
loop detection; only HTML is read, and never more than `max_bytes`. Each page that fails
becomes a `PageFailure` whose message tells the user what happened and what to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx
from pydantic import BaseModel, Field

from tools.web.cache import CrawlCache
from tools.web.extract import ExtractedPage, extract_page
from tools.web.robots import RobotsRules, fetch_robots

DEFAULT_USER_AGENT = "maitre-seo/0.1 (+https://pypi.org/project/maitre/; reads pages a user listed in a brief)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_CODES = (301, 302, 303, 307, 308)

FailureKind = Literal[
    "bad_url", "unreachable", "timeout", "http_error", "not_html", "too_large", "robots",
    "redirect_loop", "too_many_redirects", "bad_redirect", "no_main_text",
]


class CrawlSettings(BaseModel):
    user_agent: str = DEFAULT_USER_AGENT
    max_depth: int = Field(0, ge=0, description="0: only the listed URLs; 1: also the pages they link to…")
    max_pages: int = Field(10, ge=1)
    max_bytes: int = Field(3_000_000, ge=1024)
    timeout_s: float = Field(15.0, gt=0, description="Per connect/read, and twice this for a whole page.")
    per_host_concurrency: int = Field(2, ge=1)
    per_host_delay_s: float = Field(1.0, ge=0)
    max_redirects: int = Field(5, ge=0)
    respect_robots: bool = True
    min_text_chars: int = Field(200, ge=0, description="Less main text than this counts as no main text.")
    fast_extraction: bool = True


class PageFailure(BaseModel):
    url: str
    kind: FailureKind
    message: str


class CrawlResult(BaseModel):
    pages: list[ExtractedPage] = Field(default_factory=list)
    failures: list[PageFailure] = Field(default_factory=list)
    hubs: list[str] = Field(default_factory=list, description="Pages with links but no main text.")


class _Fetched(BaseModel):
    url: str
    final_url: str
    body: bytes


class _Failed(Exception):
    def __init__(self, url: str, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.failure = PageFailure(url=url, kind=kind, message=message)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def site_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


class HostGate:
    """Per-host concurrency and spacing between request starts."""

    def __init__(self, concurrency: int, delay_s: float) -> None:
        self.concurrency = concurrency
        self.delay_s = delay_s
        self.delays: dict[str, float] = {}
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._next_start: dict[str, float] = {}

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore = self._slots.setdefault(host, asyncio.Semaphore(self.concurrency))
        async with semaphore:
            async with self._locks.setdefault(host, asyncio.Lock()):
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + max(self.delay_s, self.delays.get(host, 0.0))
                if start > now:
                    await asyncio.sleep(start - now)
            yield


def _status_message(url: str, status: int) -> str:
    if status == 404 or status == 410:
        return f"{url} does not exist (HTTP {status}); check the address in the brief or remove it."
    if status in (401, 403):
        return f"{url} refused access (HTTP {status}); it needs a login or blocks crawlers, so remove it from the brief."
    if status == 429:
        return f"{url} says too many requests (HTTP 429); wait a few minutes and resume the job."
    if status >= 500:
        return f"{url} had a server error (HTTP {status}); try again later by resuming the job."
    return f"{url} answered HTTP {status}; check the address in the brief."


class Crawler:
    def __init__(
        self,
        settings: CrawlSettings | None = None,
        cache: CrawlCache | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings or CrawlSettings()
        self.cache = cache
        self.transport = transport
        self.gate = HostGate(self.settings.per_host_concurrency, self.settings.per_host_delay_s)
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self.requests = 0  # counted for tests and the job log

    def _client(self) -> httpx.AsyncClient:
        timeout = httpx.Timeout(self.settings.timeout_s)
        return httpx.AsyncClient(
            headers={"User-Agent": self.settings.user_agent, "Accept": "text/html,application/xhtml+xml"},
            timeout=timeout, follow_redirects=False, transport=self.transport,
        )

    async def crawl(
        self, urls: list[str], on_result: Callable[[ExtractedPage | PageFailure], None] | None = None
    ) -> CrawlResult:
        """Breadth-first from `urls`, up to max_depth and max_pages. Never raises for a page."""
        result = CrawlResult()
        seen: set[str] = set()
        frontier = [(u.strip(), 0) for u in urls if u.strip()]
        sites = {site_of(u) for u, _ in frontier}
        async with self._client() as client:
            while frontier and len(result.pages) < self.settings.max_pages:
                batch = []
                for url, depth in frontier:
                    if url not in seen and len(batch) + len(result.pages) < self.settings.max_pages:
                        seen.add(url)
                        batch.append((url, depth))
                outcomes = await asyncio.gather(*(self.page(client, url, depth) for url, depth in batch))
                frontier = []
                for outcome in outcomes:
                    if isinstance(outcome, PageFailure):
                        result.failures.append(outcome)
                        if on_result is not None:
                            on_result(outcome)
                        continue
                    seen.add(outcome.final_url)
                    follow = outcome.depth < self.settings.max_depth
                    if len(outcome.text) >= self.settings.min_text_chars:
                        result.pages.append(outcome)
                    elif follow and outcome.links:
                        result.hubs.append(outcome.url)  # a list of links: followed, not learned from
                    else:
                        result.failures.append(PageFailure(url=outcome.url, kind="no_main_text", message=(
                            f"{outcome.url} has no main text to learn from ({len(outcome.text)} characters found); it "
                            "may be built with JavaScript or be a list of links. Replace it with an article URL, "
                            "or raise crawl.max_depth to follow its links, and resume the job.")))
                        if on_result is not None:
                            on_result(result.failures[-1])
                        continue
                    if on_result is not None:
                        on_result(outcome)
                    if follow:
                        frontier += [
                            (link, outcome.depth + 1) for link in outcome.links
                            if site_of(link) in sites and link not in seen
                        ]
        return result

    async def page(self, client: httpx.AsyncClient, url: str, depth: int = 0) -> ExtractedPage | PageFailure:
        """One page: from the cache when fresh, else fetched, extracted and cached (even with
        little text: the caller decides whether that is a failure or a page of links)."""
        follow = depth < self.settings.max_depth
        # A page cached by a crawl that did not follow links has none stored: fetch it again.
        if self.cache is not None and (cached := self.cache.get(url)) is not None and (cached.links or not follow):
            cached.depth = depth
            return cached
        try:
            fetched = await self._fetch(client, url)
            page = await asyncio.to_thread(
                extract_page, fetched.body, url, fetched.final_url, self.settings.fast_extraction, follow,
            )
        except _Failed as exc:
            return exc.failure
        except (TimeoutError, httpx.TimeoutException):
            return PageFailure(url=url, kind="timeout", message=(
                f"{url} did not answer within {self.settings.timeout_s:g} s; check that the site is up, "
                "raise crawl.timeout_s, or remove the URL, then resume the job."))
        except httpx.HTTPError as exc:
            host = urlsplit(url).hostname or url
            return PageFailure(url=url, kind="unreachable", message=(
                f"could not reach {host} ({type(exc).__name__}: {exc}); check the address and your connection, "
                "then resume the job."))
        page.depth = depth
        if self.cache is not None:
            self.cache.put(page, fetched.body)
        return page

    async def _rules(self, client: httpx.AsyncClient, url: str) -> RobotsRules:
        origin = origin_of(url)
        async with self._robots_locks.setdefault(origin, asyncio.Lock()):
            if origin not in self._robots:
                async with self.gate.slot(urlsplit(url).netloc):
                    self.requests += 1
                    rules = await fetch_robots(client, origin, self.settings.user_agent)
                self._robots[origin] = rules
                self.gate.delays[urlsplit(url).netloc] = rules.crawl_delay_s
        return self._robots[origin]

    async def _fetch(self, client: httpx.AsyncClient, url: str) -> _Fetched:
        current = url
        visited = {url}
        for _hop in range(self.settings.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise _Failed(url, "bad_url", f"{current!r} is not an http(s) address; fix it in the brief.")
            if self.settings.respect_robots:
                rules = await self._rules(client, current)
                if not rules.allows(current, self.settings.user_agent):
                    why = rules.blocked_reason or "its robots.txt disallows it"
                    raise _Failed(url, "robots", f"{current} may not be crawled: {why}. "
                                  "Remove it from the brief or pick another page.")
            async with self.gate.slot(parts.netloc):
                self.requests += 1
                # The whole exchange has a deadline too: a server that trickles bytes slowly
                # never trips the per-read timeout.
                outcome = await asyncio.wait_for(self._hop(client, url, current), timeout=2 * self.settings.timeout_s)
            if isinstance(outcome, _Fetched):
                return outcome
            if outcome in visited:
                raise _Failed(url, "redirect_loop", f"{url} redirects in a loop (back to {outcome}); "
                              "the site is misconfigured, so remove it from the brief.")
            visited.add(outcome)
            current = outcome
        raise _Failed(url, "too_many_redirects",
                      f"{url} redirects more than {self.settings.max_redirects} times; use the final address instead.")

    async def _hop(self, client: httpx.AsyncClient, url: str, current: str) -> _Fetched | str:
        """One request: the page, or the address a redirect points to."""
        async with client.stream("GET", current) as response:
            if response.status_code in REDIRECT_CODES and "location" in response.headers:
                target = urljoin(current, response.headers["location"])
                if urlsplit(target).scheme not in ("http", "https"):
                    raise _Failed(url, "bad_redirect", f"{current} redirects to {target!r}, which is not a web page.")
                return target
            if response.status_code >= 400:
                raise _Failed(url, "http_error", _status_message(current, response.status_code))
            return await self._read_html(url, current, response)

    async def _read_html(self, url: str, current: str, response: httpx.Response) -> _Fetched:
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in HTML_TYPES:
            raise _Failed(url, "not_html", f"{current} is not a web page ({content_type or 'no content type'}); "
                          "list HTML article pages in the brief.")
        limit = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _Failed(url, "too_large", f"{current} is {int(declared):,} bytes, over the {limit:,}-byte limit; "
                          "pick a smaller page or raise crawl.max_bytes.")
        chunks, size = [], 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise _Failed(url, "too_large", f"{current} is over the {limit:,}-byte limit; "
                              "pick a smaller page or raise crawl.max_bytes.")
            chunks.append(chunk)
        return _Fetched(url=url, final_url=current, body=b"".join(chunks))
