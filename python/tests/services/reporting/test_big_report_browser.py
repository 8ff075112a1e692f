"""A report of 10^6 bars: under 10 MB, and every chart drawn by headless Chromium within a few seconds.

Slow (the run's states are made here, then ``finish`` and the browser): run it with ``make test-report-big``
(QTRADER_BIG_REPORT=1); the normal suite skips it. The screenshot is written beside the report (report.png)."""

from __future__ import annotations

import math
import os
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from qtrader.services.reporting import ReportingService

from .test_html_browser import ALL_CHARTS, _check_page, _chromium, _run_chromium

BARS = 1_000_000
pytestmark = pytest.mark.skipif(os.environ.get("QTRADER_BIG_REPORT") != "1",
                                reason="slow: run with make test-report-big (QTRADER_BIG_REPORT=1)")


def _feed(service: ReportingService, bars: int) -> None:
    """One-minute bars of a wave; a long of 10 shares opened every 400 bars and closed 200 bars later."""
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    cash, qty, entry = Decimal(100000), Decimal(0), None
    for i in range(bars):
        t = t0 + timedelta(minutes=i)
        close = Decimal(f"{100 + 20 * math.sin(i / 5000) + 3 * math.sin(i / 37):.2f}")
        service.observe(SimpleNamespace(event_type="PriceBar", symbol="SYN", occurred_at=t, close=close))
        closed = None
        if i % 400 == 10 and not qty:
            qty, entry = Decimal(10), (t, close)
            cash -= qty * close
            service.observe(SimpleNamespace(event_type="Fill", fill_id=f"f{i}", strategy_id="s", quantity=qty,
                                            price=close))
        elif i % 400 == 210 and qty:
            gross = qty * (close - entry[1])
            closed = [SimpleNamespace(symbol="SYN", quantity=qty, opened_at=entry[0], open_price=entry[1],
                                      closed_at=t, close_price=close, gross_pnl=gross, commission=Decimal(0),
                                      realized_pnl=gross, lot_id=f"f{i - 200}")]
            service.observe(SimpleNamespace(event_type="Fill", fill_id=f"x{i}", strategy_id="s", quantity=qty,
                                            price=close))
            cash, qty = cash + qty * close, Decimal(0)
        mv = qty * close
        service.observe(SimpleNamespace(
            event_type="PortfolioState", occurred_at=t, cash=cash, market_value=mv, equity=cash + mv,
            gross_exposure=abs(mv), leverage=Decimal(0), positions=[SimpleNamespace(quantity=qty)] if qty else [],
            closed_lots=closed))


def test_a_million_bar_report_is_small_and_draws_every_chart(tmp_path: Path) -> None:
    binary = _chromium()
    service = ReportingService({"benchmark": {"symbol": "SYN"}, "periods_per_year": 252 * 390})
    _feed(service, BARS)
    started = time.perf_counter()
    service.finish(tmp_path, {"name": "million"})
    finish_seconds = time.perf_counter() - started
    report = tmp_path / "report.html"
    size = report.stat().st_size
    assert size < 10 * 1024 * 1024, size
    started = time.perf_counter()
    _check_page(binary, report, ALL_CHARTS, set())
    browser_seconds = time.perf_counter() - started
    shot = Path(os.environ.get("QTRADER_BIG_REPORT_SHOT", tmp_path / "report.png"))
    result = _run_chromium(binary, f"--screenshot={shot}", "--window-size=1400,6000", report.as_uri())
    assert result.returncode == 0 and shot.stat().st_size > 10_000
    print(f"\n10^6 bars: report.html {size / 1e6:.2f} MB, finish {finish_seconds:.1f} s, "
          f"headless Chromium load and draw {browser_seconds:.1f} s, screenshot {shot}")
    assert browser_seconds < 30  # "a few seconds" on a quiet machine; bounded loosely for a busy shared one
