"""The deterministic SEO audit: the same text always gets the same report.

Each check gives pass, warn or fail with the value it measured, so a writer (human or model)
knows what to fix and by how much. Thresholds live in `AuditRules` so a user can tune them.

Counting conventions (see tools/seo/text.py): words are counted over the whole article,
headings included, without Markdown syntax or citation markers like [3]. The "first 100
words" are those after the H1. Keyword density is occurrences of the whole key phrase per
100 words (Yoast's definition).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tools.seo.pixels import title_pixel_width
from tools.seo.readability import flesch_reading_ease
from tools.seo.text import contains_all_words, count_phrase, read_markdown, words

Status = Literal["pass", "warn", "fail"]
_RANK: dict[str, int] = {"pass": 0, "warn": 1, "fail": 2}


class AuditRules(BaseModel):
    title_chars: tuple[int, int] = (50, 60)
    title_chars_warn: tuple[int, int] = (40, 70)
    title_max_px: float = 580.0
    description_chars: tuple[int, int] = (120, 160)
    description_chars_warn: tuple[int, int] = (70, 200)
    intro_words: int = 100
    density_pct: tuple[float, float] = (0.5, 2.5)
    density_fail_above_pct: float = 4.0
    length_pass_ratio: float = 0.10  # within ±10% of the brief's length passes
    length_warn_ratio: float = 0.25  # within ±25% warns; further fails
    flesch_pass: float = 50.0
    flesch_warn: float = 30.0


class AuditInput(BaseModel):
    title: str
    description: str
    markdown: str
    keyword: str
    language: str = "en"
    target_words: int | None = None


class CheckResult(BaseModel):
    id: str = Field(description="A stable name: title_length, h1_count, keyword_density…")
    label: str
    status: Status
    value: float | int | str | None
    expected: str
    message: str


class AuditReport(BaseModel):
    keyword: str
    language: str
    word_count: int
    checks: list[CheckResult]

    def get(self, check_id: str) -> CheckResult:
        for check in self.checks:
            if check.id == check_id:
                return check
        raise KeyError(check_id)

    def failing(self, at_least: Status = "fail") -> list[CheckResult]:
        return [c for c in self.checks if _RANK[c.status] >= _RANK[at_least]]

    @property
    def counts(self) -> dict[str, int]:
        out = {"pass": 0, "warn": 0, "fail": 0}
        for check in self.checks:
            out[check.status] += 1
        return out

    def summary(self) -> str:
        c = self.counts
        return f"{c['pass']} passed, {c['warn']} warnings, {c['fail']} failed"

    def as_markdown(self) -> str:
        mark = {"pass": "✅ pass", "warn": "⚠️ warn", "fail": "❌ fail"}
        lines = [
            f"# SEO audit — “{self.keyword}”",
            "",
            f"{self.summary()} · {self.word_count} words · language {self.language}",
            "",
            "| Check | Result | Measured | Expected | Note |",
            "|---|---|---|---|---|",
        ]
        for check in self.checks:
            note = check.message.replace("|", "\\|")
            lines.append(f"| {check.label} | {mark[check.status]} | {check.value} | {check.expected} | {note} |")
        return "\n".join(lines) + "\n"


def _band(value: float, passing: tuple[float, float], warning: tuple[float, float]) -> Status:
    if passing[0] <= value <= passing[1]:
        return "pass"
    if warning[0] <= value <= warning[1]:
        return "warn"
    return "fail"


def audit(item: AuditInput, rules: AuditRules | None = None) -> AuditReport:
    rules = rules or AuditRules()
    view = read_markdown(item.markdown)
    all_words = words(view.plain_text)
    key = words(item.keyword)
    checks: list[CheckResult] = []
    add = checks.append

    title = item.title.strip()
    lo, hi = rules.title_chars
    add(CheckResult(
        id="title_length", label="Title length", value=len(title), expected=f"{lo}–{hi} characters",
        status=_band(len(title), rules.title_chars, rules.title_chars_warn) if title else "fail",
        message="no title" if not title else ("" if lo <= len(title) <= hi else
                 f"{'shorten' if len(title) > hi else 'lengthen'} the title to {lo}–{hi} characters"),
    ))
    px = title_pixel_width(title)
    add(CheckResult(
        id="title_pixels", label="Title width", value=px, expected=f"< {rules.title_max_px:g} px (Arial 20 px)",
        status="pass" if 0 < px < rules.title_max_px else "fail",
        message="" if px < rules.title_max_px else "search results will cut this title; shorten it",
    ))
    desc = item.description.strip()
    lo, hi = rules.description_chars
    add(CheckResult(
        id="description_length", label="Meta description length", value=len(desc), expected=f"{lo}–{hi} characters",
        status=_band(len(desc), rules.description_chars, rules.description_chars_warn) if desc else "fail",
        message="no meta description" if not desc else ("" if lo <= len(desc) <= hi else
                 f"{'shorten' if len(desc) > hi else 'lengthen'} the description to {lo}–{hi} characters"),
    ))

    h1s = view.of_level(1)
    add(CheckResult(
        id="h1_count", label="Exactly one H1", value=len(h1s), expected="1",
        status="pass" if len(h1s) == 1 else "fail",
        message="" if len(h1s) == 1 else ("add one H1 heading" if not h1s else "keep one H1; make the others H2"),
    ))
    skips = [
        f"H{prev.level}→H{cur.level} at “{cur.text}”"
        for prev, cur in zip(view.headings, view.headings[1:])
        if cur.level > prev.level + 1
    ]
    if view.headings and view.headings[0].level > 1 and not h1s:
        skips.insert(0, f"starts at H{view.headings[0].level}")
    add(CheckResult(
        id="heading_levels", label="No skipped heading levels", value=len(skips), expected="0 skips",
        status="pass" if not skips else "fail", message="; ".join(skips),
    ))

    def keyword_in(check_id: str, label: str, text: str, where: str, missing: Status = "fail") -> None:
        exact = count_phrase(words(text), key) > 0
        loose = not exact and contains_all_words(text, item.keyword)
        status: Status = "pass" if exact else ("warn" if loose else missing)
        message = "" if exact else (
            f"the keyword's words are in the {where} but not as one phrase" if loose
            else f"put “{item.keyword}” in the {where}"
        )
        add(CheckResult(id=check_id, label=label, value="yes" if exact else ("partly" if loose else "no"),
                        expected="the exact key phrase", status=status, message=message))

    keyword_in("keyword_title", "Keyword in title", title, "title")
    keyword_in("keyword_h1", "Keyword in H1", " ".join(h.text for h in h1s), "H1")
    intro = " ".join(words(view.text_after_h1)[: rules.intro_words])
    keyword_in("keyword_intro", f"Keyword in first {rules.intro_words} words", intro,
               f"first {rules.intro_words} words")
    h2_hits = [h.text for h in view.of_level(2) if count_phrase(words(h.text), key)]
    add(CheckResult(
        id="keyword_h2", label="Keyword in an H2", value=len(h2_hits), expected="≥ 1 H2",
        status="pass" if h2_hits else "fail",
        message="" if h2_hits else f"use “{item.keyword}” in at least one H2 heading",
    ))

    occurrences = count_phrase(all_words, key)
    density = round(100.0 * occurrences / len(all_words), 2) if all_words else 0.0
    lo_d, hi_d = rules.density_pct
    if lo_d <= density <= hi_d:
        d_status: Status = "pass"
    elif occurrences == 0 or density > rules.density_fail_above_pct:
        d_status = "fail"
    else:
        d_status = "warn"
    add(CheckResult(
        id="keyword_density", label="Keyword density", value=density, expected=f"{lo_d}–{hi_d}% ({occurrences} uses)",
        status=d_status,
        message="" if d_status == "pass" else (
            f"use the keyword more often (now {occurrences} times in {len(all_words)} words)" if density < lo_d
            else f"use the keyword less often (now {occurrences} times in {len(all_words)} words)"),
    ))

    if item.target_words:
        ratio = (len(all_words) - item.target_words) / item.target_words
        status: Status = ("pass" if abs(ratio) <= rules.length_pass_ratio
                          else "warn" if abs(ratio) <= rules.length_warn_ratio else "fail")
        add(CheckResult(
            id="length", label="Length against the brief", value=len(all_words),
            expected=f"{item.target_words} words ±{rules.length_pass_ratio:.0%}", status=status,
            message="" if status == "pass" else
            f"{'cut' if ratio > 0 else 'add'} about {abs(len(all_words) - item.target_words)} words",
        ))

    readability = flesch_reading_ease(view.plain_text, item.language)
    score = readability.score
    r_status: Status = "pass" if score >= rules.flesch_pass else ("warn" if score >= rules.flesch_warn else "fail")
    hint = "" if r_status == "pass" else "use shorter sentences and simpler words"
    add(CheckResult(
        id="flesch", label="Flesch reading ease", value=score, expected=f"≥ {rules.flesch_pass:g}",
        status=r_status, message="; ".join(x for x in (hint, readability.note) if x),
    ))
    return AuditReport(keyword=item.keyword, language=readability.language, word_count=len(all_words), checks=checks)
