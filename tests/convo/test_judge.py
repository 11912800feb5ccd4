"""The judge expectation: a model's structured score against a rubric, replayed from the cassette."""

import pytest

from tests.convo.helpers import run, write_cassette, write_convo

JUDGED = """
turns:
  - user: "Say something kind."
    expect:
      route: chat
      judge: {rubric: "The answer is friendly.", threshold: 0.7}
"""


def cassette(verdict: str) -> dict:
    return {"turns": [{"user": "Say something kind."}], "responses": [
        {"role": "chat", "turn": 1, "content": "You are doing great today."},
        {"role": "judge", "turn": 1, "structured": True, "content": verdict},
    ]}


@pytest.mark.parametrize(("verdict", "passed", "score"), [
    ('{"score": 0.9, "reason": "warm and kind"}', True, 0.9),
    ('{"score": 8, "reason": "on a ten-point scale"}', True, 0.8),
    ('{"score": 0.3, "reason": "curt"}', False, 0.3),
])
def test_the_judges_score_is_compared_with_the_threshold(tmp_path, verdict, passed, score):
    path = write_convo(tmp_path, "kind", JUDGED)
    write_cassette(tmp_path, "kind", cassette(verdict))
    result = run(path)
    assert result.passed is passed
    assert result.turns[0].judge_score == pytest.approx(score)
    if not passed:
        assert result.failure_lines() == [
            "turn 1 ('Say something kind.') · judge: scored 0.30 < 0.70 on 'The answer is friendly.': curt"
        ]


def test_an_unreadable_verdict_is_a_failure_not_a_crash(tmp_path):
    path = write_convo(tmp_path, "kind", JUDGED)
    write_cassette(tmp_path, "kind", cassette("I liked it"))
    [line] = run(path).failure_lines()
    assert "judge: the judge's answer was not a score: 'I liked it'" in line


def test_the_judge_asks_with_its_own_role_so_a_cassette_for_another_role_diverges(tmp_path):
    path = write_convo(tmp_path, "kind", JUDGED)
    data = cassette('{"score": 1, "reason": "ok"}')
    data["responses"][1]["role"] = "chat"
    write_cassette(tmp_path, "kind", data)
    [line] = run(path).failure_lines()
    assert "cassette: the conversation diverged from its cassette at this turn" in line
    assert "recorded for role 'chat' but role 'judge' asked" in line
