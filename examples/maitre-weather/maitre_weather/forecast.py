"""The forecast tool. Offline on purpose: the numbers come from a hash of city and day, so
the example runs anywhere and its tests are deterministic. A real plug-in would call an API."""

from __future__ import annotations

import hashlib

CONDITIONS = ("sunny", "partly cloudy", "cloudy", "light rain", "heavy rain", "snow showers", "windy")


def forecast(city: str, day: str = "today") -> str:
    """Give the weather forecast for a city on a day (today, tomorrow, or a weekday).

    Returns one line: condition, high and low in °C, chance of rain.
    """
    seed = int(hashlib.sha256(f"{city.strip().lower()}|{day.strip().lower()}".encode()).hexdigest(), 16)
    condition = CONDITIONS[seed % len(CONDITIONS)]
    high = 5 + seed % 25
    low = high - 3 - (seed >> 8) % 8
    rain = (seed >> 16) % 101 if "rain" in condition or "snow" in condition else (seed >> 16) % 30
    return f"{city.strip().title()}, {day}: {condition}, high {high}°C, low {low}°C, {rain}% chance of rain"
