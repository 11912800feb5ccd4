"""Reports of a run: the terminal summary, JUnit XML, JSON, and a self-contained HTML page."""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from tui.convo.assertions import shorten
from tui.convo.results import ConvoResult, RunSummary, TurnResult


def summary_text(summary: RunSummary) -> str:
    c = summary.counts
    lines: list[str] = []
    for result in summary.results:
        if result.passed:
            continue
        run = f" (run {result.run})" if summary.repeat > 1 else ""
        lines.append(f"FAIL {result.name}{run}  [{result.path}]")
        lines += [f"  {line}" for line in result.failure_lines()]
    if summary.repeat > 1:
        lines.append(stability_text(summary))
    written = [r.cassette_written for r in summary.results if r.cassette_written]
    if written:
        lines.append(f"cassettes written: {len(written)}")
    verdict = "passed" if summary.passed else "FAILED"
    lines.append(
        f"{verdict}: {c['conversations'] - c['conversations_failed']}/{c['conversations']} conversations, "
        f"{c['turns'] - c['turns_failed'] - c['turns_skipped']}/{c['turns']} turns passed"
        + (f", {c['turns_skipped']} skipped" if c["turns_skipped"] else "")
        + f" ({summary.mode}, {summary.elapsed_ms / 1000:.2f} s)"
    )
    return "\n".join(lines)


def stability_text(summary: RunSummary) -> str:
    rows = summary.stability()
    flaky = [s for s in rows if s.flaky]
    lines = [f"pass rate per turn over {summary.repeat} runs:"]
    for s in rows:
        mark = "  flaky" if s.flaky else ""
        lines.append(f"  {s.pass_rate:6.0%}  {s.name} turn {s.turn} ({shorten(s.user, 50)!r}){mark}")
    lines.append(f"flaky turns: {len(flaky)} of {len(rows)}")
    return "\n".join(lines)


def write_json(summary: RunSummary, path: Path) -> None:
    path.write_text(json.dumps(summary.as_json(), indent=2, ensure_ascii=False), encoding="utf-8")


def _turn_case_name(turn: TurnResult) -> str:
    return f"turn {turn.index}: {turn.name or shorten(turn.user, 70) or '(empty)'}"


def junit_tree(summary: RunSummary) -> ET.ElementTree:
    """One <testsuite> per conversation run, one <testcase> per turn (JUnit's common dialect,
    as Jenkins, GitLab and GitHub test reporters read it)."""
    root = ET.Element("testsuites", name="maitre conversations")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for result in summary.results:
        suite_name = result.name + (f" (run {result.run})" if summary.repeat > 1 else "")
        suite = ET.SubElement(root, "testsuite", name=suite_name, file=result.path)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        if result.problem:
            case = ET.SubElement(suite, "testcase", classname=result.name, name="setup", time="0")
            ET.SubElement(case, "error", message=shorten(result.problem, 200)).text = result.problem
            counts["tests"] += 1
            counts["errors"] += 1
        for turn in result.turns:
            case = ET.SubElement(
                suite, "testcase", classname=result.name, name=_turn_case_name(turn), time=f"{turn.elapsed_ms / 1000:.3f}"
            )
            counts["tests"] += 1
            if turn.skipped:
                ET.SubElement(case, "skipped", message=turn.skipped)
                counts["skipped"] += 1
            elif turn.failures:
                text = "\n".join(str(f) for f in turn.failures)
                ET.SubElement(case, "failure", message=shorten(str(turn.failures[0]), 200), type="expectation").text = text
                counts["failures"] += 1
            out = ET.SubElement(case, "system-out")
            out.text = f"route: {turn.route} ({turn.stage})\nstatus: {turn.status}\nanswer: {turn.answer}"
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", f"{result.elapsed_ms / 1000:.3f}")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{summary.elapsed_ms / 1000:.3f}")
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(summary: RunSummary, path: Path) -> None:
    junit_tree(summary).write(path, encoding="utf-8", xml_declaration=True)


_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222;padding:0 1em}
h1{font-size:1.4em} .pass{color:#176f2c} .fail{color:#b3261e} .skip{color:#8a6d00}
details{border:1px solid #ddd;border-radius:6px;margin:.5em 0;padding:.3em .8em}
summary{cursor:pointer;font-weight:600} table{border-collapse:collapse;width:100%;margin:.4em 0}
td,th{border-bottom:1px solid #eee;padding:.2em .4em;text-align:left;vertical-align:top;font-size:13px}
code,pre{font:12px ui-monospace,monospace;white-space:pre-wrap;word-break:break-word}
.badge{display:inline-block;border-radius:4px;padding:0 .4em;background:#eef;font-size:12px;margin-right:.3em}
ul.fails{color:#b3261e;margin:.3em 0}
"""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _event_row(event: dict[str, object]) -> str:
    kind = str(event.get("type", "?"))
    details = {k: v for k, v in event.items() if k not in ("type", "ts")}
    body = details.get("text") if kind == "text_delta" else json.dumps(details, ensure_ascii=False, default=str)
    return f"<tr><td><code>{_esc(kind)}</code></td><td><code>{_esc(shorten(str(body), 2000))}</code></td></tr>"


def _turn_html(turn: TurnResult) -> str:
    state = "skip" if turn.skipped else ("pass" if turn.passed else "fail")
    label = {"pass": "✔", "fail": "✘", "skip": "–"}[state]
    head = (f"<summary class='{state}'>{label} turn {turn.index}: {_esc(shorten(turn.user, 90) or '(empty)')}"
            f" <span class='badge'>{_esc(turn.route or '—')} · {_esc(turn.stage or '—')}</span>"
            f"<span class='badge'>{turn.elapsed_ms:.0f} ms</span><span class='badge'>{_esc(turn.status)}</span></summary>")
    parts = [head]
    if turn.skipped:
        parts.append(f"<p class='skip'>{_esc(turn.skipped)}</p>")
    if turn.failures:
        parts.append("<ul class='fails'>" + "".join(f"<li>{_esc(f.expectation)}: {_esc(f.message)}</li>" for f in turn.failures) + "</ul>")
    if turn.checked:
        parts.append(f"<p>checked: {_esc(', '.join(turn.checked))}"
                     + (f" · judge score {turn.judge_score:.2f}" if turn.judge_score is not None else "") + "</p>")
    if turn.answer:
        parts.append(f"<p>answer:</p><pre>{_esc(turn.answer)}</pre>")
    if turn.events:
        parts.append("<table><tr><th>event</th><th>content</th></tr>" + "".join(_event_row(e) for e in turn.events) + "</table>")
    return f"<details{' open' if state == 'fail' else ''}>{''.join(parts)}</details>"


def _convo_html(result: ConvoResult) -> str:
    state = "pass" if result.passed else "fail"
    run = f" · run {result.run}" if result.run > 1 else ""
    head = (f"<h2 class='{state}'>{'✔' if result.passed else '✘'} {_esc(result.name)}{run}</h2>"
            f"<p><code>{_esc(result.path)}</code> · {_esc(result.mode)} · {_esc(result.backend or '—')} · "
            f"{result.elapsed_ms:.0f} ms (setup {result.setup_ms:.0f} ms)</p>")
    problem = f"<p class='fail'>{_esc(result.problem)}</p>" if result.problem else ""
    return head + problem + "".join(_turn_html(t) for t in result.turns)


def html_report(summary: RunSummary) -> str:
    c = summary.counts
    verdict = "passed" if summary.passed else "failed"
    stability = ""
    if summary.repeat > 1:
        rows = "".join(
            f"<tr><td>{_esc(s.name)}</td><td>{s.turn}</td><td>{_esc(shorten(s.user, 60))}</td>"
            f"<td>{s.pass_rate:.0%}</td><td>{'flaky' if s.flaky else ''}</td></tr>"
            for s in summary.stability()
        )
        stability = f"<h2>Pass rate per turn ({summary.repeat} runs)</h2><table><tr><th>conversation</th><th>turn</th><th>user</th><th>pass rate</th><th></th></tr>{rows}</table>"
    body = "".join(_convo_html(r) for r in summary.results)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>maitre conversation tests</title>"
        f"<style>{_CSS}</style></head><body><h1 class='{'pass' if summary.passed else 'fail'}'>maitre conversation "
        f"tests: {verdict}</h1><p>{c['conversations'] - c['conversations_failed']}/{c['conversations']} conversations, "
        f"{c['turns'] - c['turns_failed'] - c['turns_skipped']}/{c['turns']} turns passed · mode {summary.mode} · "
        f"{summary.elapsed_ms / 1000:.2f} s</p>{stability}{body}</body></html>"
    )


def write_html(summary: RunSummary, path: Path) -> None:
    path.write_text(html_report(summary), encoding="utf-8")
