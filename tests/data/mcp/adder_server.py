"""A tiny real MCP server over stdio, for tests: one tool, add(a, b)."""

from mcp.server.fastmcp import FastMCP

server = FastMCP("adder")


@server.tool()
def add(a: int, b: int) -> int:
    """Add two whole numbers."""
    return a + b


if __name__ == "__main__":
    server.run()  # stdio
