"""Charts for query results, chosen by rules from the result's shape or asked for by name.

Rules: a time column and a number -> line; one label and one number -> bar (or pie when the
question asks for shares); two numbers -> scatter. The chart is drawn from the data alone:
plotly writes an HTML file (and a PNG when kaleido is installed) and plotext draws it with
characters for the terminal. Nothing a model wrote is ever run as code; the only text taken
from outside the data is the title, which is escaped.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

ChartKind = Literal["line", "bar", "pie", "scatter"]
MAX_BARS = 40
MAX_PIE_SLICES = 10
_ASKED = re.compile(r"\b(line|bar|pie|scatter)\s*(?:chart|graph|plot)?\b|\bas an? (line|bar|pie|scatter)\b", re.I)
_SHARE = re.compile(r"\b(share|shares|proportion|percentage|percent|breakdown|split|mix)\b", re.I)
_TIME_NAME = re.compile(r"(date|day|week|month|year|quarter|time|_at|_on)$", re.I)
_ID_NAME = re.compile(r"(^id$|_id$|^id_|code$|^sku$)", re.I)
MAX_AUTO_COLUMNS = 3  # wider results are listings: charted only when asked
# plotext draws on one global figure: renders must not interleave across worker threads.
_PLOTEXT_LOCK = threading.Lock()


@dataclass(frozen=True)
class ChartSpec:
    kind: ChartKind
    x: int  # column index of the labels / x axis
    ys: tuple[int, ...]  # column indexes of the numbers
    title: str


def asked_kind(question: str) -> ChartKind | None:
    match = _ASKED.search(question)
    if not match:
        return None
    return (match.group(1) or match.group(2)).lower()  # type: ignore[return-value]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _is_time(value: Any) -> bool:
    return isinstance(value, (date, datetime))


def column_roles(columns: list[str], rows: list[list[Any]]) -> list[str]:
    """'time', 'number' or 'label' for each column, from its values (NULLs ignored)."""
    roles = []
    for i, name in enumerate(columns):
        values = [row[i] for row in rows if row[i] is not None]
        if values and all(_is_time(v) for v in values):
            roles.append("time")
        elif values and all(_is_number(v) for v in values) and not _ID_NAME.search(name):
            whole_years = all(float(v).is_integer() and 1900 <= float(v) <= 2100 for v in values)
            roles.append("time" if whole_years and _TIME_NAME.search(name) else "number")
        else:
            roles.append("label")
    return roles


def choose_chart(columns: list[str], rows: list[list[Any]], question: str = "") -> tuple[ChartSpec | None, str]:
    """The chart for this result, or None and the reason (empty when no chart is simply apt)."""
    wanted = asked_kind(question)
    if len(rows) < 2 or len(columns) < 2:
        return None, ("a chart needs at least two rows and two columns" if wanted else "")
    roles = column_roles(columns, rows)
    numbers = [i for i, r in enumerate(roles) if r == "number"]
    times = [i for i, r in enumerate(roles) if r == "time"]
    labels = [i for i, r in enumerate(roles) if r == "label"]
    title = html.escape(" ".join(question.split())[:90]) or ", ".join(columns)
    x = (times or labels or [None])[0]
    if wanted is None:
        if len(columns) > MAX_AUTO_COLUMNS or len(times) + len(labels) > 1:
            return None, ""
        if times and numbers:
            wanted = "line"
        elif labels and numbers:
            wanted = "pie" if _SHARE.search(question) and len(rows) <= MAX_PIE_SLICES else "bar"
        elif len(numbers) >= 2:
            wanted = "scatter"
        else:
            return None, ""
    if wanted == "scatter":
        if len(numbers) < 2:
            return None, "a scatter chart needs two number columns"
        return ChartSpec("scatter", numbers[0], (numbers[1],), title), ""
    if x is None:
        x = numbers[0] if len(numbers) >= 2 else None
    ys = tuple(i for i in numbers if i != x)
    if x is None or not ys:
        return None, f"a {wanted} chart needs a label or date column and a number column"
    if wanted == "pie":
        if len(rows) > MAX_PIE_SLICES or any(float(r[ys[0]] or 0) < 0 for r in rows):
            return None, f"a pie chart needs at most {MAX_PIE_SLICES} rows of positive numbers"
        return ChartSpec("pie", x, ys[:1], title), ""
    if wanted == "bar" and len(rows) > MAX_BARS:
        return None, f"a bar chart of {len(rows)} rows would be unreadable; ask for the top {MAX_BARS} or fewer"
    return ChartSpec(wanted, x, ys[:3], title), ""


def chart_rows(spec: ChartSpec, rows: list[list[Any]]) -> list[list[Any]]:
    """Rows in drawing order: a line goes left to right in time."""
    if spec.kind != "line":
        return rows
    try:
        return sorted(rows, key=lambda r: (r[spec.x] is None, r[spec.x]))
    except TypeError:
        return rows


def _label(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "NULL" if value is None else str(value)


def _number(value: Any) -> float:
    return 0.0 if value is None else float(value)


def render_html(spec: ChartSpec, columns: list[str], rows: list[list[Any]], path: Path) -> tuple[Path, Path | None]:
    """Write the chart as HTML (plotly.js is written once beside it) and, with kaleido, as PNG."""
    import plotly.graph_objects as go

    path.parent.mkdir(parents=True, exist_ok=True)
    rows = chart_rows(spec, rows)
    xs = [_label(r[spec.x]) if spec.kind != "scatter" else _number(r[spec.x]) for r in rows]
    figure = go.Figure()
    for y in spec.ys:
        ys = [_number(r[y]) for r in rows]
        if spec.kind == "line":
            figure.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", name=columns[y]))
        elif spec.kind == "bar":
            figure.add_trace(go.Bar(x=xs, y=ys, name=columns[y]))
        elif spec.kind == "pie":
            figure.add_trace(go.Pie(labels=xs, values=ys, name=columns[y]))
        else:
            figure.add_trace(go.Scatter(x=xs, y=ys, mode="markers", name=columns[y]))
    figure.update_layout(title=spec.title, template="plotly_white")
    if spec.kind != "pie":
        figure.update_xaxes(title=columns[spec.x])
        figure.update_yaxes(title=columns[spec.ys[0]] if len(spec.ys) == 1 else "")
    # "directory": one plotly.min.js shared by every chart in the folder, so charts open offline.
    figure.write_html(str(path), include_plotlyjs="directory", full_html=True)
    png: Path | None = None
    try:
        import kaleido  # noqa: F401  (optional: PNG export)

        png = path.with_suffix(".png")
        figure.write_image(str(png))
    except Exception:
        png = None
    return path, png


def render_text(spec: ChartSpec, columns: list[str], rows: list[list[Any]], width: int = 72, height: int = 16) -> str:
    """The chart drawn with characters (plotext), without colours."""
    import plotext as plt

    rows = chart_rows(spec, rows)
    with _PLOTEXT_LOCK:
        figure = plt.figure
        figure.clear()
        plt.terminal.limit(False, False)
        figure.plot_size(width, height)
        y = spec.ys[0]
        if spec.kind == "scatter":
            figure.draw(figure.signal([_number(r[spec.x]) for r in rows], [_number(r[y]) for r in rows]))
            figure.label(columns[spec.x], axis="x")
        elif spec.kind == "line":
            figure.draw(figure.signal(list(range(1, len(rows) + 1)), [_number(r[y]) for r in rows]))
            figure.label(f"{columns[spec.x]}: {_label(rows[0][spec.x])} … {_label(rows[-1][spec.x])}", axis="x")
        else:
            values = [_number(r[y]) for r in rows]
            if spec.kind == "pie":  # no pies in a terminal: the shares as bars, in percent
                total = sum(values) or 1.0
                values = [round(100 * v / total, 1) for v in values]
            labels = [_label(r[spec.x])[:12] for r in rows]
            figure.draw(figure.bar(labels, values))
        figure.title(f"{columns[y]}{' (% of total)' if spec.kind == 'pie' else ''}")
        return figure.build().string(colorless=True).rstrip("\n")
