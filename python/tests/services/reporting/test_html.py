"""The HTML page without a browser: self-contained, escaped, monthly table and chart helpers."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from qtrader.services.reporting.charts import decimate, histogram_bins, time_labels
from qtrader.services.reporting.html import ReportData, build_html
from qtrader.services.reporting.monthly import monthly_returns

D = Decimal


def _row(y: int, m: int, d: int, equity: str) -> dict:
    return {"timestamp": datetime(y, m, d, tzinfo=UTC), "equity": D(equity), "drawdown": D(0)}


def test_monthly_returns_hand_computed() -> None:
    rows = [_row(2023, 12, 1, "100"), _row(2023, 12, 29, "110"), _row(2024, 1, 15, "99"),
            _row(2024, 1, 31, "121"), _row(2024, 3, 1, "133.1")]
    table = monthly_returns(rows)
    # Dec 2023: 110/100 - 1 = 0.1 (the first month's base is the first point); year 2023 the same
    # Jan 2024: 121/110 - 1 = 0.1; Mar 2024 (no Feb point): 133.1/121 - 1 = 0.1; year 2024: 133.1/110 - 1 = 0.21
    assert table == {2023: {12: 0.1, "year": 0.1}, 2024: {1: 0.1, 3: 0.1, "year": 0.21}}


def test_page_is_self_contained_and_escaped() -> None:
    rows = [{**_row(2024, 1, i, str(100 + i)), "cash": D(0), "market_value": D(0), "gross_exposure": D(0),
             "leverage": D(0)} for i in range(1, 6)]
    data = ReportData(title="<b>x</b>", equity_rows=rows, trade_rows=[], metrics={"total_return": 0.04},
                      run_config={"name": "</script><script>alert(1)</script>"})
    page = build_html(data)
    assert "<title>&lt;b&gt;x&lt;/b&gt;</title>" in page
    assert "<script>alert(1)" not in page
    assert not re.search(r"<script[^>]+src=", page) and not re.search(r"<link[^>]+href=", page)
    assert "plotly.js v" in page[:2_000_000]  # the bundle itself is inlined
    specs = json.loads(re.search(r'id="qtrader-chart-specs">(.*?)</script>', page, re.S).group(1))
    # 5 points: too few for a 126-period rolling window; no benchmark, no rolling beta
    assert [s["id"] for s in specs] == ["chart-equity", "chart-drawdown", "chart-cumulative", "chart-exposure",
                                        "chart-returns"]
    assert specs[0]["data"][0]["y"] == [101.0, 102.0, 103.0, 104.0, 105.0]
    assert 'data-rendered="empty"><p>no trades</p>' in page


def test_page_without_data_has_no_script() -> None:
    page = build_html(ReportData(title="empty", equity_rows=[], trade_rows=[], metrics={}))
    assert "<script" not in page  # nothing to draw: no 4.8 MB bundle either
    assert page.count('data-rendered="empty"') == 11


def test_decimate_keeps_extremes_and_bounds_the_size() -> None:
    values = [float(i % 1000) for i in range(100_000)]
    values[54_321] = -5.0  # a single deep trough must survive
    idx = decimate(values, max_points=4000)
    assert len(idx) <= 4000 and idx == sorted(set(idx))
    assert 54_321 in idx and idx[0] == 0 and idx[-1] == 99_999
    assert decimate([1.0, 2.0], 4000) == [0, 1]


def test_histogram_bins_and_time_labels() -> None:
    centers, widths, counts = histogram_bins([0.0, 1.0, 2.0, 3.0])
    assert sum(counts) == 4 and len(centers) == 5  # at least 5 bins over [0, 3]
    assert widths == pytest.approx([0.6] * 5)  # (3 - 0) / 5
    assert histogram_bins([2.0, 2.0]) == ([2.0], [0.04], [2])  # one value: one bin of 2 x 1% around it
    assert time_labels([datetime(2024, 1, 2, tzinfo=UTC)]) == ["2024-01-02"]
    assert time_labels([datetime(2024, 1, 2, 15, 30, tzinfo=UTC)]) == ["2024-01-02 15:30:00"]
