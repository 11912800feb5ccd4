"""Knobs typed at the start of a turn, and the `auto` mode choice."""

from __future__ import annotations

from tools.reasoning.request import choose_mode, parse_plan_request


def test_mode_and_knobs_are_read_from_the_start_of_the_turn() -> None:
    request = parse_plan_request("tot b=3 d=4 dfs nodes=40 How do I move flat in one weekend?")
    assert request.mode == "tot"
    assert request.knobs == {"breadth": 3, "depth": 4, "search": "dfs", "max_nodes": 40}
    assert request.question == "How do I move flat in one weekend?"


def test_a_leftover_plan_command_is_removed() -> None:
    assert parse_plan_request("/plan cot why is the sky blue").question == "why is the sky blue"
    assert parse_plan_request("@planner branches n=7 pick a name").knobs == {"branches": 7}


def test_knobs_stop_at_the_first_word_of_the_question() -> None:
    request = parse_plan_request("cot what does b=3 mean in tot?")
    assert request.mode == "cot"
    assert request.question == "what does b=3 mean in tot?"


def test_a_bad_knob_is_reported_and_skipped() -> None:
    request = parse_plan_request("tot b=three plan my week")
    assert request.knobs == {}
    assert "b=three" in request.problems[0]
    assert request.question == "plan my week"


def test_no_mode_leaves_the_choice_to_settings() -> None:
    request = parse_plan_request("how many eggs for 12 pancakes?")
    assert request.mode is None and request.question == "how many eggs for 12 pancakes?"


def test_auto_picks_the_cheapest_mode_that_fits_and_says_why() -> None:
    assert choose_mode("what is the capital of Peru?")[0] == "one_step"
    assert choose_mode("how many minutes are in 3.5 hours?")[0] == "cot"
    mode, reason = choose_mode("which is better for a small shop: a loyalty card or discounts? compare options")
    assert mode == "branches" and "vote" in reason
    mode, reason = choose_mode("use 4 9 10 13 to make 24")
    assert mode == "tot" and "checker" in reason
