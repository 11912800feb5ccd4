"""The pdf agent: answers from the workspace's PDFs with [n] citations to file and page, checks
every number against the cited passages, and drafts investor-relations comments.

Turn forms (after `@pdf` / `/pdf`, or when the router sends a question here):
  ingest PATH…      add or refresh PDFs (files or folders)
  remove FILE       drop one document from the index
  docs              list the workspace's documents
  comment / "draft a comment on this"   IR commentary on the previous question's passages
  anything else     a question about the documents
"""

from __future__ import annotations

import asyncio
import re
import shlex
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Literal

from autogen_core.models import CreateResult, LLMMessage, SystemMessage, UserMessage
from pydantic import BaseModel, Field, ValidationError

from agents.base import Agent, AgentContext, Exchange, Turn
from agents.events import Error, Event, Notice, TableResult, TextDelta, ToolCall, ToolResult, Usage
from prompts import load_examples, load_prompt, render_prompt
from tools.pdf import IngestProgress, IngestReport, PdfLibrary
from tools.pdf.passages import (
    Passage,
    follow_up_query,
    format_passages,
    named_documents,
    passages_from_hits,
    support_ratio,
)
from tools.pdf.verify import attribute, check_numbers, citations
from tools.retrieval import Embedder, EmbedderError

NOT_SUPPORTED = "NOT IN THE DOCUMENTS"
_COMMENT = re.compile(r"^(comment\b|(draft|write|propose|suggest)\b.{0,40}\bcomment)", re.I)
_INGEST = re.compile(r"^(ingest|add)\s+(?P<paths>.+)$", re.I | re.S)
_REMOVE = re.compile(r"^remove\s+(?P<paths>.+)$", re.I | re.S)
_DOCS = re.compile(r"^(docs|documents|list( the)? (docs|documents)|which documents\b.*)\??$", re.I)


class PdfSettings(BaseModel):
    """The `[agents.pdf]` section of the settings file."""

    workspace: str = "default"
    folder: Path | None = Field(default=None, description="Workspace folder; default <data_dir>/workspaces/<workspace>.")
    embedder: Literal["auto", "ollama", "llamacpp", "none"] = "auto"
    embed_model: str = "nomic-embed-text"
    embed_gguf: Path | None = None
    top_k: int = Field(default=6, ge=1, le=12)
    candidates: int = Field(default=20, ge=5, le=200)
    max_pages: int = 5000
    min_support: float = Field(default=0.6, ge=0.0, le=1.0)
    prompts_dir: Path | None = None

    def workspace_folder(self, data_dir: Path) -> Path:
        return self.folder or Path(data_dir) / "workspaces" / self.workspace


def parse_settings(raw: dict) -> PdfSettings:  # type: ignore[type-arg]
    try:
        return PdfSettings.model_validate(dict(raw))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"invalid [agents.pdf] settings: {problems}") from None


def make_embedder(settings: PdfSettings, context: AgentContext) -> tuple[Embedder | None, str]:
    """The configured embedder, or None with the reason the search is keyword-only."""
    from tools.retrieval import LlamaCppEmbedder, OllamaEmbedder

    if settings.embedder == "none":
        return None, "the embedder setting is \"none\""
    if settings.embedder == "llamacpp":
        from tools.models.embedded import bundled_gguf_path

        return LlamaCppEmbedder(settings.embed_gguf or bundled_gguf_path()), ""
    host = context.models.config.ollama_host
    status = context.models.choice.ollama
    if settings.embedder == "ollama":
        return OllamaEmbedder(host, settings.embed_model), ""
    if status is None or not status.reachable:
        return None, "Ollama is not running, so there is no embedding model"
    if not status.has(settings.embed_model):
        return None, f"Ollama has not pulled {settings.embed_model} (run `ollama pull {settings.embed_model}`)"
    return OllamaEmbedder(host, settings.embed_model), ""


class PdfAgent(Agent):
    name = "pdf"
    description = "Questions about the user's PDF documents (investor-relations reports, filings), with page citations."
    examples = load_examples("pdf")

    def __init__(self) -> None:
        self._libraries: dict[tuple[str, str], tuple[PdfLibrary, str]] = {}

    def library(self, settings: PdfSettings, context: AgentContext) -> tuple[PdfLibrary, str]:
        """The workspace's library (cached), and why search is keyword-only ("" when hybrid)."""
        folder = settings.workspace_folder(context.data_dir)
        key = (str(folder), f"{settings.embedder}:{settings.embed_model}:{settings.embed_gguf}")
        if key not in self._libraries:
            try:
                embedder, why = make_embedder(settings, context)
            except EmbedderError as exc:
                embedder, why = None, str(exc)
            self._libraries[key] = (PdfLibrary(folder, embedder, max_pages=settings.max_pages), why)
        return self._libraries[key]

    async def run(self, turn: Turn, context: AgentContext) -> AsyncIterator[Event]:
        try:
            settings = parse_settings(dict(context.settings))
        except ValueError as exc:
            yield Error(kind="bad_settings", message=f"{exc}. Fix the settings file and try again.")
            return
        library, keyword_reason = await asyncio.to_thread(self.library, settings, context)
        text = turn.text.strip()
        if match := _INGEST.match(text):
            async for event in self._ingest(library, _split_paths(match.group("paths"))):
                yield event
        elif match := _REMOVE.match(text):
            report = await asyncio.to_thread(library.remove, [Path(p) for p in _split_paths(match.group("paths"))])
            for event in _report_events(report, "removed"):
                yield event
        elif _DOCS.match(text):
            for event in _docs_events(library, settings):
                yield event
        else:
            comment = bool(_COMMENT.match(text))
            async for event in self._answer(turn, context, settings, library, keyword_reason, comment):
                yield event

    async def _ingest(self, library: PdfLibrary, paths: list[str]) -> AsyncIterator[Event]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[IngestProgress] = asyncio.Queue()
        last_file = [-1]

        def progress(state: IngestProgress) -> None:
            if state.stage == "reading" and state.files_done != last_file[0]:
                last_file[0] = state.files_done
                snapshot = IngestProgress(**vars(state))
                loop.call_soon_threadsafe(queue.put_nowait, snapshot)

        task = asyncio.ensure_future(asyncio.to_thread(library.ingest, [Path(p) for p in paths], progress))
        while not task.done() or not queue.empty():
            try:
                state = await asyncio.wait_for(queue.get(), timeout=0.2)
            except asyncio.TimeoutError:
                continue
            if state.files_done:
                yield Notice(message=f"Ingesting: {state.files_done}/{state.files_total} files, "
                                     f"{state.pages} pages, {state.chunks} chunks")
        for event in _report_events(task.result(), "ingested"):
            yield event

    async def _answer(
        self, turn: Turn, context: AgentContext, settings: PdfSettings, library: PdfLibrary,
        keyword_reason: str, comment: bool,
    ) -> AsyncIterator[Event]:
        names = [d.name for d in library.documents()]
        if not names:
            yield TextDelta(text="There are no documents in this workspace yet. Add some with "
                                 "`maitre ingest PATH` or `/pdf ingest PATH`, then ask again.")
            return
        previous = _previous_question(turn.history)
        if comment:
            if previous is None:
                yield TextDelta(text="Ask a question about the documents first; then I can draft a comment on it.")
                return
            question = previous
            query = previous
        else:
            question = turn.text
            query = follow_up_query(turn.text, previous)
        files = named_documents(query, names)
        call_id = uuid.uuid4().hex[:8]
        yield ToolCall(call_id=call_id, tool="pdf_search", arguments={"query": query, "k": settings.top_k, "files": files})
        result = await asyncio.to_thread(
            library.search, query, settings.top_k, settings.candidates, files or None
        )
        passages = passages_from_hits(result.hits)
        yield ToolResult(call_id=call_id, tool="pdf_search", ok=True,
                         content=f"{len(passages)} passages ({result.mode} search): "
                                 + "; ".join(p.where for p in passages))
        if result.mode == "keyword" and keyword_reason:
            yield Notice(message=f"Keyword search only (BM25): {keyword_reason}.")
        for note in result.notes:
            yield Notice(level="warning", message=note)
        if not passages or support_ratio(question, passages) < settings.min_support:
            yield TextDelta(text="This is not supported by the documents: no passage in "
                                 f"{', '.join(files or names)} covers it, so I will not answer from memory.")
            if passages:
                yield _sources_table(passages, cited=[])
            return

        window = context.models.context_window()
        budget = max(400, window - 900)
        system = load_prompt("pdf_comment" if comment else "pdf_answer", settings.prompts_dir)
        user = render_prompt("pdf_question", settings.prompts_dir,
                             passages=format_passages(passages, budget), question=question if not comment
                             else f"Draft an investor-relations comment on: {question}")
        messages: list[LLMMessage] = [SystemMessage(content=system), UserMessage(content=user, source="user")]
        client = context.models.client(self.name)
        answer: list[str] = []
        async for chunk in client.create_stream(messages):
            if isinstance(chunk, CreateResult):
                yield Usage(prompt_tokens=chunk.usage.prompt_tokens, completion_tokens=chunk.usage.completion_tokens,
                            model=context.models.model_name(self.name))
            elif chunk:
                answer.append(chunk)
                yield TextDelta(text=chunk)
        full = "".join(answer)
        if full.strip() and not citations(full) and NOT_SUPPORTED.lower() not in full.lower():
            # Small models often cite nothing: match the answer to the passages it came from,
            # and say so, rather than leave the reader without sources.
            matched = attribute(full, [p.text for p in passages])
            if matched:
                marks = " ".join(f"[{n}]" for n in matched)
                yield TextDelta(text=f"\n\nSources (matched to the answer after it was written): {marks}")
                full += f" {marks}"
                yield Notice(message="The model cited no passage; the sources were matched to its sentences afterwards.")
        for event in _checks(full, passages):
            yield event


def _split_paths(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _previous_question(history: tuple[Exchange, ...]) -> str | None:
    for exchange in reversed(history):
        if exchange.agent == "pdf" and not _COMMENT.match(exchange.user) and not (
            _INGEST.match(exchange.user) or _REMOVE.match(exchange.user) or _DOCS.match(exchange.user)
        ):
            return exchange.user
    return None


def _checks(answer: str, passages: list[Passage]) -> list[Event]:
    if NOT_SUPPORTED.lower() in answer.lower():
        return [Notice(message="The model found no answer in the retrieved passages."),
                _sources_table(passages, cited=[])]
    cited = [n for n in citations(answer) if 1 <= n <= len(passages)]
    events: list[Event] = []
    invented = [n for n in citations(answer) if not 1 <= n <= len(passages)]
    if invented:
        events.append(Notice(level="warning", message=f"The answer cites passages that do not exist: {invented}."))
    if not cited:
        events.append(Notice(level="warning", message="The answer cites no passage: check it against the sources below."))
    check = check_numbers(answer, [p.text for p in passages])
    if check.unsupported or check.miscited:
        parts = []
        if check.unsupported:
            parts.append("not found in the cited passages: " + ", ".join(check.unsupported))
        if check.miscited:
            parts.append("found only in another passage: " + ", ".join(f"{t} (in [{n}])" for t, n in check.miscited))
        events.append(Notice(level="warning", message="Unverified numbers — " + "; ".join(parts) + "."))
    elif check.total:
        events.append(Notice(message=f"All {check.total} numbers in the answer appear in the cited passages."))
    events.append(_sources_table(passages, cited))
    return events


def _sources_table(passages: list[Passage], cited: list[int]) -> TableResult:
    shown = [p for p in passages if p.n in cited] if cited else passages
    return TableResult(
        columns=["#", "file", "page", "printed page", "snippet"],
        rows=[[p.n, p.file, p.page, p.label, p.snippet()] for p in shown],
    )


def _report_events(report: IngestReport, verb: str) -> list[Event]:
    events: list[Event] = []
    for outcome in report.outcomes:
        if outcome.status == "failed":
            events.append(Notice(level="warning", message=outcome.message))
        elif outcome.message:
            events.append(Notice(message=f"{outcome.path.name}: {outcome.message}"))
    events += [Notice(level="warning", message=note) for note in report.notes]
    rows = [[o.path.name, o.status, o.pages, o.chunks] for o in report.outcomes]
    if rows:
        events.append(TableResult(columns=["file", "status", "pages", "chunks"], rows=rows))
    events.append(TextDelta(text=f"Documents {verb}: {report.summary()}."))
    return events


def _docs_events(library: PdfLibrary, settings: PdfSettings) -> list[Event]:
    docs = library.documents()
    if not docs:
        return [TextDelta(text=f"The workspace {settings.workspace!r} has no documents yet.")]
    status = library.index.dense_status()
    return [
        TableResult(columns=["file", "pages", "chunks", "tables", "on disk"],
                    rows=[[d.name, d.pages, d.chunks, d.tables, "yes" if d.exists else "missing"] for d in docs]),
        TextDelta(text=f"{len(docs)} documents in workspace {settings.workspace!r}; search: {status.detail}."),
    ]
