"""A recorded Ollama server as an httpx.MockTransport: admin endpoints, pull streams and chat.

Requests are logged so tests can check what a user's action actually sent (e.g. which model
a chat turn asked for after the model picker changed it).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

DATA = Path(__file__).parent / "data"
ADMIN = DATA / "ollama_admin"


def _read(name: str) -> dict:
    return json.loads((ADMIN / name).read_text())


def fake_ollama(log: list[httpx.Request] | None = None, *, pull_delay_s: float = 0.0) -> httpx.MockTransport:
    log = [] if log is None else log
    chat_lines = (DATA / "ollama" / "chat_stream.ndjson").read_text().splitlines(keepends=True)

    async def handler(request: httpx.Request) -> httpx.Response:
        log.append(request)
        path = request.url.path
        if path == "/api/version":
            return httpx.Response(200, json=_read("version.json"))
        if path == "/api/tags":
            return httpx.Response(200, json=_read("tags.json"))
        if path == "/api/ps":
            return httpx.Response(200, json=_read("ps.json"))
        if path == "/api/pull":
            name = json.loads(request.content)["model"]
            recorded = "pull_smollm2.ndjson" if name.startswith("smollm2") else "pull_missing.ndjson"
            lines = (ADMIN / recorded).read_text().splitlines(keepends=True)

            async def stream():
                for line in lines:
                    if pull_delay_s:
                        await asyncio.sleep(pull_delay_s)
                    yield line.encode()

            return httpx.Response(200, content=stream(), headers={"content-type": "application/x-ndjson"})
        if path == "/api/chat":

            async def chat():
                for line in chat_lines:
                    yield line.encode()

            return httpx.Response(200, content=chat())
        return httpx.Response(404, json={"error": f"no route {path}"})

    return httpx.MockTransport(handler)
