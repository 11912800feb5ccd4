"""Record mode: a live model answers through the recording wrapper, the cassette is written
next to the conversation, and replaying it reproduces the run."""

import asyncio

import yaml
from autogen_core.models import UserMessage
from pydantic import BaseModel

from tools.models.config import ModelConfig
from tools.models.hub import BackendChoice
from tools.models.recording import CassetteRecorder, RecordingModelHub
from tools.models.replay import ReplayTape, load_cassette
from tests.convo.helpers import TWO_TURNS, run, write_convo


def stand_in_model(answers: list[str]):
    """A hub factory whose 'live' model is a tape of answers, wrapped like a real one."""

    def factory(config: ModelConfig, recorder: CassetteRecorder | None):
        choice = BackendChoice("replay", "stand-in for a live model")
        return RecordingModelHub(config, recorder or CassetteRecorder(), choice, tape=ReplayTape(answers))

    return factory


def test_the_wrapper_records_role_content_and_structured_calls():
    class Pick(BaseModel):
        agent: str

    recorder = CassetteRecorder()
    hub = RecordingModelHub(ModelConfig(backend="replay"), recorder, BackendChoice("replay", "t"),
                            tape=ReplayTape(["streamed answer here", '{"agent": "sql"}']))

    async def go():
        recorder.turn = 3
        chunks = [c async for c in hub.client("chat").create_stream([UserMessage(content="q", source="user")])]
        result = await hub.client("router").create([UserMessage(content="q", source="user")], json_output=Pick)
        return chunks, result

    chunks, result = asyncio.run(go())
    assert "".join(c for c in chunks if isinstance(c, str)) == "streamed answer here"  # passed through unchanged
    assert result.content == '{"agent": "sql"}'
    assert [(c.role, c.turn, c.content, c.structured) for c in recorder.calls] == [
        ("chat", 3, "streamed answer here", False), ("router", 3, '{"agent": "sql"}', True),
    ]


def test_record_writes_a_cassette_that_replays_to_the_same_answers(tmp_path):
    path = write_convo(tmp_path, "two", TWO_TURNS)
    recorded = run(path, mode="record", hub_factory=stand_in_model(["I am a local assistant.", "I answer questions."]))
    assert recorded.passed, recorded.failure_lines()
    cassette = tmp_path / "two.cassette.yaml"
    assert recorded.cassette_written == str(cassette)
    data = yaml.safe_load(cassette.read_text())
    assert data["version"] == 1 and data["conversation"] == "two turns"
    assert [t["user"] for t in data["turns"]] == ["Hello, who are you?", "@chat And what can you do?"]
    assert [(r["role"], r["turn"], r["content"]) for r in data["responses"]] == [
        ("chat", 1, "I am a local assistant."), ("chat", 2, "I answer questions."),
    ]
    # The replay backend's own loader reads it as it is.
    assert [r.content for r in load_cassette(cassette)] == ["I am a local assistant.", "I answer questions."]
    replayed = run(path)
    assert replayed.passed, replayed.failure_lines()
    assert [t.answer for t in replayed.turns] == [t.answer for t in recorded.turns]


def test_record_replaces_an_outdated_cassette(tmp_path):
    path = write_convo(tmp_path, "two", TWO_TURNS)
    (tmp_path / "two.cassette.yaml").write_text("version: 1\nresponses: [old]\n")
    run(path, mode="record", hub_factory=stand_in_model(["I am a local assistant.", "I answer questions."]))
    assert "old" not in (tmp_path / "two.cassette.yaml").read_text()


def test_a_failing_recording_is_still_written_so_replay_shows_the_same_failure(tmp_path):
    path = write_convo(tmp_path, "two", TWO_TURNS)
    recorded = run(path, mode="record", hub_factory=stand_in_model(["Bonjour.", "I answer questions."]))
    assert not recorded.passed and recorded.cassette_written
    assert run(path).failure_lines() == recorded.failure_lines()


def test_multi_line_answers_are_written_as_readable_blocks(tmp_path):
    path = write_convo(tmp_path, "lines", "turns: [{user: hi}]\n")
    run(path, mode="record", hub_factory=stand_in_model(["line one\nline two\n"]))
    text = (tmp_path / "lines.cassette.yaml").read_text()
    assert "content: |\n    line one\n    line two\n" in text
    assert run(path).turns[0].answer == "line one\nline two\n"


def test_live_mode_writes_nothing(tmp_path):
    path = write_convo(tmp_path, "two", TWO_TURNS)
    result = run(path, mode="live", hub_factory=stand_in_model(["I am a local assistant.", "I answer questions."]))
    assert result.passed and result.cassette_written is None
    assert not (tmp_path / "two.cassette.yaml").exists()


def test_a_recording_whose_backend_did_not_answer_keeps_the_old_cassette(tmp_path):
    path = write_convo(tmp_path, "two", TWO_TURNS.replace("name: two turns", "name: two\nsettings: {host: 'http://127.0.0.1:9'}"))
    old = "version: 1\nresponses: [I am a local assistant., I answer questions.]\n"
    (tmp_path / "two.cassette.yaml").write_text(old)
    result = run(path, mode="record", backend="ollama")
    assert not result.passed and result.cassette_written is None
    assert result.problem.startswith("the live model failed while recording (Ollama at http://127.0.0.1:9 is not answering.")
    assert result.problem.endswith("two.cassette.yaml was not written")
    assert (tmp_path / "two.cassette.yaml").read_text() == old


def test_check_prompts_catches_a_changed_prompt_that_the_recorded_answers_would_hide(tmp_path):
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "chat_system.txt").write_text("You are terse.")
    path = write_convo(tmp_path, "p", TWO_TURNS.replace(
        "name: two turns", "name: p\nsettings: {agents: {chat: {prompts_dir: '{here}/prompts'}}}"))
    run(path, mode="record", hub_factory=stand_in_model(["I am a local assistant.", "I answer questions."]))
    data = yaml.safe_load((tmp_path / "p.cassette.yaml").read_text())
    assert all(len(r["prompt_sha256"]) == 16 for r in data["responses"])
    assert run(path, check_prompts=True).passed  # same prompts, run in another temporary folder
    (prompts / "chat_system.txt").write_text("You are a pirate.")
    assert run(path).passed  # the recorded answers still fit…
    changed = run(path, check_prompts=True)  # …but the prompt is not what was recorded
    [line] = changed.failure_lines()
    assert line.startswith("turn 1 ('Hello, who are you?') · cassette: the conversation diverged")
    assert "the prompt of model call 1 (role chat) differs from the recorded one" in line
