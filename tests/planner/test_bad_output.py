"""Bad model output and budgets: the search goes on or stops with a notice, never hangs or crashes."""

from __future__ import annotations

import json
import time

from conftest import proposals, score

from tools.reasoning.tree import Budget

Q24 = "Use 4 9 10 13 to make 24"


async def test_nonsense_scores_are_clamped_or_neutral_and_the_search_goes_on(search) -> None:
    responses = [
        proposals("Book a van", "Pack the kitchen", "Buy tape", "Call friends", "Sell the sofa"),
        score("banana"), score(1e9), json.dumps({"score": float("nan"), "reason": "?"}), score(-5),
        "I think this one is great!!!",
        "Answer: book the van today",
    ]
    trace = await search("How do I move flat in a weekend?", responses, mode="tot", breadth=2, depth=1, proposals=5)
    scores = {v.text: v.score for v in trace.final().values() if v.depth == 1}
    assert scores == {"Book a van": 0.5, "Pack the kitchen": 1.0, "Buy tape": 0.5, "Call friends": 0.0, "Sell the sofa": 0.5}
    assert all(0.0 <= s <= 1.0 for s in scores.values())
    text = trace.notice_text()
    assert "clamped" in text and "no usable score" in text
    assert trace.by_text("Pack the kitchen").state == "chosen"
    assert trace.result.answer == "book the van today"


async def test_proposals_that_are_not_json_are_read_line_by_line(search) -> None:
    responses = ["1. Book a van\n2. Pack the kitchen", score(8), score(4), "Answer: van first"]
    trace = await search("How do I move flat?", responses, mode="tot", breadth=1, depth=1)
    assert trace.by_text("Book a van").state == "chosen"
    assert "not the JSON asked for" in trace.notice_text()


async def test_an_empty_proposal_ends_the_search_with_a_direct_answer(search) -> None:
    trace = await search("How do I move flat?", [proposals(), "Answer: hire movers"], mode="tot", depth=3)
    assert trace.result.answer == "hire movers"
    assert "No new thoughts at depth 1" in trace.notice_text()


async def test_a_loop_of_identical_thoughts_is_cut(search) -> None:
    responses = [
        proposals("Pack boxes"), score(7),
        proposals("Pack boxes", "pack boxes."),  # the same thought as its parent: a loop
        "Answer: pack boxes, then move",
    ]
    trace = await search("How do I move flat?", responses, mode="tot", depth=4)
    assert trace.tape.position == len(responses)
    assert "repeated thoughts" in trace.notice_text()
    assert trace.result.answer == "pack boxes, then move"
    assert len([v for v in trace.final().values() if v.text == "Pack boxes"]) == 1


async def test_a_model_that_never_answers_in_time_ends_cleanly(search) -> None:
    slow = [proposals("a", "b"), score(5), score(5), "Answer: late"]
    started = time.perf_counter()
    trace = await search("How do I move flat?", slow, mode="tot", depth=2, delay_s=0.2, call_timeout_s=0.05)
    assert time.perf_counter() - started < 3
    assert "did not answer in time" in trace.notice_text()
    assert "No answer could be produced" in trace.notice_text()
    assert trace.result.answer == ""


async def test_the_node_budget_stops_the_search_with_the_best_answer_so_far(search) -> None:
    responses = [
        proposals("4 + 9 = 13 (left: 10 13 13)", "13 - 9 = 4 (left: 4 4 10)", "10 - 4 = 6 (left: 6 9 13)"),
        score(3), score(8), score(5),
        proposals("10 - 4 = 6 (left: 4 6)", "4 + 4 = 8 (left: 8 10)", "4 * 10 = 40 (left: 4 40)"),
        "Answer: (13 - 9) * (10 - 4) = 24",
    ]
    trace = await search(Q24, responses, mode="tot", breadth=3, depth=3, budget=Budget(max_nodes=4))
    result = trace.result
    assert "node budget (4 nodes)" in result.stopped_by
    assert result.nodes == 5  # four search nodes plus the answer node
    assert "stopped early" in trace.notice_text()
    assert result.answer == "(13 - 9) * (10 - 4) = 24" and result.accepted is True
    # the answer hangs under the best node at the deepest level reached
    assert trace.by_text("13 - 9 = 4 (left: 4 4 10)").state == "chosen"


async def test_the_token_budget_stops_the_search(search) -> None:
    responses = [proposals("a", "b", "c")] + [score(5)] * 3 + [proposals("d")] * 3 + [score(5)] * 3 + ["Answer: x"] * 5
    trace = await search("How do I move flat?", responses, mode="tot", depth=3, budget=Budget(max_tokens=300))
    assert "token budget" in trace.result.stopped_by
    assert trace.tape.position < len(responses)
    assert trace.result.answer


async def test_the_time_budget_stops_a_slow_search(search) -> None:
    responses = [proposals("a", "b", "c")] + [score(5)] * 9 + [proposals("d")] * 3 + ["Answer: x"] * 3
    started = time.perf_counter()
    trace = await search(
        "How do I move flat?", responses, mode="tot", depth=3, delay_s=0.02, budget=Budget(max_seconds=0.3)
    )
    assert time.perf_counter() - started < 6  # the budget plus the short grace for the final answer
    assert "time budget" in trace.result.stopped_by
    assert trace.result.answer


async def test_branches_stop_at_the_node_budget(search) -> None:
    chains = ["One.\nTwo.\nAnswer: 2"] + ["Three.\nAnswer: 3"] * 4
    trace = await search("Count", chains, mode="branches", branches=5, budget=Budget(max_nodes=3))
    assert "Stopped after 1 of 5 chains" in trace.notice_text()
    assert trace.result.answer == "2"
