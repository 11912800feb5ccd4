"""Convert peers' test files into maitre conversations, where the concepts map.

promptfoo (promptfooconfig.yaml): each test becomes a conversation of one turn (tests that
share `metadata.conversationId` become the turns of one conversation, in order). The user's
text is the first prompt with the test's `{{vars}}` filled in. Assertions:
contains/icontains(-all) → contains, contains-any → regex, not-contains → not_contains,
equals → equals, regex → regex, starts-with → regex, latency → latency_ms,
llm-rubric → judge. Providers, javascript/python/similarity/cost assertions have no
counterpart and are listed as notes.

Rasa: `test_cases` (Rasa Pro end-to-end tests) and `stories` (test stories). Each `user:`
step is a turn; `bot:` → contains; `intent:` or `flow_started:` → route when `--intent-agent
INTENT=AGENT` maps it; `pattern_clarification_contains` → clarify; `bot_uttered.text_matches`
→ regex; `generative_response_is_relevant` / `_is_grounded` → judge. Utterance names, actions
and slots are Rasa concepts with no counterpart: notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tui.convo.format import CONVO_SUFFIX, load_conversation


class ImportProblem(ValueError):
    pass


@dataclass
class ImportedConversation:
    slug: str
    data: dict[str, Any]


@dataclass
class ImportResult:
    conversations: list[ImportedConversation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def slugify(text: str, limit: int = 48) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return slug[:limit].rstrip("_") or "conversation"


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ImportProblem(f"{path} is not valid YAML: {exc}") from None


# --- promptfoo -------------------------------------------------------------------------------

_VAR = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*\}\}")
_PROMPT_VARS = ("prompt", "query", "question", "input", "message", "text")


def _fill(template: str, variables: dict[str, Any]) -> str:
    return _VAR.sub(lambda m: str(variables.get(m.group(1), m.group(0))), template)


def _promptfoo_prompt(config: dict[str, Any], folder: Path, result: ImportResult) -> str | None:
    prompts = config.get("prompts")
    if isinstance(prompts, str):
        prompts = [prompts]
    for prompt in prompts or []:
        raw = prompt.get("raw") if isinstance(prompt, dict) else prompt
        if not isinstance(raw, str):
            continue
        if raw.startswith("file://"):
            path = folder / raw[len("file://"):]
            if path.suffix in (".txt", ".md") and path.is_file():
                return path.read_text(encoding="utf-8").strip()
            result.note(f"prompt {raw} is not a text file next to the config; the test's variables are used instead")
            continue
        return raw
    return None


def _promptfoo_tests(config: dict[str, Any], folder: Path) -> list[dict[str, Any]]:
    tests = config.get("tests", [])
    if isinstance(tests, str):
        if not tests.startswith("file://"):
            raise ImportProblem(f"tests: {tests!r} is neither a list nor a file:// path")
        loaded = _read_yaml(folder / tests[len("file://"):])
        tests = loaded if isinstance(loaded, list) else []
    if not isinstance(tests, list):
        raise ImportProblem("`tests:` must be a list of test cases")
    return [t for t in tests if isinstance(t, dict)]


def _promptfoo_expect(asserts: list[dict[str, Any]], variables: dict[str, Any], result: ImportResult) -> dict[str, Any]:
    expect: dict[str, Any] = {}

    def add(key: str, values: list[str]) -> None:
        expect.setdefault(key, []).extend(values)

    for item in asserts:
        kind = str(item.get("type", ""))
        value = item.get("value")
        values = [_fill(str(v), variables) for v in (value if isinstance(value, list) else [value])] if value is not None else []
        if kind in ("contains", "icontains", "contains-all", "icontains-all"):
            add("contains", values)
            if kind in ("contains", "contains-all"):
                result.note("promptfoo's contains is case-sensitive; maitre's contains ignores case")
        elif kind in ("not-contains", "not-icontains", "not-contains-any", "not-icontains-any"):
            add("not_contains", values)
        elif kind in ("contains-any", "icontains-any"):
            add("regex", ["(?:" + "|".join(re.escape(v) for v in values) + ")"])
        elif kind == "equals":
            expect["equals"] = values[0] if values else ""
        elif kind == "regex":
            add("regex", values)
        elif kind == "starts-with":
            add("regex", [r"\A\s*" + re.escape(v) for v in values])
        elif kind == "latency":
            if item.get("threshold") is not None:
                expect["latency_ms"] = {"max": float(item["threshold"])}
        elif kind == "llm-rubric":
            threshold = float(item["threshold"]) if item.get("threshold") is not None else 0.5
            expect["judge"] = {"rubric": values[0] if values else "", "threshold": threshold}
        else:
            result.note(f"promptfoo assertion type {kind!r} has no counterpart and was left out")
    return expect


def import_promptfoo(path: Path) -> ImportResult:
    config = _read_yaml(path)
    if not isinstance(config, dict) or "tests" not in config:
        raise ImportProblem(f"{path} is not a promptfoo config: it has no `tests:`")
    result = ImportResult()
    if config.get("providers"):
        result.note("providers are not imported: maitre answers with its own models (settings `backend`, `models`)")
    folder = path.parent
    prompt = _promptfoo_prompt(config, folder, result)
    default = config.get("defaultTest") if isinstance(config.get("defaultTest"), dict) else {}
    groups: dict[str, list[dict[str, Any]]] = {}
    order: list[str] = []
    for index, test in enumerate(_promptfoo_tests(config, folder), start=1):
        variables = {**(default.get("vars") or {}), **(test.get("vars") or {})}
        if prompt is not None:
            user = _fill(prompt, variables)
        else:
            user = next((str(variables[k]) for k in _PROMPT_VARS if k in variables), None)
            if user is None and len(variables) == 1:
                user = str(next(iter(variables.values())))
            if user is None:
                result.note(f"test {index} has no prompt and no `prompt`/`query`/`question` variable: skipped")
                continue
        asserts = [*(default.get("assert") or []), *(test.get("assert") or [])]
        turn: dict[str, Any] = {"user": user}
        if test.get("description"):
            turn["name"] = str(test["description"])
        expect = _promptfoo_expect(asserts, variables, result)
        if expect:
            turn["expect"] = expect
        key = str((test.get("metadata") or {}).get("conversationId") or f"test {index}")
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(turn)
    stem = slugify(path.stem)
    for n, key in enumerate(order, start=1):
        turns = groups[key]
        name = turns[0].get("name") or f"{path.name} {key}"
        data = {"name": str(name), "description": f"Imported from promptfoo {path.name}.", "turns": turns}
        result.conversations.append(ImportedConversation(f"{stem}_{n:02d}_{slugify(str(name), 32)}", data))
    return result


# --- Rasa -------------------------------------------------------------------------------------

def _rasa_assertions(items: list[Any], intent_agents: dict[str, str], expect: dict[str, Any], result: ImportResult) -> None:
    for item in items:
        if not isinstance(item, dict):
            continue
        for kind, value in item.items():
            if kind == "flow_started" and str(value) in intent_agents:
                expect["route"] = intent_agents[str(value)]
            elif kind == "pattern_clarification_contains":
                expect["clarify"] = True
            elif kind == "bot_uttered" and isinstance(value, dict) and value.get("text_matches"):
                expect.setdefault("regex", []).append(str(value["text_matches"]))
            elif kind == "generative_response_is_relevant":
                threshold = float((value or {}).get("threshold", 0.5)) if isinstance(value, dict) else 0.5
                expect["judge"] = {"rubric": "The answer is relevant to the user's message.", "threshold": threshold}
            elif kind == "generative_response_is_grounded":
                value = value if isinstance(value, dict) else {}
                truth = value.get("ground_truth")
                rubric = f"The answer is factually consistent with: {truth}" if truth else "The answer is factually grounded."
                expect["judge"] = {"rubric": rubric, "threshold": float(value.get("threshold", 0.5))}
            else:
                result.note(f"Rasa assertion {kind!r} has no counterpart (or no --intent-agent mapping) and was left out")


def _rasa_steps(steps: list[Any], intent_agents: dict[str, str], result: ImportResult) -> list[dict[str, Any]]:
    turns: list[dict[str, Any]] = []
    for step in steps:
        if not isinstance(step, dict):
            continue
        if "user" in step:
            turn: dict[str, Any] = {"user": str(step["user"]).strip(), "expect": {}}
            intent = step.get("intent")
            if intent is not None:
                if str(intent) in intent_agents:
                    turn["expect"]["route"] = intent_agents[str(intent)]
                else:
                    result.note(f"intent {intent!r} is not mapped to an agent (use --intent-agent {intent}=AGENT)")
            _rasa_assertions(step.get("assertions") or [], intent_agents, turn["expect"], result)
            turns.append(turn)
        elif "bot" in step and turns:
            turns[-1]["expect"].setdefault("contains", []).append(str(step["bot"]).strip())
            result.note("Rasa's `bot:` step compares the whole text; it is imported as `contains`")
        else:
            kind = next(iter(step), "?")
            result.note(f"Rasa step `{kind}` (utterances, actions, slots) has no counterpart and was left out")
    for turn in turns:
        if not turn["expect"]:
            del turn["expect"]
    return turns


def import_rasa(path: Path, intent_agents: dict[str, str] | None = None) -> ImportResult:
    data = _read_yaml(path)
    intent_agents = intent_agents or {}
    if not isinstance(data, dict) or not ({"test_cases", "stories"} & set(data)):
        raise ImportProblem(f"{path} holds no Rasa `test_cases:` or `stories:`")
    result = ImportResult()
    cases = [(c.get("test_case"), c.get("steps")) for c in data.get("test_cases") or [] if isinstance(c, dict)]
    cases += [(c.get("story"), c.get("steps")) for c in data.get("stories") or [] if isinstance(c, dict)]
    stem = slugify(path.stem)
    for n, (name, steps) in enumerate(cases, start=1):
        turns = _rasa_steps(steps or [], intent_agents, result)
        name = str(name or f"{path.name} case {n}")
        if not turns:
            result.note(f"{name!r} has no user steps: skipped")
            continue
        convo = {"name": name, "description": f"Imported from Rasa {path.name}.", "turns": turns}
        result.conversations.append(ImportedConversation(f"{stem}_{n:02d}_{slugify(name, 32)}", convo))
    return result


def write_imported(result: ImportResult, out_dir: Path) -> list[Path]:
    """Write each conversation and read it back, so what is written is known to load."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for convo in result.conversations:
        path = out_dir / f"{convo.slug}{CONVO_SUFFIX}"
        path.write_text(yaml.safe_dump(convo.data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
        load_conversation(path)
        written.append(path)
    return written
