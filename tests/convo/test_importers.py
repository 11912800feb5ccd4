"""Importers: promptfoo configs and Rasa tests become conversation files that load and run."""

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tui.cli import cli
from tui.convo.format import load_conversation
from tui.convo.importers import ImportProblem, import_promptfoo, import_rasa, write_imported

DATA = Path(__file__).parent / "data"


def test_promptfoo_tests_become_conversations_with_mapped_assertions(tmp_path):
    result = import_promptfoo(DATA / "promptfooconfig.yaml")
    paths = write_imported(result, tmp_path)
    convos = [load_conversation(p) for p in paths]
    assert [c.name for c in convos] == ["Opening hours", "Croissant origin", "promptfooconfig.yaml ada"]
    hours = convos[0].turns[0]
    assert hours.user == "You help a bakery owner. Question: When do bakeries usually open?"
    assert hours.expect.contains == ["morning"] and hours.expect.latency_ms.max == 5000
    assert hours.expect.not_contains == ["as an AI language model"]  # from defaultTest
    croissant = convos[1].turns[0].expect
    assert croissant.regex == ["(?:Austria|Vienna|France)"]
    assert (croissant.judge.rubric, croissant.judge.threshold) == ("Mentions the Viennese kipferl", 0.6)
    # Tests sharing a conversationId are the turns of one conversation.
    ada = convos[2]
    assert [t.user.rsplit(": ", 1)[1] for t in ada.turns] == ["My name is Ada.", "What is my name?"]
    assert ada.turns[1].expect.contains == ["Ada"] and ada.turns[1].expect.regex == [r"\A\s*Your\ name"]
    assert any("'javascript' has no counterpart" in n for n in result.notes)
    assert any("providers are not imported" in n for n in result.notes)


def test_rasa_e2e_test_cases_map_user_steps_assertions_and_intents(tmp_path):
    result = import_rasa(DATA / "e2e_test_cases.yml", intent_agents={"count_members": "sql"})
    convos = [load_conversation(p) for p in write_imported(result, tmp_path)]
    assert [c.name for c in convos] == ["members_by_tier", "greeting", "ambiguous"]
    first, second = convos[0].turns
    assert first.expect.route == ["sql"] and first.expect.regex == [r"\d+ gold"]
    assert second.expect.judge.threshold == 0.8
    greeting = convos[1].turns
    assert [t.user for t in greeting] == ["hello", "who are you?"] and greeting[1].expect.contains == ["I am maitre"]
    assert convos[2].turns[0].expect.clarify is True
    assert any("`utter`" in n for n in result.notes) and any("`slot_was_set`" in n for n in result.notes)


def test_rasa_test_stories_map_intents_when_told_how(tmp_path):
    result = import_rasa(DATA / "test_stories.yml", intent_agents={"ask_report": "pdf"})
    [convo] = [load_conversation(p) for p in write_imported(result, tmp_path)]
    assert [t.user for t in convo.turns] == ["hello there!", "what was revenue in 2023 according to the annual report?"]
    assert convo.turns[0].expect.route is None and convo.turns[1].expect.route == ["pdf"]
    assert any("intent 'greet' is not mapped" in n for n in result.notes)


def test_files_that_are_not_in_the_format_are_refused_with_a_reason(tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text("hello: world\n")
    with pytest.raises(ImportProblem, match="has no `tests:`"):
        import_promptfoo(other)
    with pytest.raises(ImportProblem, match="no Rasa `test_cases:` or `stories:`"):
        import_rasa(other)


def test_the_import_commands_write_files_that_maitre_test_accepts(tmp_path):
    runner = CliRunner()
    out = tmp_path / "imported"
    result = runner.invoke(cli, ["test", "import", "rasa", str(DATA / "e2e_test_cases.yml"), "--out", str(out),
                                 "--intent-agent", "count_members=sql"])
    assert result.exit_code == 0, result.output
    assert "wrote 3 conversation files" in result.output
    assert len(list(out.glob("*.convo.yaml"))) == 3
    data = yaml.safe_load(sorted(out.glob("*.convo.yaml"))[0].read_text())
    assert data["turns"][0]["expect"]["route"] == "sql"
    bad = runner.invoke(cli, ["test", "import", "rasa", str(DATA / "e2e_test_cases.yml"), "--intent-agent", "oops"])
    assert bad.exit_code == 2 and "INTENT=AGENT" in bad.output
    pf = runner.invoke(cli, ["test", "import", "promptfoo", str(DATA / "promptfooconfig.yaml"), "--out", str(out)])
    assert pf.exit_code == 0 and "note: promptfoo assertion type 'javascript'" in pf.output
