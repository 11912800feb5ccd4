"""Citations and number checks, on passages taken from the filings."""

from __future__ import annotations

from tools.pdf.verify import attribute, check_numbers, citations

SEGMENTS = "AWS\nNet sales $ 25,037 $ 29,267\nOperating income $ 9,421 $ 11,547\nY/Y net sales growth 17 % 17"
UBER = "Net loss attributable to Uber Technologies, Inc. $ (6,768) $ (496)\nRevenue $ 11,139 $ 17,455 57 %"


def test_citations_are_read_in_order_including_grouped_ones() -> None:
    assert citations("A [2]. B [1, 3]. C [2]") == [2, 1, 3]


def test_numbers_match_by_value_across_units_and_signs() -> None:
    answer = "Revenue was $17.5 billion, up 57% [2]. The net loss was $496 million [2]. AWS earned $11,547 million [1]."
    check = check_numbers(answer, [SEGMENTS, UBER])
    assert check.unsupported == [] and check.miscited == []
    assert check.total == 4


def test_a_wrong_or_miscited_number_is_reported() -> None:
    check = check_numbers("AWS earned $12,000 million [1]. Revenue was $17,455 million [1].", [SEGMENTS, UBER])
    assert check.unsupported == ["12,000 million"]
    assert check.miscited == [("17,455 million", 2)]


def test_rounding_in_the_answer_is_allowed_only_to_its_own_precision() -> None:
    assert check_numbers("Net sales were $29.3 billion [1].", [SEGMENTS]).unsupported == []
    assert check_numbers("Net sales were $29.2 billion [1].", [SEGMENTS]).unsupported == ["29.2 billion"]


def test_attribution_finds_the_passage_behind_each_sentence() -> None:
    assert attribute("Uber's revenue was $17,455 million. AWS operating income was $11,547 million.", [SEGMENTS, UBER]) == [2, 1]
    assert attribute("Nothing here matches anything.", [SEGMENTS, UBER]) == []
