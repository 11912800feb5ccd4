"""MCP servers from settings become tools: a real stdio server started as a subprocess."""

import sys
from pathlib import Path

from autogen_core import CancellationToken

from tools.mcp_servers import McpServerConfig
from tools.toolbox import ToolBox

ADDER = Path(__file__).parent.parent / "data" / "mcp" / "adder_server.py"


def adder(**extra) -> McpServerConfig:  # type: ignore[no-untyped-def]
    return McpServerConfig(command=sys.executable, args=[str(ADDER)], **extra)


async def test_a_stdio_servers_tool_is_listed_and_answers():
    toolbox = ToolBox()
    toolbox.load_mcp_servers({"adder": adder()})
    [report] = toolbox.mcp_servers
    assert report.loaded and report.tools == ["add"] and report.kind == "stdio"
    tool = toolbox.get("add")
    assert toolbox.sources["add"] == "mcp server adder"
    assert "Add two whole numbers" in tool.description
    assert set(tool.schema["parameters"]["properties"]) == {"a", "b"}
    result = await tool.run_json({"a": 2, "b": 40}, CancellationToken())
    [content] = result
    assert content.type == "text" and content.text == "42"
    assert '"text": "42"' in tool.return_value_as_string(result)  # what a model is shown


def test_a_server_whose_command_does_not_exist_is_reported_and_skipped():
    toolbox = ToolBox()
    toolbox.load_mcp_servers({
        "ghost": McpServerConfig(command="maitre-no-such-mcp-server", timeout_s=5),
        "adder": adder(),
    })
    reports = {r.name: r for r in toolbox.mcp_servers}
    assert not reports["ghost"].loaded
    assert reports["ghost"].error.startswith("MCP server ghost did not start: the program 'maitre-no-such-mcp-server' was not found")
    assert reports["adder"].loaded and [t.name for t in toolbox] == ["add"]


def test_a_server_that_exits_at_once_is_a_sentence():
    toolbox = ToolBox()
    toolbox.load_mcp_servers({"broken": McpServerConfig(command=sys.executable, args=["-c", "raise SystemExit(3)"], timeout_s=5)})
    [report] = toolbox.mcp_servers
    assert not report.loaded and report.error.startswith("MCP server broken")
    assert "Traceback" not in report.error and len(toolbox) == 0


def test_two_servers_with_the_same_tool_keep_the_first():
    toolbox = ToolBox()
    toolbox.load_mcp_servers({"one": adder(), "two": adder()})
    assert len(toolbox) == 1
    [failure] = toolbox.failures
    assert failure.name == "add" and "already loaded" in failure.error


def write_settings(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "maitre.toml"
    path.write_text(
        f"data_dir = {str(tmp_path / 'data')!r}\n"
        "[mcp.servers.adder]\n"
        f"command = {sys.executable!r}\n"
        f"args = [{str(ADDER)!r}]\n"
        "[mcp.servers.ghost]\n"
        'command = "maitre-no-such-mcp-server"\n'
        "timeout_s = 5\n" + extra
    )
    return path


def test_settings_servers_reach_every_session_as_tools(tmp_path):
    from tui.runtime import build_runtime
    from tui.settings import load_settings

    settings = load_settings(write_settings(tmp_path), env={})
    assert settings.mcp_servers["adder"].args == [str(ADDER)]
    runtime = build_runtime(settings, load_plugins=False)
    try:
        assert [t.name for t in runtime.session().options.tools] == ["add"]
        assert any(n.startswith("MCP server ghost did not start") and n.endswith("It was skipped.") for n in runtime.notes)
    finally:
        runtime.close()


def test_a_server_section_without_command_or_url_is_a_settings_error(tmp_path):
    import pytest

    from tui.settings import SettingsError, load_settings

    path = tmp_path / "bad.toml"
    path.write_text("[mcp.servers.empty]\nargs = ['x']\n")
    with pytest.raises(SettingsError, match="mcp_servers.empty.*either `command`"):
        load_settings(path, env={})


def test_maitre_plugins_lists_mcp_servers_and_which_loaded(tmp_path):
    import json

    from click.testing import CliRunner

    from tui.cli import cli

    config = write_settings(tmp_path)
    result = CliRunner().invoke(cli, ["--config", str(config), "plugins"], env={"MAITRE_CONFIG": ""})
    assert result.exit_code == 0, result.output
    text = result.output
    section = text[text.index("mcp servers"):]
    assert "adder        loaded: add  [stdio:" in section
    assert "ghost        not loaded  [stdio: maitre-no-such-mcp-server]" in section
    assert "mcp: ghost from maitre-no-such-mcp-server: MCP server ghost did not start" in section
    report = json.loads(CliRunner().invoke(cli, ["--config", str(config), "plugins", "--json"]).output)
    assert {m["name"]: m["loaded"] for m in report["mcp_servers"]} == {"adder": True, "ghost": False}


def test_a_url_server_that_does_not_answer_is_reported(closed_port):
    toolbox = ToolBox()
    url = f"http://127.0.0.1:{closed_port}/mcp"
    toolbox.load_mcp_servers({"remote": McpServerConfig(url=url, timeout_s=5)})
    [report] = toolbox.mcp_servers
    assert report.kind == "http" and not report.loaded
    assert report.error == f"MCP server remote is not reachable at {url}. Start it, or fix `url` in [mcp.servers.remote]."
