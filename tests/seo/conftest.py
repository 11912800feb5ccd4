"""Fake web for the seo tests: saved real pages served through httpx.MockTransport or a
local http.server on 127.0.0.1. Only the web is fake; extraction, cache and jobs are real."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

HTML = Path(__file__).parents[1] / "data" / "seo" / "html"
RUST = (HTML / "stackoverflow.com.rust.html").read_bytes()
SPICELAND = (HTML / "github.blog.spiceland.html").read_bytes()
CC = (HTML / "creativecommons.org.html").read_bytes()
PYTHON = (HTML / "blog.python.org.html").read_bytes()
SCMP = (HTML / "scmp.com.playbook.html").read_bytes()
EXPECTED = json.loads((HTML / "expected_snippets.json").read_text(encoding="utf-8"))
HUB = b"""<html><head><title>Blog</title></head><body><h1>Posts</h1>
<a href="/rust">Rust</a> <a href="/spiceland#top">Spiceland</a> <a href="/private/secret">Secret</a>
<a href="https://elsewhere.test/page">Elsewhere</a> <a href="/report.pdf">PDF</a></body></html>"""
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


class FakeSite:
    """Routes of https://site.test, with a log of what was asked for and how."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.starts: list[float] = []
        self.extra: dict[str, httpx.Response] = {}

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.starts.append(time.monotonic())
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.01)
            return self.route(request)
        finally:
            self.in_flight -= 1

    def route(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        html = {"content-type": "text/html; charset=utf-8"}
        if request.url.host == "down.test":
            raise httpx.ConnectError("Name or service not known", request=request)
        if path in self.extra:
            return self.extra[path]
        pages = {"/rust": RUST, "/spiceland": SPICELAND, "/cc": CC, "/python": PYTHON, "/scmp": SCMP, "/hub": HUB,
                 "/private/secret": RUST}
        if path == "/robots.txt":
            return httpx.Response(200, content=ROBOTS, headers={"content-type": "text/plain"})
        if path in pages:
            return httpx.Response(200, content=pages[path], headers=html)
        if path == "/old":
            return httpx.Response(301, headers={"location": "/rust"})
        if path in ("/loop-a", "/loop-b"):
            return httpx.Response(302, headers={"location": "/loop-b" if path == "/loop-a" else "/loop-a"})
        if path.startswith("/chain"):
            n = int(path.removeprefix("/chain") or 0)
            return httpx.Response(302, headers={"location": f"/chain{n + 1}"})
        if path == "/mailto":
            return httpx.Response(302, headers={"location": "ftp://site.test/file"})
        if path == "/data.json":
            return httpx.Response(200, content=b"{}", headers={"content-type": "application/json"})
        if path == "/big-declared":
            return httpx.Response(200, content=b"x" * 5000, headers=html)
        if path == "/big-streamed":
            return httpx.Response(200, content=_chunks(b"<p>" + b"x" * 1000, 50), headers=html)
        if path == "/broken":
            return httpx.Response(500, content=b"oops", headers=html)
        return httpx.Response(404, content=b"not here", headers=html)

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]


async def _chunks_gen(chunk: bytes, n: int):
    for _ in range(n):
        yield chunk


def _chunks(chunk: bytes, n: int):
    return _chunks_gen(chunk, n)


@pytest.fixture
def expected_snippets() -> dict:
    return EXPECTED


@pytest.fixture
def site() -> FakeSite:
    return FakeSite()


@pytest.fixture
def transport(site: FakeSite) -> httpx.MockTransport:
    return httpx.MockTransport(site.handle)


class _LocalHandler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes, float]] = {}
    user_agents: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        type(self).user_agents.append(self.headers.get("User-Agent", ""))
        status, headers, body, delay = self.routes.get(self.path, (404, {"Content-Type": "text/html"}, b"no", 0.0))
        if delay:
            time.sleep(delay)
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server():
    """A real HTTP server on 127.0.0.1 (HTTP/1.0: bodies end when the connection closes)."""
    html = {"Content-Type": "text/html; charset=utf-8"}
    _LocalHandler.routes = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, ROBOTS, 0.0),
        "/page": (200, html, RUST, 0.0),
        "/private/page": (200, html, RUST, 0.0),
        "/slow": (200, html, RUST, 3.0),
        "/loop": (302, {"Location": "/loop2"}, b"", 0.0),
        "/loop2": (302, {"Location": "/loop"}, b"", 0.0),
        "/huge": (200, html, b"<html><body>" + b"<p>word</p>" * 400_000, 0.0),
        "/data.json": (200, {"Content-Type": "application/json"}, b"{}", 0.0),
        "/gone": (404, html, b"gone", 0.0),
        "/error": (503, html, b"busy", 0.0),
    }
    _LocalHandler.user_agents = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _LocalHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _LocalHandler
    server.shutdown()
    server.server_close()
