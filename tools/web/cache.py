"""The crawl cache: one JSON file per URL (the extracted page) plus the raw HTML, gzipped.

Keyed by the SHA-256 of the URL asked for, so a re-run of a job, or another job crawling the
same page, does not fetch it again while the entry is fresh. Failures are never cached: a
page that failed is fetched again once the user has fixed the problem.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import time
from pathlib import Path

from tools.web.extract import ExtractedPage


class CrawlCache:
    def __init__(self, folder: Path, ttl_s: float = 7 * 86400) -> None:
        self.folder = Path(folder)
        self.ttl_s = ttl_s

    def _key(self, url: str) -> str:
        return hashlib.sha256(url.encode("utf-8")).hexdigest()

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = self._key(url)
        shard = self.folder / key[:2]
        return shard / f"{key}.json", shard / f"{key}.html.gz"

    def get(self, url: str) -> ExtractedPage | None:
        meta_path, _ = self._paths(url)
        try:
            data = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if time.time() - float(data.get("fetched_at", 0)) > self.ttl_s:
            return None
        try:
            page = ExtractedPage.model_validate(data["page"])
        except (KeyError, ValueError):
            return None
        page.from_cache = True
        return page

    def raw_html(self, url: str) -> bytes | None:
        _, html_path = self._paths(url)
        try:
            return gzip.decompress(html_path.read_bytes())
        except OSError:
            return None

    def put(self, page: ExtractedPage, raw: bytes) -> None:
        meta_path, html_path = self._paths(page.url)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_bytes(gzip.compress(raw, compresslevel=5))
        # Write then rename, so a crash never leaves half a JSON file behind.
        tmp = meta_path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps({"url": page.url, "fetched_at": time.time(), "page": page.model_dump(exclude={"from_cache"})}),
            encoding="utf-8",
        )
        os.replace(tmp, meta_path)
