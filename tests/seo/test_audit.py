"""The audit's numbers against hand-checked texts (tests/data/seo/audit, see SOURCES.md)."""

from pathlib import Path

import pytest

from tools.seo.audit import AuditInput, AuditRules, audit
from tools.seo.pixels import title_pixel_width
from tools.seo.readability import flesch_reading_ease

DATA = Path(__file__).parents[1] / "data" / "seo" / "audit"
GOOD_TITLE = "Cold Brew Coffee at Home: A Simple Guide for Beginners"  # 54 characters
GOOD_DESCRIPTION = (
    "Learn how to make cold brew coffee at home with coarse beans, cold water and a jar. "
    "Simple steps, ratios and tips for a smooth cup."
)


def good_report(**overrides):
    fields = dict(title=GOOD_TITLE, description=GOOD_DESCRIPTION, markdown=(DATA / "good.md").read_text(),
                  keyword="cold brew coffee", target_words=150)
    fields.update(overrides)
    return audit(AuditInput(**fields))


def test_hand_checked_good_text_passes_every_structural_check():
    report = good_report()
    assert report.word_count == 151
    assert report.get("title_length").value == 54
    assert report.get("description_length").value == len(GOOD_DESCRIPTION) == 131
    assert report.get("h1_count").value == 1
    assert report.get("heading_levels").value == 0
    assert report.get("keyword_h2").value == 1
    assert report.get("keyword_density").value == round(100 * 3 / 151, 2) == 1.99
    assert report.get("length").value == 151
    failing = [c.id for c in report.failing("warn")]
    assert failing == [] or failing == ["flesch"], failing
    assert report.get("title_pixels").value < 580


def test_hand_checked_bad_text_fails_where_it_should():
    report = audit(AuditInput(
        title="Cold Brew Coffee: The Ultimate, Complete, Definitive Guide to Making It Well",
        description="Short.", markdown=(DATA / "bad.md").read_text(), keyword="cold brew coffee", target_words=600,
    ))
    status = {c.id: c.status for c in report.checks}
    assert report.word_count == 33
    assert report.get("h1_count").value == 2 and status["h1_count"] == "fail"
    assert status["heading_levels"] == "fail" and "H1→H4" in report.get("heading_levels").message
    assert report.get("keyword_density").value == round(100 * 6 / 33, 2) == 18.18
    assert status["keyword_density"] == "fail" and "less often" in report.get("keyword_density").message
    assert status["keyword_h2"] == "fail"
    assert status["title_length"] == "fail" and report.get("title_length").value == 76
    assert status["title_pixels"] == "fail"
    assert status["description_length"] == "fail" and report.get("description_length").value == 6
    assert status["length"] == "fail" and "add about 567 words" in report.get("length").message


def test_keyword_words_present_but_not_as_a_phrase_is_a_warning():
    report = good_report(title="Brew Your Coffee Cold at Home: A Simple Guide for Beginners")
    check = report.get("keyword_title")
    assert (check.status, check.value) == ("warn", "partly")
    report = good_report(title="Iced Tea at Home: A Simple Guide for Complete Beginners")
    assert report.get("keyword_title").status == "fail"


def test_keyword_must_be_in_first_100_words_after_the_h1():
    filler = " ".join(["Water"] * 100)
    md = f"# Cold brew coffee\n\n{filler}.\n\n## Cold brew coffee steps\n\nCold brew coffee is good."
    report = good_report(markdown=md)
    assert report.get("keyword_h1").status == "pass"
    assert report.get("keyword_intro").status == "fail"


def test_headings_skip_and_missing_h1():
    report = good_report(markdown="## Cold brew coffee\n\ntext\n\n#### Deep\n\nmore text")
    assert report.get("h1_count").status == "fail"
    assert report.get("heading_levels").value == 2  # starts at H2, then H2→H4


def test_length_bands_and_density_warning():
    report = good_report(target_words=160)  # 151 vs 160: within 10 %
    assert report.get("length").status == "pass"
    report = good_report(target_words=190)  # 151 vs 190: -20.5 %
    assert report.get("length").status == "warn"
    one_use = "# Guide\n\n" + "Cold brew coffee. " + "Water and beans. " * 80  # 3 + 240 words
    density = good_report(markdown=one_use).get("keyword_density")
    assert density.value == round(100 / 244, 2) and density.status == "warn"


def test_markdown_syntax_and_citations_are_not_counted_as_words():
    md = "# Cold brew coffee\n\n**Cold** [brew](http://x.y/z) coffee [1][2] is `easy`.\n\n- one item"
    assert good_report(markdown=md).word_count == 3 + 5 + 2


def test_flesch_matches_hand_computation():
    # 6 one-syllable words, one sentence: 206.835 - 1.015*6 - 84.6*1 = 116.145
    assert flesch_reading_ease("The cat sat on the mat.").score == pytest.approx(116.145, abs=0.01)
    # Read-ing won-der-ful hob-by chil-dren en-joy: 14 syllables, 8 words, 2 sentences
    # 206.835 - 1.015*4 - 84.6*1.75 = 54.725
    text = "Reading is a wonderful hobby. Children enjoy it."
    assert flesch_reading_ease(text).score == pytest.approx(54.725, abs=0.01)


def test_flesch_is_language_aware():
    german = flesch_reading_ease("Der Hund lief schnell nach Hause.", "de")
    assert german.language == "de" and german.note == ""
    polish = flesch_reading_ease("Kot siedział na macie.", "pl")
    assert "no Flesch formula" in polish.note


def test_title_pixel_width_estimate():
    assert title_pixel_width("iiii") == pytest.approx(4 * 455 * 20 / 2048, abs=0.1)
    assert title_pixel_width("WWWW") > title_pixel_width("iiiiiiiiii")
    assert title_pixel_width("é") == title_pixel_width("e")


def test_rules_are_tunable():
    report = audit(AuditInput(title=GOOD_TITLE, description=GOOD_DESCRIPTION,
                              markdown=(DATA / "good.md").read_text(), keyword="cold brew coffee"),
                   AuditRules(title_chars=(20, 40), title_chars_warn=(20, 45)))
    assert report.get("title_length").status == "fail"
    assert "length" not in {c.id for c in report.checks}  # no target, no length check


def test_report_renders_as_markdown_table():
    text = good_report().as_markdown()
    assert "| Keyword density |" in text and "1.99" in text
