"""The `*.convo.yaml` format: pydantic models, and a loader whose errors name file, line and
the shape that was expected.

    name: gold members follow-up
    settings: {backend: replay, cassette: gold_members.cassette.yaml}
    turns:
      - user: "How many gold members do we have?"
        expect: {route: sql, tool_called: run_sql, table: {min_rows: 1}}
      - user: "and by city, as a bar chart?"
        expect: {route: sql, chart: bar}
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tui.convo.yaml_lines import LinedDocument, Location, YamlSyntaxError, load_lined_yaml

CONVO_SUFFIX = ".convo.yaml"
CASSETTE_SUFFIX = ".cassette.yaml"


class ConvoFormatError(ValueError):
    """A conversation file that cannot be used. `str()` is the whole message for the user."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class ConvoSettings(_Strict):
    """Settings overrides for one conversation, on top of the user's settings.

    Strings may use `{here}`, the folder holding the conversation file.
    """

    backend: Literal["auto", "ollama", "embedded", "replay"] | None = None
    host: str | None = None
    model: str | None = None
    models: dict[str, str] = Field(default_factory=dict)
    gguf: str | None = None
    database: str | None = None
    workspace: str | None = None
    cassette: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    router_threshold: float | None = None
    agents: dict[str, dict[str, Any]] = Field(default_factory=dict)
    plugins: bool = False


class TableExpect(_Strict):
    rows: int | None = None
    min_rows: int | None = None
    max_rows: int | None = None
    columns: list[str] = Field(default_factory=list)


class ChartExpect(_Strict):
    kind: str


class CiteExpect(_Strict):
    file: str
    page: int | None = None


class PlanExpect(_Strict):
    mode: str | None = None
    min_nodes: int | None = None


class LatencyExpect(_Strict):
    max: float | None = None
    min: float | None = None


class JudgeExpect(_Strict):
    rubric: str
    threshold: float = Field(default=0.7, ge=0.0, le=1.0)


TurnStatus = Literal["ok", "error", "cancelled", "ignored"]


class Expectations(_Strict):
    route: list[str] | None = None
    stage: list[str] | None = None
    clarify: bool | None = None
    contains: list[str] = Field(default_factory=list)
    not_contains: list[str] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list)
    equals: str | None = None
    tool_called: list[str] = Field(default_factory=list)
    tool_not_called: list[str] = Field(default_factory=list)
    sql_contains: list[str] = Field(default_factory=list)
    table: TableExpect | None = None
    chart: ChartExpect | None = None
    cites: list[CiteExpect] = Field(default_factory=list)
    plan: PlanExpect | None = None
    latency_ms: LatencyExpect | None = None
    events: list[str] | None = None
    judge: JudgeExpect | None = None
    status: TurnStatus | None = None
    error: str | None = None
    notice: list[str] = Field(default_factory=list)
    backend: list[str] | None = None

    # Short forms: `route: sql`, `chart: bar`, `latency_ms: 5000`, `cites: {file: a.pdf}`.
    @field_validator("route", "stage", "contains", "not_contains", "regex", "tool_called", "tool_not_called",
                     "sql_contains", "notice", "backend", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return _as_list(value)

    @field_validator("chart", mode="before")
    @classmethod
    def _chart_kind(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value

    @field_validator("latency_ms", mode="before")
    @classmethod
    def _latency_max(cls, value: Any) -> Any:
        return {"max": value} if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    @field_validator("cites", mode="before")
    @classmethod
    def _cites(cls, value: Any) -> Any:
        # One cite or many; "report.pdf p.12" is a short form of {file: report.pdf, page: 12}.
        if isinstance(value, (dict, str)):
            value = [value]
        if isinstance(value, list):
            return [_parse_cite_string(v) if isinstance(v, str) else v for v in value]
        return value

    def names(self) -> list[str]:
        """The expectations this turn sets, in the order they are checked."""
        return [name for name in type(self).model_fields if name in self.model_fields_set]


def _parse_cite_string(text: str) -> dict[str, Any]:
    import re

    match = re.match(r"^\s*(?P<file>.+?)(?:[\s,]+(?:p\.?|page)\s*(?P<page>\d+))?\s*$", text)
    assert match is not None  # the pattern matches any text
    out: dict[str, Any] = {"file": match.group("file")}
    if match.group("page"):
        out["page"] = int(match.group("page"))
    return out


class ConvoTurn(_Strict):
    user: str
    name: str | None = None
    expect: Expectations = Field(default_factory=Expectations)

    @field_validator("user", mode="before")
    @classmethod
    def _user_text(cls, value: Any) -> Any:
        # `user:` with nothing after it is an empty turn, which is a thing worth testing.
        return "" if value is None else value


class Conversation(_Strict):
    name: str = ""
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    settings: ConvoSettings = Field(default_factory=ConvoSettings)
    # False for conversations that need no model answers (Ollama down, a missing model file):
    # they run on the backend their settings name, in every mode, with no cassette.
    uses_cassette: bool = True
    turns: list[ConvoTurn] = Field(min_length=1)
    path: Path = Field(default=Path("conversation.convo.yaml"), exclude=True)
    lines: dict[int, int] = Field(default_factory=dict, exclude=True, description="turn index → line")

    @model_validator(mode="after")
    def _default_name(self) -> "Conversation":
        if not self.name:
            self.name = convo_stem(self.path)
        return self

    @property
    def folder(self) -> Path:
        return self.path.parent

    def cassette_path(self) -> Path:
        if self.settings.cassette:
            return resolve_here(self.settings.cassette, self.folder)
        return self.folder / f"{convo_stem(self.path)}{CASSETTE_SUFFIX}"


def convo_stem(path: Path) -> str:
    name = Path(path).name
    return name[: -len(CONVO_SUFFIX)] if name.endswith(CONVO_SUFFIX) else Path(path).stem


def resolve_here(value: str, folder: Path) -> Path:
    """A path from a conversation file: `{here}` and relative paths start at the file's folder."""
    path = Path(value.replace("{here}", str(folder))).expanduser()
    return path if path.is_absolute() else folder / path


# What each part of the file looks like, shown when that part is wrong.
SHAPES: dict[str, str] = {
    "": "name: …\nsettings: {backend: replay}\nturns:\n  - user: \"…\"\n    expect: {route: chat, contains: [\"…\"]}",
    "settings": "settings: {backend: auto|ollama|embedded|replay, host: URL, model: NAME, models: {ROLE: NAME}, "
    "gguf: PATH, database: URL, workspace: FOLDER, cassette: FILE, temperature: 0.2, max_tokens: 256, "
    "seed: 0, router_threshold: 0.2, agents: {NAME: {KEY: VALUE}}, plugins: false}",
    "turns": "turns:\n  - user: \"the user's text\"\n    expect: {route: chat}",
    "user": "user: \"the user's text\"",
    "expect": "expect: {route: NAME, stage: NAME, clarify: true, contains: [TEXT], not_contains: [TEXT], "
    "regex: [PATTERN], equals: TEXT, tool_called: [TOOL], tool_not_called: [TOOL], sql_contains: [TEXT], "
    "table: {…}, chart: KIND, cites: [{file: F, page: N}], plan: {…}, latency_ms: {max: MS}, "
    "events: [TYPE], judge: {…}, status: ok|error|cancelled|ignored, error: KIND, notice: [TEXT], "
    "backend: NAME}",
    "route": "route: sql   (or a list of agents, any of which passes)",
    "stage": "stage: explicit   (or a list of stages)",
    "clarify": "clarify: true",
    "equals": "equals: \"the whole answer\"",
    "table": "table: {rows: 3, min_rows: 1, max_rows: 100, columns: [city, members]}",
    "chart": "chart: bar   (or {kind: bar})",
    "cites": "cites: [{file: annual-report.pdf, page: 12}]   (or \"annual-report.pdf p.12\")",
    "plan": "plan: {mode: tot, min_nodes: 5}",
    "latency_ms": "latency_ms: {max: 5000}   (or latency_ms: 5000)",
    "events": "events: [route_decided, tool_call:run_sql, table_result, turn_done]",
    "judge": "judge: {rubric: \"Answers politely and names the city\", threshold: 0.7}",
    "status": "status: ok   (one of ok, error, cancelled, ignored)",
    "error": "error: model_unreachable   (an Error event's kind)",
    "backend": "backend: embedded   (the backend the agent ran on: ollama, embedded, replay)",
}
for _name in ("contains", "not_contains", "regex", "tool_called", "tool_not_called", "sql_contains", "notice"):
    SHAPES[_name] = f"{_name}: [\"…\", \"…\"]   (or one text)"


def load_conversation(path: Path | str, text: str | None = None) -> Conversation:
    """Read and check one conversation file; raise ConvoFormatError naming file and line."""
    path = Path(path)
    try:
        document = load_lined_yaml(path, text)
    except FileNotFoundError:
        raise ConvoFormatError(path, 1, "no such file") from None
    except YamlSyntaxError as exc:
        raise ConvoFormatError(path, exc.line, f"not valid YAML: {exc.problem}") from None
    if not isinstance(document.data, dict):
        raise ConvoFormatError(path, 1, f"a conversation is a mapping. Expected:\n{_indent(SHAPES[''])}")
    try:
        convo = Conversation.model_validate({**document.data, "path": path})
    except ValidationError as exc:
        raise _format_error(document, exc) from None
    convo.lines = {i: document.line_of(("turns", i)) for i in range(len(convo.turns))}
    return convo


def _format_error(document: LinedDocument, exc: ValidationError) -> ConvoFormatError:
    error = exc.errors()[0]
    loc = _data_location(document.data, error["loc"])
    line = document.line_of(loc)
    where = _describe(loc) or "the file"
    if error["type"] == "extra_forbidden":
        key = str(error["loc"][-1])
        parent = _data_location(document.data, error["loc"][:-1])
        allowed = _allowed_keys(parent)
        guess = difflib.get_close_matches(key, allowed, n=1)
        hint = f" Did you mean `{guess[0]}`?" if guess else ""
        message = f"{_describe(parent) or 'the file'}: unknown key `{key}`.{hint} Allowed here: {', '.join(allowed)}."
        shape_key = _shape_key(parent)
    else:
        message = f"{where}: {error['msg']}"
        if error["type"] == "missing":
            message = f"{_describe(loc) or 'the file'}: `{error['loc'][-1]}` is required"
        shape_key = _shape_key(loc)
    extra = len(exc.errors()) - 1
    if extra:
        message += f" ({extra} more problem{'s' if extra > 1 else ''} after this one)"
    return ConvoFormatError(document.path, line, f"{message}\nExpected:\n{_indent(SHAPES.get(shape_key, SHAPES['']))}")


def _data_location(data: Any, loc: tuple[Any, ...]) -> Location:
    """Keep the part of a pydantic location that names real keys and indexes in the data
    (pydantic adds union member names such as 'list[str]', which are not in the file)."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part in _ALL_KEYS:
            out.append(part)  # a missing key: named, though not in the file
            break
    return tuple(out)


_MODELS_BY_KEY: dict[str, type[BaseModel]] = {
    "settings": ConvoSettings, "expect": Expectations, "table": TableExpect, "chart": ChartExpect,
    "cites": CiteExpect, "plan": PlanExpect, "latency_ms": LatencyExpect, "judge": JudgeExpect,
}
_ALL_KEYS = set().union(*(m.model_fields for m in (*_MODELS_BY_KEY.values(), Conversation, ConvoTurn)))


def _owner_model(loc: Location) -> type[BaseModel]:
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return Conversation
    if names[-1] == "turns" and isinstance(loc[-1], int):
        return ConvoTurn
    return _MODELS_BY_KEY.get(names[-1], Conversation)


def _allowed_keys(parent: Location) -> list[str]:
    return [k for k in _owner_model(parent).model_fields if k not in ("path", "lines")]


def _shape_key(loc: Location) -> str:
    names = [p for p in loc if isinstance(p, str)]
    if names and isinstance(loc[-1], int) and names[-1] == "turns":
        return "turns"
    for name in reversed(names):
        if name in SHAPES:
            return name
    return ""


def _describe(loc: Location) -> str:
    """("turns", 1, "expect", "table") → "turn 2, expect.table"."""
    prefix = ""
    if len(loc) >= 2 and loc[0] == "turns" and isinstance(loc[1], int):
        prefix, loc = f"turn {loc[1] + 1}", loc[2:]
    rest = ".".join(f"[{p}]" if isinstance(p, int) else p for p in loc).replace(".[", "[")
    return ", ".join(part for part in (prefix, rest) if part)


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


def find_conversations(paths: list[Path]) -> list[Path]:
    """Conversation files under the given files and folders, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.rglob(f"*{CONVO_SUFFIX}")))
        else:
            found.append(path)
    seen: set[Path] = set()
    return [p for p in found if not (p.resolve() in seen or seen.add(p.resolve()))]  # type: ignore[func-returns-value]
