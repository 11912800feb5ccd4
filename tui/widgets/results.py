"""Rich results shown in place in an answer: tables (with their SQL), charts, PDF sources.

Which widget a TableResult gets is read from what it carries: a `sql` makes it a query result,
the columns file/page/snippet make it a list of PDF sources, anything else is a plain table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Collapsible, DataTable, Static

from agents.events import ChartResult, TableResult

TABLE_MAX_HEIGHT = 15
SNIPPET_CHARS = 160
# Cells of a "status" column (the SEO audit's) get a mark and a colour.
STATUS_STYLES = {"pass": ("✓", "green"), "ok": ("✓", "green"), "warn": ("!", "yellow"), "fail": ("✗", "red")}


def is_sources(event: TableResult) -> bool:
    columns = {c.lower() for c in event.columns}
    return event.sql is None and {"file", "page", "snippet"} <= columns


def _cell(value: Any, column: str) -> str | Text:
    if value is None:
        return ""
    if column.lower() == "status" and str(value).lower() in STATUS_STYLES:
        mark, style = STATUS_STYLES[str(value).lower()]
        return Text(f"{mark} {value}", style=style)
    return str(value)


def make_table(event: TableResult) -> DataTable:
    table: DataTable = DataTable(zebra_stripes=True, show_cursor=False)
    table.styles.height = min(len(event.rows) + 2, TABLE_MAX_HEIGHT)
    table.add_columns(*event.columns)
    table.add_rows([[_cell(v, c) for v, c in zip(row, event.columns)] for row in event.rows])
    return table


def row_count_note(event: TableResult) -> str:
    n = len(event.rows)
    note = f"{n:,} row{'s' if n != 1 else ''}"
    if event.truncated:
        note += " — truncated: the query returned more rows than are shown"
    return note


class TableView(Vertical):
    """A table result: the SQL that made it (when there is one), the rows, and a count."""

    DEFAULT_CSS = """
    TableView { height: auto; margin: 1 0 0 0; }
    TableView > Collapsible { background: transparent; border-top: none; padding: 0; }
    TableView > Collapsible > Contents { padding: 0 0 0 2; }
    TableView > .row-count { color: $text-muted; padding: 0 1; }
    TableView > .row-count.-truncated { color: $text-warning; }
    """

    def __init__(self, event: TableResult, sql_in_text: bool = False) -> None:
        super().__init__()
        self.event = event
        # When the answer's text already shows the SQL, the copy here starts folded.
        self.sql_in_text = sql_in_text

    def compose(self):  # type: ignore[no-untyped-def]
        event = self.event
        if event.sql:
            code = Static(Syntax(event.sql, "sql", word_wrap=True, background_color="default"), classes="sql")
            yield Collapsible(code, title="SQL", collapsed=self.sql_in_text)
        yield make_table(event)
        yield Static(Text(row_count_note(event)), classes="row-count" + (" -truncated" if event.truncated else ""))


class SourcesList(Static):
    """PDF sources, one line each: [n] file p.page — snippet."""

    DEFAULT_CSS = """
    SourcesList { margin: 1 0 0 0; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, event: TableResult) -> None:
        self.event = event
        super().__init__(self.render_sources(event))

    @staticmethod
    def render_sources(event: TableResult) -> Text:
        index = {c.lower(): i for i, c in enumerate(event.columns)}
        text = Text("Sources\n", style="bold")
        for number, row in enumerate(event.rows, 1):
            def get(name: str) -> Any:
                return row[index[name]] if name in index and index[name] < len(row) else None

            label = get("#") or number
            page = f"p. {get('page')}"
            printed = get("printed page")
            if printed not in (None, "") and str(printed) != str(get("page")):
                page += f" (printed {printed})"
            snippet = " ".join(str(get("snippet") or "").split())
            if len(snippet) > SNIPPET_CHARS:
                snippet = snippet[:SNIPPET_CHARS] + "…"
            text.append(f"[{label}] ", style="bold")
            text.append(f"{get('file')}", style="underline")
            text.append(f" {page}")
            if snippet:
                text.append(f" — {snippet}", style="italic")
            text.append("\n")
        text.rstrip()
        return text


class ChartView(Static):
    """A chart drawn with characters; `o` on the answer, or a click, opens the plotly HTML."""

    DEFAULT_CSS = """
    ChartView { margin: 1 0 0 0; padding: 0 1; }
    ChartView.-openable:hover { background: $boost; }
    """

    class OpenRequested(Message):
        def __init__(self, chart: ChartView) -> None:
            super().__init__()
            self.chart = chart

    def __init__(self, event: ChartResult) -> None:
        self.event = event
        text = Text()
        if event.title:
            text.append(f"{event.title}\n", style="bold")
        text.append(event.text_chart.rstrip("\n"))
        if event.html_path:
            text.append("\npress o to open the chart (or click it)", style="dim italic")
        super().__init__(text, classes="-openable" if event.html_path else "")

    @property
    def html_path(self) -> Path | None:
        return Path(self.event.html_path) if self.event.html_path else None

    def on_click(self) -> None:
        if self.event.html_path:
            self.post_message(self.OpenRequested(self))
