"""The `judge` expectation: a local model scores the answer against a rubric.

The judge asks with structured output (a pydantic model), so even a small model returns a
score that parses. It uses the role "judge": set `models: {judge: NAME}` in a conversation's
settings to pick a stronger Ollama model for it. In replay its answer comes from the cassette
like every other model answer, so judged conversations stay deterministic in CI.
"""

from __future__ import annotations

from autogen_core.models import ChatCompletionClient, SystemMessage, UserMessage
from pydantic import BaseModel, Field, ValidationError

from prompts import render_prompt
from tools.models.replay import ReplayExhausted
from tui.convo.assertions import TurnRecord, shorten
from tui.convo.format import JudgeExpect

JUDGE_ROLE = "judge"


class JudgeVerdict(BaseModel):
    score: float = Field(description="0.0 to 1.0")
    reason: str = ""


async def judge_answer(client: ChatCompletionClient, expect: JudgeExpect, record: TurnRecord) -> tuple[JudgeVerdict | None, str | None]:
    """The verdict, and a failure message when the score is under the threshold (or unreadable)."""
    prompt = render_prompt("convo_judge", rubric=expect.rubric, user=record.user, answer=record.answer or "(no answer)")
    try:
        result = await client.create(
            [SystemMessage(content="You are a strict, fair grader."), UserMessage(content=prompt, source="user")],
            json_output=JudgeVerdict,
        )
    except ReplayExhausted:
        raise  # the cassette does not match: the runner reports the divergence
    except Exception as exc:  # the judge's model failing is a failed expectation, not a crash
        return None, f"the judge model failed ({type(exc).__name__}: {shorten(str(exc), 200)})"
    try:
        verdict = JudgeVerdict.model_validate_json(str(result.content))
    except ValidationError:
        return None, f"the judge's answer was not a score: {shorten(str(result.content), 120)!r}"
    # Some models answer on a 0-10 or 0-100 scale despite the prompt; bring those back to 0-1.
    score = verdict.score
    if 1.0 < score <= 10.0:
        score /= 10.0
    elif 10.0 < score <= 100.0:
        score /= 100.0
    verdict.score = max(0.0, min(1.0, score))
    if verdict.score >= expect.threshold:
        return verdict, None
    return verdict, f"scored {verdict.score:.2f} < {expect.threshold:.2f} on {expect.rubric!r}: {verdict.reason}"
