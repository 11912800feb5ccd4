"""Walking-skeleton benchmark: the cost of a turn outside the model, the UI under a fast
stream, and the memory of `maitre ask` on the embedded model. Prints one JSON object.

    python bench/turn_overhead.py [--turns 300]

Targets (issue 2): turn overhead p50 < 5 ms with a replayed 200-token answer; every key typed
during a 500 tokens/s stream reaches the input; peak RSS of `maitre ask` (embedded) < 400 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.models import ModelConfig, ModelHub  # noqa: E402
from tools.models.hub import BackendChoice  # noqa: E402
from tools.models.replay import ReplayTape  # noqa: E402
from tui.runtime import build_runtime  # noqa: E402
from tui.settings import load_settings  # noqa: E402

ANSWER_200_TOKENS = " ".join(f"word{i}" for i in range(200))
TARGET_P50_MS = 5.0
TARGET_RSS_MB = 400.0


def make_runtime(data_dir: Path, responses: list[str], delay_s: float = 0.0):  # type: ignore[no-untyped-def]
    settings = load_settings(env={"MAITRE_CONFIG": ""}, overrides={"data_dir": str(data_dir)})
    hub = ModelHub(ModelConfig(backend="replay"), BackendChoice("replay", "bench"), tape=ReplayTape(responses))
    if delay_s:
        original = hub._build

        def slow(role: str):  # type: ignore[no-untyped-def]
            client = original(role)
            client._delay = delay_s  # type: ignore[attr-defined]
            return client

        hub._build = slow  # type: ignore[method-assign]
    return build_runtime(settings, models=hub, load_plugins=False)


async def turn_overhead(turns: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        runtime = make_runtime(Path(tmp), [ANSWER_200_TOKENS] * (turns + 5))
        session = runtime.session()
        for _ in range(5):  # warm-up: imports, first SQLite pages
            async for _event in session.send("@chat warm up"):
                pass
        times: list[float] = []
        for i in range(turns):
            start = time.perf_counter()
            count = 0
            async for _event in session.send(f"@chat question number {i}"):
                count += 1
            times.append((time.perf_counter() - start) * 1000)
        runtime.close()
    times.sort()
    return {
        "turns": turns,
        "events_per_turn": count,
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 3),
        "target_p50_ms": TARGET_P50_MS,
        "p50_vs_target": round(statistics.median(times) / TARGET_P50_MS, 3),
    }


async def _stream_in_app(tokens: int, typed: str) -> dict[str, float | int | bool]:
    from tui.app import MaitreApp
    from tui.widgets.messages import AnswerMessage
    from tui.widgets.prompt_input import PromptInput

    with tempfile.TemporaryDirectory() as tmp:
        runtime = make_runtime(Path(tmp), [" ".join(["tok"] * tokens)], delay_s=1 / 500)
        app = MaitreApp(runtime)
        async with app.run_test() as pilot:
            await pilot.press("at", "c", "h", "a", "t", "space", "g", "o", "enter")
            start = time.perf_counter()
            while not (app.query(AnswerMessage) and app.query_one(AnswerMessage).text):
                await pilot.pause(0.001)
            key_latencies: list[float] = []
            for ch in typed:
                pressed = time.perf_counter()
                await pilot.press("space" if ch == " " else ch)
                key_latencies.append((time.perf_counter() - pressed) * 1000)
            while app.turn_running:
                await pilot.pause(0.005)
            elapsed = time.perf_counter() - start
            received = app.query_one(PromptInput).text
            shown = app.query_one(AnswerMessage).text.count("tok")
        runtime.close()
    key_latencies.sort()
    return {
        "tokens_shown": shown,
        "stream_seconds": round(elapsed, 3),
        "tokens_per_s_shown": round(shown / elapsed, 1),
        "keys_typed": len(typed),
        "keys_received": len(received),
        "key_p95_ms": round(key_latencies[int(len(key_latencies) * 0.95) - 1], 1) if key_latencies else 0.0,
        "no_keys_dropped": received == typed,
    }


async def ui_under_fast_stream() -> dict[str, object]:
    """A 500-token answer produced at 500 tokens/s: once alone, once while the user types
    (each key goes through Pilot, which waits until the app has handled it)."""
    alone = await _stream_in_app(500, "")
    typing = await _stream_in_app(500, "the quick brown fox jumps over the lazy dog")
    return {"source_tokens_per_s": 500, "stream_only": alone, "while_typing": typing}


def ask_peak_rss_mb() -> dict[str, float | int]:
    """Run `maitre ask` on the embedded model in a child process and read its peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MAITRE_", "OLLAMA_"))}
        env["MAITRE_DATA_DIR"] = tmp
        env["MAITRE_CONFIG"] = ""
        proc = subprocess.Popen(
            [sys.executable, "-m", "tui", "--backend", "embedded", "ask", "Name three colours."],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
    peak_mb = usage.ru_maxrss / 1024  # Linux reports kilobytes
    return {
        "exit_status": os.waitstatus_to_exitcode(status),
        "peak_rss_mb": round(peak_mb, 1),
        "target_mb": TARGET_RSS_MB,
        "rss_vs_target": round(peak_mb / TARGET_RSS_MB, 3),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=300)
    args = parser.parse_args()
    overhead = await turn_overhead(args.turns)
    ui = await ui_under_fast_stream()
    rss = ask_peak_rss_mb()
    result = {
        "benchmark": "turn_overhead",
        "turn_overhead": overhead,
        "ui_fast_stream": ui,
        "ask_embedded": rss,
        "targets_met": {
            "overhead_p50_under_5ms": overhead["p50_ms"] < TARGET_P50_MS,
            "no_keys_dropped_at_500_tok_s": bool(ui["while_typing"]["no_keys_dropped"]),  # type: ignore[index]
            "ui_keeps_up_with_500_tok_s": ui["stream_only"]["tokens_per_s_shown"] >= 450,  # type: ignore[index]
            "ask_rss_under_400mb": rss["peak_rss_mb"] < TARGET_RSS_MB and rss["exit_status"] == 0,
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
