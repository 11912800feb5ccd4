"""Benchmark: main-text extraction of the saved real pages (issue anchor: at least 20 pages/s).

Runs maitre's `extract_page` (trafilatura main text + lxml title/meta/headings/links +
passages) over every saved page, several passes, and compares with the anchor and with plain
`trafilatura.extract` on the same pages in the same run. Prints one JSON object.

    python bench/seo_extract.py [--passes 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ANCHOR_PAGES_PER_S = 20.0
SHARED = Path("/work/shared/realdata/html")
LOCAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "seo" / "html"


def pages() -> list[tuple[str, bytes]]:
    folder = SHARED if SHARED.is_dir() else LOCAL
    return [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.html"))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()

    import trafilatura

    from tools.web.extract import extract_page

    docs = pages()
    extract_page(docs[0][1], "https://bench.test/warm")  # imports and first-call setup
    rates, words = [], 0
    for _ in range(args.passes):
        started = time.perf_counter()
        words = sum(extract_page(html, f"https://bench.test/{name}").word_count for name, html in docs)
        rates.append(len(docs) / (time.perf_counter() - started))
    baseline = []
    for _ in range(args.passes):
        started = time.perf_counter()
        for _, html in docs:
            trafilatura.extract(html, fast=True)
        baseline.append(len(docs) / (time.perf_counter() - started))
    rate = statistics.median(rates)
    print(json.dumps({
        "bench": "seo_extract",
        "pages": len(docs),
        "bytes": sum(len(h) for _, h in docs),
        "words_extracted": words,
        "pages_per_s": round(rate, 1),
        "anchor_pages_per_s": ANCHOR_PAGES_PER_S,
        "ratio_to_anchor": round(rate / ANCHOR_PAGES_PER_S, 2),
        "trafilatura_only_pages_per_s": round(statistics.median(baseline), 1),
        "ratio_to_trafilatura_only": round(rate / statistics.median(baseline), 2),
        "meets_anchor": rate >= ANCHOR_PAGES_PER_S,
    }))


if __name__ == "__main__":
    main()
