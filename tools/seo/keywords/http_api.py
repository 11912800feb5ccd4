"""An HTTP keyword API adapter (Senuto-like): the target keyword in, related keywords out.

Configured in settings, under `[agents.seo.keyword_options.http]` (or the shortcuts
`keyword_api_url` / `keyword_api_key`):

    url = "https://api.example.com/keywords/related"
    key = "…"                     # sent as "Authorization: Bearer <key>"
    method = "POST"               # POST sends JSON; GET sends query parameters
    country = "pl"                # passed through when set
    results_path = "data"         # where the list sits in the JSON answer ("" = top level)
    phrase_field = "keyword"      # the fields of one result…
    volume_field = "searches"
    difficulty_field = "difficulty"

Each item of the answer's list gives one suggestion; its score is the search volume scaled
to the largest in the answer (or its rank when the API gives no volumes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from pydantic import BaseModel, Field, ValidationError

from tools.seo.keywords import KeywordRequest, KeywordSourceError, KeywordSuggestion


class HttpKeywordOptions(BaseModel):
    url: str
    key: str = ""
    method: str = "POST"
    country: str | None = None
    timeout_s: float = Field(15.0, gt=0)
    results_path: str = "data"
    phrase_field: str = "keyword"
    volume_field: str = "searches"
    difficulty_field: str = "difficulty"


class HttpKeywordSource:
    name = "http"

    def __init__(self, options: HttpKeywordOptions, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.options = options
        self.transport = transport

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> HttpKeywordSource:
        values = dict(options)
        transport = values.pop("transport", None)
        if not values.get("url"):
            raise KeywordSourceError("set keyword_api_url (the keyword API's address) in the seo settings")
        try:
            return cls(HttpKeywordOptions(**values), transport=transport)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise KeywordSourceError(problems) from None

    async def suggest(self, request: KeywordRequest) -> list[KeywordSuggestion]:
        opts = self.options
        payload: dict[str, Any] = {"keyword": request.keyword, "language": request.language, "limit": request.limit}
        if opts.country:
            payload["country"] = opts.country
        headers = {"Accept": "application/json"}
        if opts.key:
            headers["Authorization"] = f"Bearer {opts.key}"
        try:
            async with httpx.AsyncClient(timeout=opts.timeout_s, transport=self.transport) as client:
                if opts.method.upper() == "GET":
                    response = await client.get(opts.url, params=payload, headers=headers)
                else:
                    response = await client.post(opts.url, json=payload, headers=headers)
        except httpx.TimeoutException:
            raise KeywordSourceError(f"the keyword API at {opts.url} did not answer within {opts.timeout_s:g} s; "
                                     "try again later") from None
        except httpx.HTTPError as exc:
            raise KeywordSourceError(f"could not reach the keyword API at {opts.url} ({type(exc).__name__}); "
                                     "check keyword_api_url") from None
        if response.status_code in (401, 403):
            raise KeywordSourceError(f"the keyword API refused the key (HTTP {response.status_code}); "
                                     "check keyword_api_key")
        if response.status_code == 429:
            raise KeywordSourceError("the keyword API's quota is used up (HTTP 429); try again later")
        if response.status_code >= 400:
            raise KeywordSourceError(f"the keyword API answered HTTP {response.status_code}; "
                                     "check keyword_api_url and the API's status")
        try:
            data = response.json()
        except ValueError:
            raise KeywordSourceError("the keyword API did not answer with JSON; check keyword_api_url") from None
        return self._parse(data, request.limit)

    def _parse(self, data: Any, limit: int) -> list[KeywordSuggestion]:
        opts = self.options
        items = data
        for part in filter(None, opts.results_path.split(".")):
            items = items.get(part) if isinstance(items, dict) else None
        if not isinstance(items, list):
            raise KeywordSourceError(
                f"the keyword API's answer has no list at {opts.results_path!r}; set results_path to where it is"
            )
        rows: list[tuple[str, int | None, float | None]] = []
        for item in items:
            if isinstance(item, str):
                rows.append((item, None, None))
            elif isinstance(item, dict) and isinstance(item.get(opts.phrase_field), str):
                volume = item.get(opts.volume_field)
                difficulty = item.get(opts.difficulty_field)
                rows.append((item[opts.phrase_field],
                             int(volume) if isinstance(volume, (int, float)) else None,
                             float(difficulty) if isinstance(difficulty, (int, float)) else None))
        rows = rows[:limit]
        top = max((v for _, v, _ in rows if v), default=0)
        out = []
        for rank, (phrase, volume, difficulty) in enumerate(rows):
            score = (volume or 0) / top if top else 1.0 - rank / max(1, len(rows))
            out.append(KeywordSuggestion(phrase=phrase.strip(), score=round(score, 4), source=self.name,
                                         volume=volume, difficulty=difficulty))
        return out
