"""Replay cost of a scripted conversation, outside the model. Prints one JSON object.

    python bench/convo_replay.py [--runs 30]

Target (issue 8): replaying a 10-turn conversation takes under 200 ms. The conversation is
tests/conversations/ten_turns.convo.yaml with its cassette (recorded with the embedded model),
run the way `maitre test` runs it: parse the file, fresh temporary data folder and store, a real
Session, every expectation checked, events kept for the reports. The anchor in the same run is
the same ten turns sent straight through a bare Session on the same tape (no file, no checks),
so `runner_vs_bare_session` is what the test machinery adds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.models import ModelConfig, ModelHub  # noqa: E402
from tools.models.hub import BackendChoice  # noqa: E402
from tools.models.replay import ReplayTape  # noqa: E402
from tui.convo.cassette import load_cassette_file  # noqa: E402
from tui.convo.format import load_conversation  # noqa: E402
from tui.convo.runner import RunOptions, run_conversation  # noqa: E402
from tui.runtime import build_runtime  # noqa: E402
from tui.settings import load_settings  # noqa: E402

CONVERSATION = ROOT / "tests" / "conversations" / "ten_turns.convo.yaml"
TARGET_MS = 200.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))]


async def replay_with_runner(runs: int) -> tuple[list[float], list[float], int]:
    options = RunOptions(mode="replay", isolated=True)
    totals, setups = [], []
    turns = 0
    for i in range(runs + 3):  # three warm-up runs: imports, first SQLite pages
        started = time.perf_counter()
        result = await run_conversation(CONVERSATION, options)
        elapsed = (time.perf_counter() - started) * 1000
        if not result.passed:
            raise SystemExit(f"the benchmark conversation failed: {result.failure_lines()}")
        if i >= 3:
            totals.append(elapsed)
            setups.append(result.setup_ms)
        turns = len(result.turns)
    return totals, setups, turns


async def bare_session(runs: int) -> list[float]:
    convo = load_conversation(CONVERSATION)
    cassette = load_cassette_file(convo.cassette_path())
    totals = []
    for i in range(runs + 3):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            settings = load_settings(env={"MAITRE_CONFIG": ""}, overrides={"data_dir": tmp})
            hub = ModelHub(ModelConfig(backend="replay"), BackendChoice("replay", "bench"),
                           tape=ReplayTape(cassette.all_responses()))
            runtime = build_runtime(settings, models=hub, load_plugins=False)
            session = runtime.session()
            for turn in convo.turns:
                async for _event in session.send(turn.user):
                    pass
            runtime.close()
            if i >= 3:
                totals.append((time.perf_counter() - started) * 1000)
    return totals


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    runner, setups, turns = await replay_with_runner(args.runs)
    bare = await bare_session(args.runs)
    p50 = statistics.median(runner)
    bare_p50 = statistics.median(bare)
    print(json.dumps({
        "benchmark": "convo_replay",
        "conversation": str(CONVERSATION.relative_to(ROOT)),
        "turns": turns,
        "runs": args.runs,
        "replay_p50_ms": round(p50, 2),
        "replay_p95_ms": round(percentile(runner, 0.95), 2),
        "setup_p50_ms": round(statistics.median(setups), 2),
        "per_turn_p50_ms": round((p50 - statistics.median(setups)) / max(1, turns), 2),
        "bare_session_p50_ms": round(bare_p50, 2),
        "runner_vs_bare_session": round(p50 / bare_p50, 3),
        "target_ms": TARGET_MS,
        "p50_vs_target": round(p50 / TARGET_MS, 3),
        "target_met": percentile(runner, 0.95) < TARGET_MS,
    }))


if __name__ == "__main__":
    asyncio.run(main())
