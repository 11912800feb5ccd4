"""PDF documents: reading (text layer, page labels), chunking (sections, whole tables),
and a workspace library over the generic hybrid index in `tools.retrieval`."""

from tools.pdf.chunker import PdfChunk, chunk_pdf
from tools.pdf.library import DocumentInfo, FileOutcome, IngestProgress, IngestReport, PdfLibrary
from tools.pdf.reader import PdfProblem, PdfText, read_pdf

__all__ = [
    "DocumentInfo", "FileOutcome", "IngestProgress", "IngestReport", "PdfChunk", "PdfLibrary", "PdfProblem",
    "PdfText", "chunk_pdf", "read_pdf",
]
