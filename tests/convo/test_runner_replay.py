"""Replay mode: cassettes drive real Sessions; divergence is caught at the turn it happens."""

import copy

from tests.convo.helpers import TWO_TURNS, TWO_TURNS_CASSETTE, run, write_cassette, write_convo


def test_a_conversation_replays_its_cassette_and_passes(tmp_path):
    path = write_convo(tmp_path, "two", TWO_TURNS)
    write_cassette(tmp_path, "two", TWO_TURNS_CASSETTE)
    result = run(path)
    assert result.passed, result.failure_lines()
    assert [t.route for t in result.turns] == ["chat", "chat"]
    assert [t.stage for t in result.turns] == ["fallback", "explicit"] or result.turns[1].stage == "explicit"
    assert result.turns[1].answer == "I answer questions."
    assert result.turns[0].events[0]["type"] == "turn_started"
    # text deltas are merged in the report, so a long answer is one row, not hundreds
    assert sum(e["type"] == "text_delta" for e in result.turns[0].events) == 1


def test_the_second_turn_sees_the_first_in_its_history(tmp_path):
    # The recorded second answer depends on history; a wrong assertion on it fails, naming turn 2.
    path = write_convo(tmp_path, "two", TWO_TURNS.replace("contains: [questions]", "contains: [poems]"))
    write_cassette(tmp_path, "two", TWO_TURNS_CASSETTE)
    result = run(path)
    assert not result.passed
    assert result.failure_lines() == [
        "turn 2 ('@chat And what can you do?') · contains: the answer lacks 'poems'; it was 'I answer questions.'"
    ]


def test_a_changed_user_text_is_a_divergence_at_that_turn_with_the_record_hint(tmp_path):
    path = write_convo(tmp_path, "two", TWO_TURNS.replace("And what can you do?", "Tell me a joke"))
    write_cassette(tmp_path, "two", TWO_TURNS_CASSETTE)
    result = run(path)
    [line] = result.failure_lines()
    assert line.startswith("turn 2 ('@chat Tell me a joke') · cassette: the conversation diverged from its cassette")
    assert "recorded for '@chat And what can you do?'" in line
    assert f"maitre test --mode record {path}" in line
    assert result.turns[0].passed


def test_a_turn_asking_for_more_answers_than_recorded_names_that_turn(tmp_path):
    cassette = copy.deepcopy(TWO_TURNS_CASSETTE)
    cassette["responses"].pop()  # turn 2's answer is gone
    path = write_convo(tmp_path, "two", TWO_TURNS)
    write_cassette(tmp_path, "two", cassette)
    result = run(path)
    [line] = result.failure_lines()
    assert line.startswith("turn 2 (") and "diverged" in line and "--mode record" in line


def test_a_turn_using_fewer_answers_than_recorded_is_a_divergence(tmp_path):
    cassette = copy.deepcopy(TWO_TURNS_CASSETTE)
    cassette["responses"].insert(1, {"role": "router", "turn": 1, "content": '{"agent": "chat"}'})
    path = write_convo(tmp_path, "two", TWO_TURNS)
    write_cassette(tmp_path, "two", cassette)
    result = run(path)
    assert result.turns[0].failures[0].expectation == "cassette"
    assert "used 1 of the 2 model answers recorded for it" in result.failure_lines()[0]
    assert result.turns[1].skipped == "turn 1 diverged from the cassette"


def test_a_missing_cassette_says_how_to_record_it(tmp_path):
    path = write_convo(tmp_path, "two", TWO_TURNS)
    result = run(path)
    assert not result.passed and result.turns == []
    assert result.problem == f"there is no cassette at {tmp_path / 'two.cassette.yaml'}; record it with `maitre test --mode record {path}`"


def test_a_hand_written_cassette_without_turn_labels_plays_as_one_tape(tmp_path):
    path = write_convo(tmp_path, "two", TWO_TURNS)
    write_cassette(tmp_path, "two", {"version": 1, "responses": ["I am a local assistant.", "I answer questions."]})
    assert run(path).passed


def test_a_malformed_file_fails_with_file_and_line(tmp_path):
    path = write_convo(tmp_path, "bad", "turns:\n  - user: hi\n    expect: {rout: chat}\n")
    result = run(path)
    assert not result.passed and result.problem.startswith("line 3: turn 1, expect: unknown key `rout`")


def test_empty_and_long_input(tmp_path):
    path = write_convo(tmp_path, "edge", """
turns:
  - user: "   "
    expect: {status: ignored, events: []}
  - user: "@chat """ + "word " * 20000 + """"
    expect: {notice: ["only the first"], status: ok, equals: "Too long."}
""")
    write_cassette(tmp_path, "edge", {"responses": [{"role": "chat", "turn": 2, "content": "Too long."}],
                                      "turns": [{"user": "   "}, {"user": "@chat " + "word " * 20000}]})
    result = run(path)
    assert result.passed, result.failure_lines()


def test_ollama_down_runs_without_a_cassette_in_every_mode(tmp_path, closed_port):
    path = write_convo(tmp_path, "down", f"""
uses_cassette: false
settings: {{backend: ollama, host: "http://127.0.0.1:{closed_port}"}}
turns:
  - user: hello
    expect:
      error: model_unreachable
      status: error
      events: [route_decided:chat, agent_started, error:model_unreachable, turn_done:error]
""")
    for mode in ("replay", "live"):
        result = run(path, mode=mode)
        assert result.passed, result.failure_lines()
        assert "ollama" in result.backend


def test_settings_map_onto_the_settings_overrides(tmp_path):
    from tui.convo.format import load_conversation
    from tui.convo.runner import settings_overrides

    path = write_convo(tmp_path, "s", """
settings:
  backend: ollama
  host: http://gpu:11434
  models: {chat: qwen2.5:7b, judge: llama3.1:8b}
  database: "duckdb:///{here}/club.duckdb"
  gguf: model.gguf
  max_tokens: 64
  router_threshold: 0.4
  agents: {pdf: {folder: "{here}/docs"}}
turns: [{user: hi}]
""")
    convo = load_conversation(path)
    assert settings_overrides(convo.settings, convo) == {
        "backend": "ollama", "ollama.host": "http://gpu:11434",
        "ollama.models": {"chat": "qwen2.5:7b", "judge": "llama3.1:8b"},
        "embedded.gguf_path": str(tmp_path / "model.gguf"),
        "agents.sql.db_url": f"duckdb:///{tmp_path}/club.duckdb",
        "max_tokens": 64, "router.threshold": 0.4, "agents.pdf.folder": f"{tmp_path}/docs",
    }


def test_the_workspace_is_copied_and_the_original_left_untouched(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "notes.txt").write_text("keep me")
    path = write_convo(tmp_path, "w", "settings: {workspace: ws}\nturns: [{user: hi, expect: {contains: ok}}]\n")
    write_cassette(tmp_path, "w", {"responses": ["ok"]})
    assert run(path).passed
    assert sorted(p.name for p in workspace.iterdir()) == ["notes.txt"]
    missing = write_convo(tmp_path, "m", "settings: {workspace: nowhere}\nturns: [{user: hi}]\n")
    assert "the workspace folder" in run(missing).problem


def test_a_long_turn_is_recorded_as_a_hash_and_an_edit_to_it_is_caught():
    from tui.convo.cassette import RecordedTurn

    long = "numbers " * 1000
    recorded = RecordedTurn.of(long)
    assert len(recorded.user) < 200 and recorded.user_sha256
    assert recorded.matches(long) and not recorded.matches(long + "!")
    assert RecordedTurn.of("short").model_dump(exclude_none=True) == {"user": "short"}


def test_here_in_a_turn_is_the_conversation_folder_and_reports_keep_the_text_as_written(tmp_path):
    # `/ingest {here}/report.pdf` must find files beside the conversation whatever the cwd.
    path = write_convo(tmp_path, "h", (
        "settings: {agents: {pdf: {embedder: none}}}\n"
        "turns:\n"
        f"  - user: '@pdf ingest {{here}}/missing.pdf'\n"
        f"    expect: {{route: pdf, notice: ['{tmp_path}/missing.pdf does not exist']}}\n"
    ))
    write_cassette(tmp_path, "h", {"responses": []})
    result = run(path)
    assert result.passed, result.failure_lines()
    assert result.turns[0].user == "@pdf ingest {here}/missing.pdf"
