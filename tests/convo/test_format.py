"""The conversation format: short forms, and malformed files named by file, line and shape."""

from pathlib import Path

import pytest

from tui.convo.format import ConvoFormatError, find_conversations, load_conversation


def write(tmp_path: Path, text: str, name: str = "case.convo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> ConvoFormatError:
    with pytest.raises(ConvoFormatError) as info:
        load_conversation(write(tmp_path, text))
    return info.value


def test_short_forms_expand_to_the_full_expectations(tmp_path):
    convo = load_conversation(write(tmp_path, """
turns:
  - user: How many gold members?
    expect:
      route: sql
      tool_called: run_sql
      chart: bar
      latency_ms: 5000
      cites: "annual-report.pdf p.12"
      contains: gold
"""))
    expect = convo.turns[0].expect
    assert expect.route == ["sql"] and expect.tool_called == ["run_sql"]
    assert expect.chart.kind == "bar" and expect.latency_ms.max == 5000
    assert (expect.cites[0].file, expect.cites[0].page) == ("annual-report.pdf", 12)
    assert expect.contains == ["gold"]
    assert expect.names() == ["route", "contains", "tool_called", "chart", "cites", "latency_ms"]
    assert convo.name == "case"  # from the file name when `name:` is absent
    assert convo.cassette_path() == tmp_path / "case.cassette.yaml"


def test_an_unknown_key_names_its_line_suggests_the_right_key_and_shows_the_shape(tmp_path):
    error = error_for(tmp_path, """name: x
turns:
  - user: hi
    expect:
      route: chat
      contians: [hello]
""")
    assert error.line == 6
    text = str(error)
    assert text.startswith(f"{tmp_path / 'case.convo.yaml'}:6:")
    assert "turn 1, expect" in text and "`contians`" in text and "Did you mean `contains`?" in text
    assert "Expected:" in text and "not_contains" in text


def test_a_wrong_type_deep_inside_names_the_turn_and_the_table_shape(tmp_path):
    error = error_for(tmp_path, """name: x
turns:
  - user: one
  - user: two
    expect:
      table:
        min_rows: many
""")
    assert error.line == 7
    assert "turn 2, expect.table.min_rows" in error.message
    assert "table: {rows: 3, min_rows: 1" in error.message


def test_a_turn_without_user_text_is_reported_at_that_turn(tmp_path):
    error = error_for(tmp_path, "turns:\n  - user: ok\n  - expect: {route: chat}\n")
    assert error.line == 3 and "turn 2" in error.message and "`user` is required" in error.message


def test_broken_yaml_gives_the_line_of_the_problem(tmp_path):
    error = error_for(tmp_path, "name: x\nturns:\n  - user: [unclosed\n  - user: b\n")
    assert error.line >= 3 and "not valid YAML" in error.message


def test_a_file_that_is_not_a_mapping_shows_the_whole_shape(tmp_path):
    error = error_for(tmp_path, "- user: hi\n")
    assert error.line == 1 and "turns:" in error.message


def test_a_conversation_needs_turns(tmp_path):
    error = error_for(tmp_path, "name: nothing to say\nturns: []\n")
    assert error.line == 2 and "turns" in error.message


def test_bad_settings_name_the_allowed_keys(tmp_path):
    error = error_for(tmp_path, "settings: {backnd: replay}\nturns:\n  - user: hi\n")
    assert error.line == 1 and "Did you mean `backend`?" in error.message and "workspace" in error.message


def test_an_empty_user_line_is_an_empty_turn(tmp_path):
    convo = load_conversation(write(tmp_path, "turns:\n  - user:\n    expect: {status: ignored}\n"))
    assert convo.turns[0].user == "" and convo.turns[0].expect.status == "ignored"


def test_folders_are_searched_for_conversation_files_only(tmp_path):
    write(tmp_path, "turns: [{user: a}]", "b.convo.yaml")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "turns: [{user: a}]", "a.convo.yaml")
    write(tmp_path, "responses: []", "b.cassette.yaml")
    found = find_conversations([tmp_path, tmp_path / "b.convo.yaml"])
    assert [p.name for p in found] == ["b.convo.yaml", "a.convo.yaml"]
