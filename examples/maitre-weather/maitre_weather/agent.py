"""The weather agent: finds the city and the day in the turn, calls the forecast tool, and
answers in one sentence. Every step is an event, so the chat shows the tool call."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from importlib.resources import files

from agents.base import Agent, AgentContext, Turn
from agents.events import Event, Notice, TextDelta, ToolCall, ToolResult

from maitre_weather.forecast import forecast

DAYS = ("today", "tonight", "tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "weekend")
_CITY = re.compile(r"\b(?:in|for|to|at)\s+([A-Z][a-zA-Z-]+(?:\s[A-Z][a-zA-Z-]+)?)")


def _examples() -> tuple[str, ...]:
    text = files("maitre_weather").joinpath("examples.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def find_city_and_day(text: str) -> tuple[str | None, str]:
    match = _CITY.search(text)
    lowered = text.lower()
    day = next((d for d in DAYS if d in lowered), "today")
    return (match.group(1) if match else None), day


class WeatherAgent(Agent):
    name = "weather"
    description = "Weather forecasts for a city and a day (offline example plug-in)."
    examples = _examples()

    async def run(self, turn: Turn, context: AgentContext) -> AsyncIterator[Event]:
        city, day = find_city_and_day(turn.text)
        if city is None:
            yield Notice(level="warning", message="Which city? Try: “weather in Oslo tomorrow”.")
            return
        call_id = uuid.uuid4().hex[:8]
        yield ToolCall(call_id=call_id, tool="forecast", arguments={"city": city, "day": day})
        line = forecast(city, day)
        yield ToolResult(call_id=call_id, tool="forecast", content=line)
        yield TextDelta(text=f"Forecast for {line}.")
