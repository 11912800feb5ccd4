"""Chart rules and rendering: shape decides, the question may ask, nothing is executed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from tools.sql.charts import choose_chart, render_html, render_text


def kind(columns, rows, question=""):  # type: ignore[no-untyped-def]
    spec, _ = choose_chart(columns, rows, question)
    return spec.kind if spec else None


MONTHLY = [[date(2024, m, 1), Decimal(100 + 7 * m)] for m in range(12, 0, -1)]
REGIONS = [["North", 10.0], ["South", 30.0], ["East", 60.0]]


def test_the_shape_chooses_the_chart() -> None:
    assert kind(["month", "revenue"], MONTHLY) == "line"
    assert kind(["year", "revenue"], [[2022, 5], [2023, 7], [2024, 9]]) == "line"
    assert kind(["region", "revenue"], REGIONS) == "bar"
    assert kind(["region", "revenue"], REGIONS, "What is each region's share of revenue?") == "pie"
    assert kind(["basket", "points"], [[1.5, 2], [3.0, 4], [4.5, 7]]) == "scatter"


def test_no_chart_for_listings_single_values_or_ids() -> None:
    assert kind(["n"], [[5]]) is None
    assert kind(["region", "revenue"], [["North", 1]]) is None
    assert kind(["member_id", "first_name", "city", "tier"], [[1, "A", "B", "gold"], [2, "C", "D", "basic"]]) is None
    assert kind(["member_id", "store_id"], [[1, 2], [3, 4]]) is None


def test_asking_for_a_kind_wins_when_the_data_allows_it() -> None:
    assert kind(["region", "revenue"], REGIONS, "revenue by region as a pie") == "pie"
    assert kind(["region", "revenue"], REGIONS, "show it as a line chart") == "line"
    spec, why = choose_chart(["region"], [["North"], ["South"]], "as a pie chart")
    assert spec is None and "two columns" in why
    spec, why = choose_chart(["region", "revenue"], REGIONS, "scatter plot please")
    assert spec is None and "two number columns" in why


def test_html_and_text_charts_are_written(tmp_path: Path) -> None:
    spec, _ = choose_chart(["month", "revenue"], MONTHLY, "revenue per month")
    html_path, png = render_html(spec, ["month", "revenue"], MONTHLY, tmp_path / "charts" / "c.html")
    page = html_path.read_text()
    assert "2024-01-01" in page and (tmp_path / "charts" / "plotly.min.js").is_file()
    assert "cdn.plot.ly" not in page  # works offline
    text = render_text(spec, ["month", "revenue"], MONTHLY)
    assert "2024-01-01 … 2024-12-01" in text  # drawn in time order though the rows were not
    assert "\x1b" not in text


def test_hostile_text_in_the_question_or_data_stays_text(tmp_path: Path) -> None:
    question = "revenue by region <script>alert('pwned')</script>"
    rows = [["<img src=x onerror=alert(1)>", 1.0], ["North", 2.0]]
    spec, _ = choose_chart(["region", "revenue"], rows, question)
    page = render_html(spec, ["region", "revenue"], rows, tmp_path / "x.html")[0].read_text()
    assert "<script>alert('pwned')</script>" not in page
    assert "<img src=x onerror=alert(1)>" not in page  # plotly writes the data as escaped JSON
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page
