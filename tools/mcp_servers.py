"""MCP servers named in settings become tools, through autogen-ext's MCP support.

A server is a command started over stdio (`command`, `args`, `env`) or a URL (`url`, over
streamable HTTP or SSE). At start-up each server is asked for its tools once; every tool call
later opens a fresh session to the server (autogen-ext's adapters do that when given no
session), so a tool works from any event loop and no server process outlives its call.
A server that does not start or answer is reported and skipped, never fatal.
"""

from __future__ import annotations

import asyncio
import shlex
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

McpTransport = Literal["stdio", "http", "sse"]


class McpServerConfig(BaseModel):
    """One `[mcp.servers.NAME]` settings section."""

    command: str | None = None
    args: list[str] = Field(default_factory=list)
    # Added to the small safe environment the MCP client gives servers (HOME, PATH, ...).
    env: dict[str, str] | None = None
    cwd: str | None = None
    url: str | None = None
    # For `url`: "http" (streamable HTTP, the current MCP transport) or "sse" (the older one).
    transport: Literal["http", "sse"] = "http"
    headers: dict[str, str] | None = None
    # How long listing the tools, and each call, may take.
    timeout_s: float = 20.0
    enabled: bool = True

    @model_validator(mode="after")
    def _one_target(self) -> McpServerConfig:
        if bool(self.command) == bool(self.url):
            raise ValueError("give either `command` (a program started over stdio) or `url`, not both or neither")
        return self

    @property
    def kind(self) -> McpTransport:
        return "stdio" if self.command else self.transport

    @property
    def target(self) -> str:
        return shlex.join([self.command, *self.args]) if self.command else str(self.url)


DISABLED = "disabled in settings"


@dataclass
class McpServerReport:
    name: str
    kind: str
    target: str
    loaded: bool
    tools: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def failed(self) -> bool:
        """It should have loaded and did not (a server switched off in settings did not fail)."""
        return not self.loaded and self.error != DISABLED


def server_params(config: McpServerConfig) -> Any:
    from autogen_ext.tools.mcp import SseServerParams, StdioServerParams, StreamableHttpServerParams

    if config.command:
        return StdioServerParams(
            command=config.command, args=config.args, env=config.env, cwd=config.cwd, read_timeout_seconds=config.timeout_s
        )
    if config.transport == "sse":
        return SseServerParams(url=str(config.url), headers=config.headers, timeout=config.timeout_s)
    return StreamableHttpServerParams(url=str(config.url), headers=config.headers, timeout=config.timeout_s)


def _innermost(exc: BaseException) -> BaseException:
    # The MCP client runs in anyio task groups: the real cause sits inside ExceptionGroups.
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def explain_failure(name: str, config: McpServerConfig, exc: BaseException) -> str:
    cause = _innermost(exc)
    where = f"[mcp.servers.{name}]"
    if isinstance(cause, FileNotFoundError) and config.command:
        return f"MCP server {name} did not start: the program {config.command!r} was not found. Install it, or fix `command` in {where}."
    if isinstance(cause, PermissionError) and config.command:
        return f"MCP server {name} did not start: {config.command!r} is not executable. Fix `command` in {where}."
    if isinstance(cause, (TimeoutError, asyncio.TimeoutError)):
        return f"MCP server {name} did not list its tools within {config.timeout_s:g} s; raise `timeout_s` in {where} or check the server."
    if config.url and type(cause).__name__ in {"ConnectError", "ConnectTimeout"}:
        return f"MCP server {name} is not reachable at {config.url}. Start it, or fix `url` in {where}."
    text = str(cause) or type(cause).__name__
    if "Connection closed" in text and config.command:
        return f"MCP server {name} ({config.target}) exited before answering; run that command yourself to see its error."
    return f"MCP server {name} failed: {type(cause).__name__}: {text}. Check {where}."


async def _discover(name: str, config: McpServerConfig) -> tuple[list[Any], McpServerReport]:
    from autogen_ext.tools.mcp import mcp_server_tools

    report = McpServerReport(name, config.kind, config.target, loaded=False)
    try:
        tools = await asyncio.wait_for(mcp_server_tools(server_params(config)), timeout=config.timeout_s)
    except Exception as exc:  # a broken server is reported, never fatal
        report.error = explain_failure(name, config, exc)
        return [], report
    report.loaded = True
    report.tools = [tool.name for tool in tools]
    return list(tools), report


async def discover_mcp_tools(servers: dict[str, McpServerConfig]) -> tuple[list[tuple[str, Any]], list[McpServerReport]]:
    """(server name, tool) pairs, and one report per configured server."""
    enabled = {name: cfg for name, cfg in servers.items() if cfg.enabled}
    results = await asyncio.gather(*(_discover(name, cfg) for name, cfg in enabled.items()))
    tools = [(report.name, tool) for found, report in results for tool in found]
    reports = [report for _, report in results]
    reports += [McpServerReport(n, c.kind, c.target, loaded=False, error=DISABLED) for n, c in servers.items() if not c.enabled]
    return tools, reports


def load_mcp_tools(servers: dict[str, McpServerConfig]) -> tuple[list[tuple[str, Any]], list[McpServerReport]]:
    """Ask every configured server for its tools; callable with or without a running event loop."""
    if not servers:
        return [], []
    # A thread with its own loop: start-up code may already run inside one (Textual, pytest-asyncio).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mcp-discovery") as pool:
        return pool.submit(asyncio.run, discover_mcp_tools(servers)).result()
