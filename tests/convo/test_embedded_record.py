"""Record with the real embedded model, then replay the cassette it wrote."""

import pytest
import yaml

from tests.convo.helpers import run, write_convo

pytestmark = pytest.mark.embedded


def test_recording_the_embedded_model_then_replaying_gives_the_same_turn(tmp_path):
    path = write_convo(tmp_path, "hi", """
settings: {max_tokens: 12}
turns:
  - user: "@chat Say hello."
    expect: {route: chat, stage: explicit, status: ok, events: [agent_started, text_delta, usage, turn_done:ok]}
""")
    recorded = run(path, mode="record", backend="embedded")
    assert recorded.passed, recorded.failure_lines()
    assert recorded.backend.startswith("embedded · SmolLM2")
    cassette = yaml.safe_load((tmp_path / "hi.cassette.yaml").read_text())
    assert cassette["recorded_with"].startswith("embedded")
    [response] = cassette["responses"]
    assert response["role"] == "chat" and response["content"] == recorded.turns[0].answer != ""
    replayed = run(path)
    assert replayed.passed and replayed.turns[0].answer == recorded.turns[0].answer
