"""Plug-in tools: functions from the `maitre.tools` entry point group, and MCP servers from settings.

A tool is a function with type hints and a docstring; it becomes an autogen-core FunctionTool
(its JSON schema comes from the hints, its description from the docstring), so any agent that
accepts tools can offer it to a model. A tool that fails to load is recorded, never fatal.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from autogen_core.tools import FunctionTool, Tool

from tools.mcp_servers import McpServerConfig, McpServerReport

TOOLS_GROUP = "maitre.tools"


@dataclass(frozen=True)
class ToolFailure:
    name: str
    source: str
    error: str


def function_tool(func: Callable[..., Any], name: str | None = None) -> FunctionTool:
    doc = inspect.getdoc(func)
    if not doc:
        raise TypeError(f"{func.__qualname__} has no docstring: a model needs one to know when to use it")
    hints = inspect.signature(func)
    missing = [p for p, v in hints.parameters.items() if v.annotation is inspect.Parameter.empty]
    if missing:
        raise TypeError(f"{func.__qualname__} needs type hints on: {', '.join(missing)}")
    return FunctionTool(func, description=doc.split("\n\n")[0], name=name or func.__name__)


class ToolBox:
    def __init__(self) -> None:
        self._tools: dict[str, Tool] = {}
        self.sources: dict[str, str] = {}
        self.failures: list[ToolFailure] = []
        self.mcp_servers: list[McpServerReport] = []

    def add(self, tool: Tool, source: str = "built-in") -> None:
        if tool.name in self._tools:
            raise ValueError(f"a tool named {tool.name!r} is already loaded (from {self.sources[tool.name]})")
        self._tools[tool.name] = tool
        self.sources[tool.name] = source

    def get(self, name: str) -> Tool:
        return self._tools[name]

    def __iter__(self) -> Iterator[Tool]:
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)

    def load_entry_points(self, group: str = TOOLS_GROUP) -> None:
        for ep in entry_points(group=group):
            source = f"{ep.value} ({ep.dist.name if ep.dist else 'unknown package'})"
            try:
                loaded = ep.load()
                tool = loaded if isinstance(loaded, FunctionTool) else function_tool(loaded, name=ep.name)
                self.add(tool, source)
            except Exception as exc:  # a plug-in's bug is reported, not fatal
                self.failures.append(ToolFailure(ep.name, source, f"{type(exc).__name__}: {exc}"))

    def load_mcp_servers(self, servers: dict[str, McpServerConfig]) -> None:
        """Add the tools of the MCP servers in settings; a server that fails is reported and skipped."""
        from tools.mcp_servers import load_mcp_tools

        tools, reports = load_mcp_tools(servers)
        by_server = {report.name: report for report in reports}
        for server, tool in tools:
            report = by_server[server]
            source = f"mcp server {report.name}"
            try:
                self.add(tool, source)
            except ValueError as exc:  # two servers (or a plug-in) offer the same tool name
                report.tools.remove(tool.name)
                self.failures.append(ToolFailure(tool.name, source, str(exc)))
        self.mcp_servers.extend(reports)
