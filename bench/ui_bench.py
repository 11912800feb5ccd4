"""The chat UI's three figures (issue 9). Prints one JSON object.

    python bench/ui_bench.py [--turns 250] [--switches 20]

- cold start: `maitre chat` started in a pseudo-terminal until its screen is up and takes keys
  (the status line says "starting"), against a bare Textual app (a Footer and a TextArea)
  started the same way in the same run. Target: under 1.5 s. Also reported: until the
  runtime behind the screen is built and a sent turn would be answered ("ready").
- switching: two stored chats of 500 messages each (250 turns), both opened once, then
  switched back and forth in a headless app; the first opening of each is reported too.
  Target: under 200 ms.
- memory: RSS of a fresh app process after opening 20 stored chats of 100 messages each.
  Target: under 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_START_S = 1.5
TARGET_SWITCH_MS = 200.0
TARGET_RSS_MB = 300.0
ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Static, TextArea
class Bare(App):
    def compose(self):
        yield TextArea()
        yield Static("bare app ready")
        yield Footer()
Bare().run()
"""


def seconds_until_screen_shows(argv: list[str], marker: bytes, env: dict[str, str], timeout: float = 60.0) -> float:
    """Start argv in a 120×40 pseudo-terminal; seconds until `marker` is on its screen."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True)
    os.close(follower)
    seen = b""
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([leader], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(leader, 65536)
                except OSError:
                    break
                if marker in ANSI.sub(b"", seen):
                    return time.perf_counter() - start
            if child.poll() is not None:
                break
        raise RuntimeError(f"{argv[:3]} never showed {marker!r}: {ANSI.sub(b'', seen)[-400:]!r}")
    finally:
        child.kill()
        child.wait()
        os.close(leader)


def cold_start(data_dir: Path, runs: int) -> dict[str, float]:
    env = {**os.environ, "TERM": "xterm-256color", "MAITRE_CONFIG": "", "MAITRE_DATA_DIR": str(data_dir)}
    maitre = [sys.executable, "-m", "tui", "--backend", "embedded", "chat"]
    bare = [sys.executable, "-c", BARE_APP]
    ours = [seconds_until_screen_shows(maitre, b"starting", env) for _ in range(runs)]
    ready = [seconds_until_screen_shows(maitre, b"asked for", env) for _ in range(runs)]
    anchor = [seconds_until_screen_shows(bare, b"bare app ready", env) for _ in range(runs)]
    median = statistics.median(ours)
    return {
        "maitre_s": round(median, 3),
        "maitre_ready_s": round(statistics.median(ready), 3),
        "bare_textual_s": round(statistics.median(anchor), 3),
        "vs_bare_textual": round(median / statistics.median(anchor), 2),
        "target_s": TARGET_START_S,
        "vs_target": round(median / TARGET_START_S, 3),
    }


def stored_chat(store, title: str, turns: int) -> str:  # type: ignore[no-untyped-def]
    """A chat as the session stores it: route, agent, the answer in deltas, done."""
    from agents.events import AgentStarted, RouteCandidate, RouteDecided, TextDelta, TurnDone

    info = store.new_session(title)
    for i in range(turns):
        turn_id = f"{info.id}-{i}"
        store.start_turn(info.id, turn_id, f"{title}: how many gold members joined in {2000 + i % 25}?")
        answer = [f"There were **{i * 7}** gold members. ", "By city:\n\n", "- Oslo: 12\n", "- Lyon: 9\n\n",
                  "Run `SELECT city, count(*) FROM members GROUP BY city` for the rest."]
        store.append_events(turn_id, [
            RouteDecided(agent="sql", stage="classifier", confidence=0.83,
                         candidates=[RouteCandidate(agent="sql", score=0.83), RouteCandidate(agent="chat", score=0.1)]),
            AgentStarted(agent="sql", model="SmolLM2", backend="embedded"),
            *(TextDelta(text=piece) for piece in answer),
            TurnDone(turn_id=turn_id, elapsed_ms=900.0),
        ])
        store.finish_turn(turn_id, status="ok", agent="sql", answer="".join(answer), elapsed_ms=900.0)
    return info.id


def headless_runtime(data_dir: Path):  # type: ignore[no-untyped-def]
    from tools.models import ModelConfig, ModelHub
    from tools.models.hub import BackendChoice
    from tools.models.replay import ReplayTape
    from tui.runtime import build_runtime
    from tui.settings import load_settings

    settings = load_settings(env={"MAITRE_CONFIG": ""}, overrides={"data_dir": str(data_dir)})
    hub = ModelHub(ModelConfig(backend="replay"), BackendChoice("replay", "bench"), tape=ReplayTape([]))
    return build_runtime(settings, models=hub, load_plugins=False)


async def switching(data_dir: Path, turns: int, switches: int) -> dict[str, float | int]:
    from tui.app import MaitreApp

    runtime = headless_runtime(data_dir)
    first, second = stored_chat(runtime.store, "first", turns), stored_chat(runtime.store, "second", turns)
    app = MaitreApp(runtime, first)
    timings: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()

        async def switch_to(chat: str) -> float:
            start = time.perf_counter()
            await app.open_chat(chat)
            await pilot.pause()  # until the screen is laid out and drawn
            return (time.perf_counter() - start) * 1000

        first_open_ms = await switch_to(second)
        for i in range(switches):
            timings.append(await switch_to(first if i % 2 == 0 else second))
    runtime.close()
    timings.sort()
    p50 = statistics.median(timings)
    return {
        "messages_per_chat": turns * 2,
        "first_open_ms": round(first_open_ms, 1),
        "switch_p50_ms": round(p50, 1),
        "switch_p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
        "target_ms": TARGET_SWITCH_MS,
        "vs_target": round(p50 / TARGET_SWITCH_MS, 3),
    }


MEMORY_CHILD = """
import asyncio, sys
from pathlib import Path
sys.path.insert(0, {root!r})
sys.path.insert(0, {bench!r})
from ui_bench import headless_runtime, stored_chat
from tui.app import MaitreApp

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

async def main():
    runtime = headless_runtime(Path({data!r}))
    chats = [stored_chat(runtime.store, f"chat {{i}}", 50) for i in range({chats})]
    app = MaitreApp(runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        empty = rss_mb()
        for chat in chats:
            await app.open_chat(chat)
            await pilot.pause()
        print(empty, rss_mb(), len(app.query("ChatView")))

asyncio.run(main())
"""


def memory(data_dir: Path, chats: int = 20) -> dict[str, float | int]:
    code = MEMORY_CHILD.format(root=str(ROOT), bench=str(ROOT / "bench"), data=str(data_dir), chats=chats)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    empty, loaded, views = float(out[0]), float(out[1]), int(out[2])
    return {
        "chats_loaded": views,
        "messages_per_chat": 100,
        "rss_one_empty_chat_mb": round(empty, 1),
        "rss_chats_loaded_mb": round(loaded, 1),
        "target_mb": TARGET_RSS_MB,
        "vs_target": round(loaded / TARGET_RSS_MB, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=250, help="turns per chat in the switching test")
    parser.add_argument("--switches", type=int, default=20)
    parser.add_argument("--start-runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = cold_start(root / "start", args.start_runs)
        switch = asyncio.run(switching(root / "switch", args.turns, args.switches))
        rss = memory(root / "memory")
    result = {
        "bench": "ui",
        "cold_start": start,
        "switching": switch,
        "memory": rss,
        "targets_met": {
            "cold_start_under_1_5_s": start["maitre_s"] < TARGET_START_S,
            "switch_under_200_ms": switch["switch_p50_ms"] < TARGET_SWITCH_MS,
            "rss_20_chats_under_300_mb": rss["rss_chats_loaded_mb"] < TARGET_RSS_MB and rss["chats_loaded"] >= 20,
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
