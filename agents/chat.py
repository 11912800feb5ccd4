"""The chat agent: everything no specialist takes, answered with the conversation so far."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from autogen_core.models import AssistantMessage, CreateResult, LLMMessage, SystemMessage, UserMessage

from agents.base import Agent, AgentContext, Exchange, Turn
from agents.events import Event, TextDelta, Usage
from prompts import load_examples, load_prompt

# How many earlier exchanges the chat model sees. Small local models lose the thread in long
# histories, and every exchange costs context.
HISTORY_EXCHANGES = 6


def history_messages(history: tuple[Exchange, ...], limit: int = HISTORY_EXCHANGES) -> list[LLMMessage]:
    messages: list[LLMMessage] = []
    for exchange in history[-limit:]:
        messages.append(UserMessage(content=exchange.user, source="user"))
        if exchange.answer:
            messages.append(AssistantMessage(content=exchange.answer, source=exchange.agent or "assistant"))
    return messages


class ChatAgent(Agent):
    name = "chat"
    description = "General conversation: anything the specialists do not cover."
    examples = load_examples("chat")

    async def run(self, turn: Turn, context: AgentContext) -> AsyncIterator[Event]:
        prompts_dir = context.settings.get("prompts_dir")
        system_name = str(context.extras.get("system_prompt", "chat_system"))
        system = load_prompt(system_name, Path(prompts_dir) if prompts_dir else None)
        if "{specialists}" in system:
            system = system.format(specialists=context.extras.get("specialists", "the specialists"))
        messages: list[LLMMessage] = [SystemMessage(content=system)]
        messages += history_messages(turn.history)
        messages.append(UserMessage(content=turn.text, source="user"))
        client = context.models.client(self.name)
        async for chunk in client.create_stream(messages):
            if isinstance(chunk, CreateResult):
                yield Usage(
                    prompt_tokens=chunk.usage.prompt_tokens,
                    completion_tokens=chunk.usage.completion_tokens,
                    model=context.models.model_name(self.name),
                )
            elif chunk:
                yield TextDelta(text=chunk)
