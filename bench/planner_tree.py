"""Does a 200-node plan tree render without blocking input?

A headless Textual app holds an Input and a PlanTree. A search's event stream for 200 nodes
(each proposed, then kept or pruned, then the chosen path: ~600 PlanNode events) arrives in
bursts while keys are typed. Measured: the event loop's worst stall (a 5 ms ticker's overshoot),
the latency of key presses against the same app idle (Pilot's own waiting and the machine's load
are in both), and the stall of reloading the whole tree from the store at once.
Anchor: the event loop, which handles input, never stalls 100 ms (the limit of feeling instant).

Run: python bench/planner_tree.py    → one JSON object
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Input  # noqa: E402

from agents.events import PlanNode  # noqa: E402
from tui.widgets.plan_tree import PlanTree  # noqa: E402

ANCHOR_MS = 100.0
NODES = 200
BURST = 20  # events a search hands over between two awaits, at most


def search_events(count: int, fanout: int = 3) -> list[PlanNode]:
    events = [PlanNode(node_id="n0", text="Use 4 9 10 13 to make 24", state="kept")]
    parent_of: dict[str, str | None] = {"n0": None}
    depth = {"n0": 0}
    for i in range(1, count):
        parent = f"n{(i - 1) // fanout}"
        parent_of[f"n{i}"], depth[f"n{i}"] = parent, depth[parent] + 1
        events.append(PlanNode(node_id=f"n{i}", parent_id=parent, depth=depth[parent] + 1,
                               text=f"{i} + {i} = {2 * i} (left: {i} {2 * i})", tokens=60, ms=900.0))
    for i in range(1, count):
        state = "kept" if i % 3 == 1 else "pruned"
        events.append(PlanNode(node_id=f"n{i}", parent_id=parent_of[f"n{i}"], depth=depth[f"n{i}"],
                               text=f"{i} + {i} = {2 * i} (left: {i} {2 * i})", score=0.7 if state == "kept" else 0.2,
                               state=state, tokens=90, ms=1400.0))
    node: str | None = f"n{count - 1}"
    while node is not None:
        events.append(PlanNode(node_id=node, parent_id=parent_of[node], depth=depth[node], text="chosen", score=0.9, state="chosen"))
        node = parent_of[node]
    return events


class BenchApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.changed_at: list[float] = []

    def compose(self) -> ComposeResult:
        yield Input(id="box")
        yield PlanTree(id="plan")

    def on_input_changed(self, _event: Input.Changed) -> None:
        self.changed_at.append(time.perf_counter())


class Ticker:
    """Sleeps 5 ms at a time and records how late it wakes: the event loop's stalls."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._stop = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while not self._stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            self.lags.append((time.perf_counter() - before - 0.005) * 1000)

    def __enter__(self) -> Ticker:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()

    @property
    def worst(self) -> float:
        return max(self.lags, default=0.0)


async def press_ms(app: BenchApp, pilot, key: str, background: list | None = None) -> float:  # type: ignore[no-untyped-def]
    """From the key's arrival to the Input having taken it (not Pilot's wait for idle after)."""
    seen = len(app.changed_at)
    started = time.perf_counter()
    pressing = asyncio.create_task(pilot.press(key))
    while len(app.changed_at) == seen and not pressing.done():
        await asyncio.sleep(0.001)
    latency = ((app.changed_at[seen] if len(app.changed_at) > seen else time.perf_counter()) - started) * 1000
    if background is None:
        await pressing
    else:
        background.append(pressing)  # Pilot waits for the app to go idle, i.e. for the stream to end
    return latency


async def measure() -> dict:
    events = search_events(NODES)
    app = BenchApp()
    async with app.run_test(size=(120, 50)) as pilot:
        tree = app.query_one(PlanTree)
        app.query_one(Input).focus()
        await pilot.pause()

        # Baseline: the same app, idle, empty tree. Pilot's own wait and this machine's load are in it.
        with Ticker() as idle:
            baseline_press = [await press_ms(app, pilot, "a") for _ in range(8)]

        # Live: a search's stream (bursts of events, a short pause between) while keys are typed.
        async def stream() -> None:
            for i in range(0, len(events), BURST):
                tree.add_events(events[i : i + BURST])
                await asyncio.sleep(0.01)

        with Ticker() as live:
            started = time.perf_counter()
            feeding = asyncio.create_task(stream())
            live_press: list[float] = []
            pending: list[asyncio.Task] = []
            while not feeding.done():
                live_press.append(await press_ms(app, pilot, "x", pending))
                await asyncio.sleep(0.01)
            await asyncio.gather(*pending)
            await pilot.pause()
            live_ms = (time.perf_counter() - started) * 1000
        assert len(tree) == NODES and tree.last_line == NODES - 1
        typed = app.query_one(Input).value.count("x")

        # Reload: a stored chat hands the whole stream over at once.
        reload_tree = PlanTree(id="reloaded")
        await app.mount(reload_tree)
        with Ticker() as reload:
            await asyncio.sleep(0.02)
            t = time.perf_counter()
            await reload_tree.load(events)
            add_ms = (time.perf_counter() - t) * 1000
            await pilot.pause()
            after_reload_press = [await press_ms(app, pilot, "y") for _ in range(4)]
    stall = max(live.worst, reload.worst)
    return {
        "bench": "planner_tree",
        "nodes": NODES,
        "events": len(events),
        "anchor_ms": ANCHOR_MS,
        "live_stream_ms": round(live_ms, 1),
        "keys_typed_during_stream": typed,
        "loop_stall_ms_max_idle": round(idle.worst, 2),
        "loop_stall_ms_max_live": round(live.worst, 2),
        "loop_stall_ms_max_reload": round(reload.worst, 2),
        "reload_load_ms": round(add_ms, 2),
        "key_press_ms_p50_idle": round(statistics.median(baseline_press), 2),
        "key_press_ms_p50_live": round(statistics.median(live_press), 2),
        "key_press_ms_max_live": round(max(live_press), 2),
        "key_press_ms_p50_after_reload": round(statistics.median(after_reload_press), 2),
        "key_press_ratio_live_to_idle": round(statistics.median(live_press) / statistics.median(baseline_press), 3),
        "ratio_worst_stall_to_anchor": round(stall / ANCHOR_MS, 4),
        "meets_anchor": stall < ANCHOR_MS,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(measure())))
