"""Reading briefs from YAML files and from chat messages."""

from __future__ import annotations

import pytest

from tools.seo.brief import Brief, BriefError, brief_from_mapping, fields_from_text, load_brief


def test_chat_message_fields():
    fields = fields_from_text('Write an article about cold brew at home, keyword "cold brew coffee", 600 words '
                              "https://a.test/x https://b.test/y")
    assert fields == {"keyword": "cold brew coffee", "length": 600, "urls": ["https://a.test/x", "https://b.test/y"],
                      "topic": "cold brew at home"}
    lines = fields_from_text("topic: Cold brew\nkeyword: cold brew coffee\nlanguage: pl\nurls: https://a.test/x")
    assert lines == {"topic": "Cold brew", "keyword": "cold brew coffee", "language": "pl", "urls": ["https://a.test/x"]}


def test_brief_problems_are_sentences_to_act_on():
    problems = Brief(topic="Cold brew", length=50, urls=["example.com/page"]).problems()
    assert problems[0].startswith("The brief has no target keyword") and "keyword:" in problems[0]
    assert any("between 100 and 10000" in p for p in problems)
    assert any("'example.com/page'" in p and "http" in p for p in problems)
    assert Brief(topic="x", keyword="cold brew").problems() == []


def test_yaml_brief(tmp_path):
    path = tmp_path / "brief.yaml"
    path.write_text("topic: Cold brew\nkeyword: cold brew coffee\nwords: '900'\nlang: de\nurl: https://a.test/x\n")
    brief = load_brief(path)
    assert (brief.length, brief.language, brief.urls) == (900, "de", ["https://a.test/x"])
    path.write_text("- just\n- a list\n")
    with pytest.raises(BriefError, match="must be a mapping"):
        load_brief(path)
    with pytest.raises(BriefError, match="does not exist"):
        load_brief(tmp_path / "missing.yaml")
    with pytest.raises(BriefError, match="invalid fields"):
        brief_from_mapping({"keyword": "x", "length": "lots", "urls": 5})
