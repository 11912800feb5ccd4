"""The model side of the search: prompts in, text and token counts out, never a hang.

`Thinker` renders one prompt template per kind of call (propose, evaluate, answer, chain, vote),
sends it to an autogen-core `ChatCompletionClient` and bounds every call by a timeout. Templates
are handed in as strings (`PromptSet`): loading them is the caller's business, so this module
stays below the prompts package.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage, SystemMessage, UserMessage
from pydantic import BaseModel

from tools.reasoning.outputs import (
    BranchVote,
    ReadEvaluation,
    ReadProposals,
    ThoughtEvaluation,
    ThoughtProposals,
    read_evaluation,
    read_proposals,
    read_vote,
)
from tools.reasoning.tasks import ReasoningTask


@dataclass(frozen=True)
class PromptSet:
    """`str.format` templates. Fields: {question} {state} {k} {attempt} {attempts} {candidates}."""

    system: str
    propose: str
    evaluate: str
    answer: str
    one_step: str
    chain: str
    vote: str


@dataclass(frozen=True)
class ModelReply:
    text: str
    tokens: int
    ms: float
    timed_out: bool = False


class Thinker:
    def __init__(self, client: ChatCompletionClient, prompts: PromptSet | dict[str, PromptSet]) -> None:
        self.client = client
        # One PromptSet for every task, or one per task kind ("generic", "game24", …).
        self._prompts = prompts
        self.calls = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0

    def prompts_for(self, task: ReasoningTask) -> PromptSet:
        if isinstance(self._prompts, PromptSet):
            return self._prompts
        return self._prompts.get(task.kind) or self._prompts["generic"]

    async def complete(
        self, system: str, prompt: str, *, json_output: type[BaseModel] | None, timeout_s: float
    ) -> ModelReply:
        """One model call. A timeout returns what arrived so far, marked `timed_out`."""
        messages: list[LLMMessage] = []
        if system.strip():
            messages.append(SystemMessage(content=system.strip()))
        messages.append(UserMessage(content=prompt, source="user"))
        self.calls += 1
        started = time.perf_counter()
        parts: list[str] = []
        result: CreateResult | None = None
        timed_out = False
        try:
            async with asyncio.timeout(max(timeout_s, 0.001)):
                async for item in self.client.create_stream(messages, json_output=json_output):
                    if isinstance(item, CreateResult):
                        result = item
                    else:
                        parts.append(item)
        except TimeoutError:
            timed_out = True
        ms = (time.perf_counter() - started) * 1000
        if result is not None:
            text = result.content if isinstance(result.content, str) else "".join(parts)
            self.prompt_tokens += result.usage.prompt_tokens
            self.completion_tokens += result.usage.completion_tokens
            tokens = result.usage.prompt_tokens + result.usage.completion_tokens
        else:
            text = "".join(parts)
            tokens = len(parts)  # a stream cut by the timeout: about one token per chunk
            self.completion_tokens += tokens
        return ModelReply(text, tokens, ms, timed_out)

    async def propose(
        self, task: ReasoningTask, steps: Sequence[str], k: int, timeout_s: float
    ) -> tuple[ReadProposals, ModelReply]:
        p = self.prompts_for(task)
        prompt = p.propose.format(question=task.question, state=task.state_text(steps), k=k, depth=len(steps) + 1)
        reply = await self.complete(p.system, prompt, json_output=ThoughtProposals, timeout_s=timeout_s)
        return read_proposals(reply.text), reply

    async def evaluate(
        self, task: ReasoningTask, steps: Sequence[str], timeout_s: float
    ) -> tuple[ReadEvaluation, ModelReply]:
        p = self.prompts_for(task)
        prompt = p.evaluate.format(question=task.question, state=task.state_text(steps), depth=len(steps))
        reply = await self.complete(p.system, prompt, json_output=ThoughtEvaluation, timeout_s=timeout_s)
        return read_evaluation(reply.text), reply

    async def answer(self, task: ReasoningTask, steps: Sequence[str], timeout_s: float) -> ModelReply:
        p = self.prompts_for(task)
        prompt = p.answer.format(question=task.question, state=task.state_text(steps))
        return await self.complete(p.system, prompt, json_output=None, timeout_s=timeout_s)

    async def one_step(self, task: ReasoningTask, timeout_s: float) -> ModelReply:
        p = self.prompts_for(task)
        prompt = p.one_step.format(question=task.question)
        return await self.complete(p.system, prompt, json_output=None, timeout_s=timeout_s)

    async def chain(self, task: ReasoningTask, attempt: int, attempts: int, timeout_s: float) -> ModelReply:
        p = self.prompts_for(task)
        prompt = p.chain.format(question=task.question, attempt=attempt, attempts=attempts)
        return await self.complete(p.system, prompt, json_output=None, timeout_s=timeout_s)

    async def vote(
        self, task: ReasoningTask, candidates: Sequence[str], timeout_s: float
    ) -> tuple[int | None, str, ModelReply]:
        p = self.prompts_for(task)
        listed = "\n".join(f"{i}. {c}" for i, c in enumerate(candidates, 1))
        prompt = p.vote.format(question=task.question, candidates=listed)
        reply = await self.complete(p.system, prompt, json_output=BranchVote, timeout_s=timeout_s)
        choice, reason = read_vote(reply.text, len(candidates))
        return choice, reason, reply
