"""`PdfLibrary`: one workspace's PDFs and their hybrid index — ingest, re-ingest, remove, list.

The manifest is the index's document table: one row per file with its SHA-256. Ingesting a
file whose hash is unchanged does nothing; a changed file is replaced (its old chunks and
vectors deleted by id); a file with the same content as another one already indexed is skipped.
Every file's outcome is reported on its own, so one bad PDF never stops the batch.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tools.pdf.chunker import PdfChunk, chunk_pdf
from tools.pdf.reader import PdfProblem, read_pdf
from tools.retrieval import ChunkIn, Embedder, HybridIndex, SearchResult

Status = Literal["added", "updated", "unchanged", "removed", "failed", "skipped"]
# Commit after this many pages, so a long ingest that is interrupted keeps what it finished.
COMMIT_EVERY_PAGES = 2000


@dataclass
class IngestProgress:
    files_done: int
    files_total: int
    pages: int
    chunks: int
    current: str = ""
    stage: str = "reading"  # reading, embedding, writing


@dataclass
class FileOutcome:
    path: Path
    status: Status
    message: str = ""
    pages: int = 0
    chunks: int = 0


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def pages(self) -> int:
        return sum(o.pages for o in self.outcomes if o.status in ("added", "updated"))

    @property
    def chunks(self) -> int:
        return sum(o.chunks for o in self.outcomes if o.status in ("added", "updated"))

    def summary(self) -> str:
        parts = [f"{self.count(s)} {s}" for s in ("added", "updated", "unchanged", "removed", "skipped", "failed") if self.count(s)]
        return (", ".join(parts) or "nothing to do") + f" ({self.pages} pages, {self.chunks} chunks, {self.elapsed_s:.1f} s)"


@dataclass(frozen=True)
class DocumentInfo:
    path: Path
    name: str
    pages: int
    chunks: int
    tables: int
    sha256: str
    ingested_at: float
    exists: bool


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """Files named directly are taken as they are (a non-PDF is then reported); folders give
    their *.pdf files, recursively."""
    files: list[Path] = []
    problems: list[FileOutcome] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
        elif path.is_file():
            files.append(path)
        else:
            problems.append(FileOutcome(path, "failed", f"{path} does not exist; check the path"))
    seen: set[Path] = set()
    unique = [p for p in (f.resolve() for f in files) if not (p in seen or seen.add(p))]
    return unique, problems


def _chunk_in(chunk: PdfChunk, name: str) -> ChunkIn:
    return ChunkIn(
        chunk.text,
        {"file": name, "page": chunk.page, "label": chunk.label, "kind": chunk.kind, "section": chunk.section},
    )


class PdfLibrary:
    def __init__(self, folder: Path, embedder: Embedder | None = None, *, max_pages: int = 5000) -> None:
        self.folder = Path(folder)
        self.index = HybridIndex(self.folder / "index", embedder=embedder)
        self.max_pages = max_pages

    def close(self) -> None:
        self.index.close()

    def documents(self) -> list[DocumentInfo]:
        out = []
        for record in self.index.documents():
            meta = record.meta
            path = Path(record.key)
            out.append(DocumentInfo(
                path, meta.get("name", path.name), int(meta.get("pages", 0)), record.chunk_count,
                int(meta.get("tables", 0)), record.content_hash, record.updated_at, path.is_file(),
            ))
        return out

    def find_keys(self, names: Iterable[str]) -> list[str]:
        """Document keys whose file name matches one of `names` (a name, a path, or a stem)."""
        wanted = {str(n).lower() for n in names}
        keys = []
        for record in self.index.documents():
            path = Path(record.key)
            if {path.name.lower(), path.stem.lower(), str(path).lower()} & wanted:
                keys.append(record.key)
        return keys

    def search(self, query: str, k: int = 8, candidates: int = 20, files: Iterable[str] | None = None) -> SearchResult:
        """The best `k` passages; `files` (names) restricts the search to those documents."""
        keys = self.find_keys(files) if files else None
        return self.index.search(query, k=k, candidates=candidates, doc_keys=keys)

    def ingest(self, paths: Iterable[Path], progress: Callable[[IngestProgress], None] | None = None) -> IngestReport:
        started = time.perf_counter()
        files, outcomes = expand_paths(paths)
        report = IngestReport(outcomes=outcomes)
        known = {r.key: r for r in self.index.documents()}
        by_hash = {r.content_hash: r.key for r in known.values()}
        state = IngestProgress(0, len(files), 0, 0)

        def tell(stage: str = "reading", current: str = "") -> None:
            if progress:
                state.stage, state.current = stage, current
                progress(state)

        def on_commit(stage: str, done: int, total: int) -> None:
            tell(stage, f"{done}/{total} chunks")

        batch = self.index.batch(on_commit)
        pending_pages = 0
        tell()
        for path in files:
            key = str(path)
            try:
                digest = file_sha256(path)
            except OSError as exc:
                report.outcomes.append(FileOutcome(path, "failed", f"{path.name} cannot be read ({exc.strerror})"))
                state.files_done += 1
                tell()
                continue
            previous = known.get(key)
            if previous is not None and previous.content_hash == digest:
                report.outcomes.append(FileOutcome(path, "unchanged", pages=int(previous.meta.get("pages", 0)), chunks=previous.chunk_count))
            elif digest in by_hash and by_hash[digest] != key:
                report.outcomes.append(FileOutcome(path, "skipped", f"{path.name} has the same content as {Path(by_hash[digest]).name}, already ingested"))
            else:
                tell("reading", path.name)
                try:
                    text = read_pdf(path, max_pages=self.max_pages)
                except PdfProblem as problem:
                    report.outcomes.append(FileOutcome(path, "failed", problem.message))
                else:
                    chunks = chunk_pdf(text)
                    meta = {
                        "name": path.name, "pages": text.page_count, "empty_pages": text.empty_pages[:50],
                        "tables": sum(1 for c in chunks if c.kind == "table"), "size": path.stat().st_size,
                    }
                    batch.put(key, digest, [_chunk_in(c, path.name) for c in chunks], meta)
                    by_hash[digest] = key
                    note = ""
                    if text.empty_pages:
                        note = f"{len(text.empty_pages)} page(s) without text were skipped (images only?)"
                    status: Status = "updated" if previous is not None else "added"
                    report.outcomes.append(FileOutcome(path, status, note, text.page_count, len(chunks)))
                    state.pages += text.page_count
                    state.chunks += len(chunks)
                    pending_pages += text.page_count
            state.files_done += 1
            tell()
            if pending_pages >= COMMIT_EVERY_PAGES:
                self._commit(batch, report)
                batch = self.index.batch(on_commit)
                pending_pages = 0
        self._commit(batch, report)
        report.elapsed_s = time.perf_counter() - started
        tell("done")
        return report

    def _commit(self, batch, report: IngestReport) -> None:  # type: ignore[no-untyped-def]
        with batch:
            pass
        if batch.report is not None:
            report.notes += batch.report.notes

    def remove(self, paths: Iterable[Path]) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        with self.index.batch() as batch:
            for raw in paths:
                path = Path(raw).expanduser()
                keys = self.find_keys([str(path.resolve()), path.name])
                if not keys:
                    report.outcomes.append(FileOutcome(path, "failed", f"{path.name} is not in this workspace; `maitre docs` lists what is"))
                for key in keys:
                    batch.remove(key)
                    report.outcomes.append(FileOutcome(Path(key), "removed"))
        report.elapsed_s = time.perf_counter() - started
        return report
