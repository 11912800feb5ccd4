"""PlanTree in a tiny Textual app, driven by Pilot: grows live, stays collapsible, keeps input alive."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.widgets import Input

from agents.events import PlanNode
from tui.widgets.plan_tree import PlanTree


def search_events(count: int = 200, fanout: int = 3) -> list[PlanNode]:
    """A tot-like stream: each node proposed, then kept or pruned; the last one's path chosen."""
    events = [PlanNode(node_id="n0", text="Use 4 9 10 13 to make 24", state="kept")]
    parents = {"n0": None}
    depth = {"n0": 0}
    for i in range(1, count):
        parent = f"n{(i - 1) // fanout}"
        parents[f"n{i}"] = parent
        depth[f"n{i}"] = depth[parent] + 1
        events.append(PlanNode(node_id=f"n{i}", parent_id=parent, depth=depth[parent] + 1, text=f"step {i}", tokens=40, ms=120.0))
    for i in range(1, count):
        state = "kept" if i % 3 == 1 else "pruned"
        events.append(PlanNode(node_id=f"n{i}", parent_id=parents[f"n{i}"], depth=depth[f"n{i}"], text=f"step {i}", score=0.7 if state == "kept" else 0.2, state=state))
    leaf = f"n{count - 1}"
    path = []
    while leaf is not None:
        path.append(leaf)
        leaf = parents[leaf]
    for node_id in reversed(path):
        events.append(PlanNode(node_id=node_id, parent_id=parents[node_id], depth=depth[node_id], text=f"step {node_id[1:]}", score=0.9, state="chosen"))
    return events


class TreeApp(App):
    def compose(self) -> ComposeResult:
        yield Input(id="box")
        yield PlanTree(id="plan")


async def test_a_200_node_tree_grows_from_events_while_typing_goes_on() -> None:
    events = search_events(200)
    app = TreeApp()
    async with app.run_test(size=(100, 40)) as pilot:
        tree = app.query_one(PlanTree)
        app.query_one(Input).focus()

        async def stream() -> None:
            for i, event in enumerate(events):
                tree.add_event(event)
                if i % 20 == 0:
                    await asyncio.sleep(0)  # events arrive in bursts, as from a running search

        feeding = asyncio.create_task(stream())
        await pilot.press(*"still typing")
        await feeding
        await pilot.pause()
        assert app.query_one(Input).value == "still typing"
        assert len(tree) == 200
        assert tree.last_line == 199  # every node drawn, one line each
        chosen = tree.chosen_path()
        assert chosen[0] == "n0" and "n199" in chosen
        assert tree.label_of("n199").plain.startswith("★ step 199  0.90")
        assert tree.label_of("n2").plain.startswith("✗ step 2  0.20")
        assert "strike" in str(tree.label_of("n2").style)


async def test_branches_fold_away_leaving_the_chosen_path() -> None:
    app = TreeApp()
    async with app.run_test(size=(100, 40)) as pilot:
        tree = app.query_one(PlanTree)
        tree.add_events(search_events(40))
        tree.focus()
        await pilot.pause()
        full = tree.last_line
        await pilot.press("c")
        await pilot.pause()
        assert tree.last_line < full
        for node_id in tree.chosen_path():
            assert tree.node_for(node_id).line >= 0  # still on screen
        assert tree.node_for("n2").is_collapsed or tree.node_for("n2").line == -1
        await pilot.press("e")
        await pilot.pause()
        assert tree.last_line == full
        # a single node folds with the keyboard, like any Tree
        tree.move_cursor(tree.node_for("n1"))
        await pilot.press("space")
        await pilot.pause()
        assert tree.node_for("n1").is_collapsed


async def test_state_changes_update_the_same_line_and_early_children_wait_for_their_parent() -> None:
    app = TreeApp()
    async with app.run_test() as pilot:
        tree = app.query_one(PlanTree)
        tree.add_event(PlanNode(node_id="n0", text="question", state="kept"))
        tree.add_event(PlanNode(node_id="n2", parent_id="n1", depth=2, text="grandchild"))
        assert len(tree) == 1  # waits: n1 is unknown yet
        tree.add_event(PlanNode(node_id="n1", parent_id="n0", depth=1, text="child"))
        assert len(tree) == 3
        assert tree.node_for("n2").parent is tree.node_for("n1")
        tree.add_event(PlanNode(node_id="n1", parent_id="n0", depth=1, text="child", score=0.8, state="chosen"))
        await pilot.pause()
        assert len(tree) == 3 and len(tree.root.children) == 1
        assert tree.label_of("n1").plain.startswith("★ child  0.80")


async def test_a_real_planner_run_draws_its_tree_with_the_chosen_path() -> None:
    from test_agent import SOLVING_TAPE, run_agent

    events = [e for e in await run_agent("tot b=2 d=3 Use 4 9 10 13 to make 24", SOLVING_TAPE) if isinstance(e, PlanNode)]
    app = TreeApp()
    async with app.run_test() as pilot:
        tree = app.query_one(PlanTree)
        tree.add_events(events)
        await pilot.pause()
        assert len(tree) == 7
        assert tree.chosen_path() == ["n0", "n1", "n3", "n5"]
        assert tree.label_of("n5").plain.startswith("★ 4 * 6 = 24 (left: 24)  1.00")
        assert tree.label_of("n6").plain.startswith("… 26 - 10 = 16")


async def test_a_stored_tree_reloads_in_its_final_state() -> None:
    events = search_events(120)
    app = TreeApp()
    async with app.run_test() as pilot:
        live = app.query_one(PlanTree)
        live.add_events(events)
        reloaded = PlanTree(id="reloaded")
        await app.mount(reloaded)
        await reloaded.load(events, chunk=16)
        await pilot.pause()
        assert len(reloaded) == len(live) == 120
        assert reloaded.chosen_path() == live.chosen_path()
        assert all(reloaded.label_of(i).plain == live.label_of(i).plain for i in ("n0", "n2", "n119"))
