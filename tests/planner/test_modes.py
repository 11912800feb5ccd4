"""The four modes on replayed model responses: tree shape, pruning, merging, checker acceptance."""

from __future__ import annotations

from conftest import proposals, score

Q24 = "Use 4 9 10 13 to make 24"


async def test_one_step_is_a_single_answer_node(search) -> None:
    trace = await search("What is the capital of Peru?", ["Lima is the capital.\nAnswer: Lima"], mode="one_step")
    assert trace.result.answer == "Lima"
    assert trace.result.model_calls == 1
    assert trace.states() == {"n0": "chosen", "n1": "chosen"}
    assert trace.final()["n1"].parent_id == "n0"


async def test_cot_shows_each_step_as_a_node_of_one_chain(search) -> None:
    chain = "Peru is in South America.\nIts seat of government is Lima.\nAnswer: Lima"
    trace = await search("What is the capital of Peru?", [chain], mode="cot")
    nodes = trace.final()
    assert [nodes[i].depth for i in ("n1", "n2", "n3")] == [1, 2, 3]
    assert nodes["n3"].text == "Answer: Lima" and nodes["n3"].parent_id == "n2"
    assert set(trace.states().values()) == {"chosen"}
    assert trace.result.answer == "Lima"


async def test_cot_answer_rejected_by_the_checker_says_so(search) -> None:
    trace = await search(Q24, ["4 + 9 + 10 = 23\nAnswer: 4 + 9 + 10 + 13 = 24"], mode="cot")
    assert trace.result.accepted is False
    assert "checker rejected" in trace.notice_text()
    assert "makes 36" in trace.notice_text()


async def test_branches_majority_vote_merges_equal_chains(search) -> None:
    chains = [
        "Six pancakes need one egg.\nAnswer: 2 eggs",
        "One egg per four pancakes.\nAnswer: 3 eggs",
        "Double the recipe for six.\nAnswer: 2 eggs",
        "Guess.\nAnswer: 5 eggs",
        "Six pancakes need one egg.\nAnswer: 2 eggs",  # the same chain again: a vote, not a branch
    ]
    trace = await search("How many eggs for 12 pancakes?", chains, mode="branches", branches=5)
    assert trace.result.answer == "2 eggs"
    leaves = [v for v in trace.final().values() if v.text.startswith("Answer:")]
    assert len(leaves) == 4  # five chains, two equal
    assert {v.score for v in leaves} == {0.6, 0.2}  # each answer's share of the five votes
    winner = trace.by_text("Answer: 2 eggs")
    assert winner.state == "chosen" and winner.score == 0.6 and winner.parent_id == "n1"
    assert trace.by_text("Answer: 3 eggs").state == "pruned"
    assert trace.by_text("One egg per four pancakes.").state == "pruned"
    assert trace.by_text("Answer: 2 eggs").id != trace.by_text("Answer: 3 eggs").id
    # the winning chain's reasoning is on the chosen path
    assert trace.by_text("Six pancakes need one egg.").state == "chosen"


async def test_branches_checker_beats_the_majority(search) -> None:
    wrong = "Add them all.\nAnswer: 4 + 9 + 10 + 13 = 24"
    right = "13 - 9 = 4 and 10 - 4 = 6.\nAnswer: (13 - 9) * (10 - 4) = 24"
    trace = await search(Q24, [wrong, "Try again.\nAnswer: 4 + 9 + 10 + 13 = 24", right], mode="branches", branches=3)
    assert trace.result.accepted is True
    assert trace.result.answer == "(13 - 9) * (10 - 4) = 24"
    assert trace.by_text("Answer: 4 + 9 + 10 + 13 = 24").state == "pruned"


async def test_branches_tie_is_settled_by_a_model_vote(search) -> None:
    chains = ["A.\nAnswer: blue", "B.\nAnswer: green", '{"choice": 2, "reason": "green fits"}']
    trace = await search("Pick a colour for the kitchen", chains, mode="branches", branches=2)
    assert trace.result.answer == "green"
    assert trace.result.model_calls == 3


async def test_bfs_keeps_the_b_best_prunes_the_rest_and_stops_when_the_checker_accepts(search) -> None:
    responses = [
        # depth 1: four proposals, one a duplicate (merged), one impossible (pruned by the checker)
        proposals("13 - 9 = 4 (left: 4 4 10)", "4 + 9 = 13 (left: 10 13 13)", "13 - 9 = 4 (left: 4 4 10)", "7 * 2 = 14"),
        score(9), score(2),
        # depth 2: one proposal per kept parent, then their scores
        proposals("10 - 4 = 6 (left: 4 6)", "4 + 4 = 8 (left: 8 10)"),
        proposals("13 + 13 = 26 (left: 10 26)"),
        score(10), score(3), score(1),
        # depth 3: the first proposal solves it; the checker accepts without asking the model
        proposals("4 * 6 = 24 (left: 24)"),
        proposals("8 + 10 = 18 (left: 18)"),
    ]
    trace = await search(Q24, responses, mode="tot", breadth=2, depth=3, proposals=4)
    assert trace.tape.position == len(responses)
    result = trace.result
    assert result.accepted is True and result.answer == "(13 - 9) * (10 - 4) = 24"
    states = trace.states()
    depth1 = [v for v in trace.final().values() if v.depth == 1]
    assert len(depth1) == 3  # the duplicate was merged
    assert trace.by_text("7 * 2 = 14").state == "pruned" and trace.by_text("7 * 2 = 14").score == 0.0
    assert trace.by_text("13 + 13 = 26 (left: 10 26)").state == "pruned"  # third of three, b=2
    assert trace.by_text("4 + 4 = 8 (left: 8 10)").state == "kept"
    chosen = [i for i, s in states.items() if s == "chosen"]
    assert chosen == list(result.chosen) == ["n0", "n1", "n4", "n7"]
    # every node was first announced as proposed
    first_seen = {}
    for view in trace.updates:
        first_seen.setdefault(view.id, view.state)
    assert set(first_seen.values()) <= {"proposed", "kept"} and first_seen["n0"] == "kept"


async def test_bfs_with_beam_one_expands_only_the_best(search) -> None:
    responses = [
        proposals("Pack the kitchen first", "Book a van", "Buy tape"),
        score(5), score(9), score(2),
        proposals("Answer: Book a van, then pack room by room"),
        score(8),
    ]
    trace = await search("How do I move flat in a weekend?", responses, mode="tot", breadth=1, depth=2)
    assert trace.by_text("Book a van").state == "chosen"
    assert trace.by_text("Pack the kitchen first").state == "pruned"
    assert trace.by_text("Buy tape").state == "pruned"
    assert trace.result.answer == "Book a van, then pack room by room"
    assert trace.result.model_calls == 6  # the answer was a thought: no extra call


async def test_dfs_prunes_low_scores_and_backtracks(search) -> None:
    responses = [
        proposals("4 + 9 = 13 (left: 10 13 13)", "13 - 9 = 4 (left: 4 4 10)", "10 + 13 = 23 (left: 4 9 23)"),
        score(8), score(6), score(1),
        # the best child first: both of its children score low, so the search backtracks
        proposals("13 + 13 = 26 (left: 10 26)", "13 - 10 = 3 (left: 3 13)"),
        score(1), score(2),
        proposals("10 - 4 = 6 (left: 4 6)"),
        score(9),
        proposals("4 * 6 = 24 (left: 24)"),
    ]
    trace = await search(Q24, responses, mode="tot", search="dfs", breadth=2, depth=3, prune_below=0.3)
    assert trace.tape.position == len(responses)
    assert trace.result.accepted is True and trace.result.mode == "tot/dfs"
    assert trace.by_text("10 + 13 = 23 (left: 4 9 23)").state == "pruned"
    assert trace.by_text("4 + 9 = 13 (left: 10 13 13)").state == "kept"  # explored, then abandoned
    assert trace.by_text("13 + 13 = 26 (left: 10 26)").state == "pruned"
    assert trace.by_text("13 - 9 = 4 (left: 4 4 10)").state == "chosen"
    assert trace.result.answer == "(13 - 9) * (10 - 4) = 24"


async def test_equal_states_are_merged_in_a_level_and_scored_once(search) -> None:
    responses = [
        proposals("1 * 1 = 1 (left: 1 4 6)", "1 / 1 = 1 (left: 1 4 6)", "4 * 6 = 24 (left: 1 1 24)"),
        score(6), score(7),  # two evaluations for three thoughts: the second is the first's state
        "Answer: 1 * 1 * 4 * 6 = 24",
    ]
    trace = await search("make 24 with 1 1 4 6", responses, mode="tot", breadth=3, depth=1)
    assert trace.tape.position == len(responses)
    merged = trace.by_text("1 / 1 = 1 (left: 1 4 6)")
    assert merged.state == "pruned" and merged.score == 0.6
    assert trace.result.accepted is True


async def test_the_evaluation_cache_serves_a_state_met_again_after_backtracking(search) -> None:
    responses = [
        proposals("1 * 1 = 1 (left: 1 4 6)", "1 + 4 = 5 (left: 1 5 6)"),
        score(7), score(6),
        proposals("4 + 1 = 5 (left: 5 6)"),
        score(3),
        proposals("1 * 6 = 6 (left: 5 6)"),  # the state 5 6 again: no evaluation call
        "Answer: 4 * 6 * 1 * 1 = 24",
    ]
    trace = await search("make 24 with 1 1 4 6", responses, mode="tot", search="dfs", breadth=2, depth=2)
    assert trace.tape.position == len(responses)
    assert trace.by_text("1 * 6 = 6 (left: 5 6)").score == 0.3
    assert trace.result.accepted is True



async def test_a_thought_proposed_twice_wins_a_tie(search) -> None:
    responses = [proposals("Book a van", "Buy tape", "buy tape."), score(5), score(5), "Answer: buy tape first"]
    trace = await search("How do I move flat?", responses, mode="tot", breadth=1, depth=1)
    assert len([v for v in trace.final().values() if v.depth == 1]) == 2
    assert trace.by_text("Buy tape").state == "chosen"
    assert trace.by_text("Book a van").state == "pruned"
