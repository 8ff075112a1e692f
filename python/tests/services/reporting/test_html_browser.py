"""The report in a real browser: headless Chromium opens report.html from a run built on real GOOG closes, runs
its JavaScript, and the DOM must show every chart drawn (data-rendered="1"), no console message and no
uncaught error. A screenshot is written next to the report (report.png) for a person to look at."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from qtrader.services.reporting import ReportingService

from .factory import Events, closed_lot

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--virtual-time-budget=20000"]


#: Every chart of a run with trades and a benchmark, long enough for the rolling windows.
ALL_CHARTS = {"chart-equity", "chart-drawdown", "chart-cumulative", "chart-rolling-sharpe", "chart-rolling-volatility",
              "chart-rolling-beta", "chart-exposure", "chart-positions", "chart-trades-on-price", "chart-returns",
              "chart-trade-pnl"}


def _chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.skip("headless Chromium not installed: run tools/install_chromium.sh")


def _run_chromium(binary: str, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="qtrader-chromium-") as profile:
        return subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120, check=False)


def _goog_run(repo: Path, run_dir: Path, bars: int = 400) -> dict:
    """A run on GOOG's closes: a long of 100 shares opened every 40 bars and closed 20 bars later."""
    with (repo / "python/examples/data/GOOG.csv").open() as handle:
        rows = list(csv.reader(handle))[1 : bars + 1]
    ev = Events()
    cash, qty, entry = Decimal(100000), Decimal(0), None
    for i, row in enumerate(rows):
        ts, close = datetime.fromisoformat(row[0]).replace(tzinfo=UTC), Decimal(row[4])
        ev.bar(ts, close)
        closed = None
        if i % 40 == 5 and not qty:
            qty, entry = Decimal(100), (ts, close)
            cash -= qty * close
            ev.fill(ts, qty, close)
        elif i % 40 == 25 and qty:
            ev.fill(ts, qty, close, side="SELL")
            closed = [closed_lot(f"lot-{i}", qty, entry[1], close, entry[0], ts, commission=1)]
            cash, qty = cash + qty * close - 1, Decimal(0)
        if i % 50 == 7:
            ev.rejected(ts, "MAX_POSITIONS")
        ev.state(ts, cash, {"GOOG": (qty, close)} if qty else None, closed=closed)
    config = {"name": "goog-browser-test", "reporting": {"benchmark": {"symbol": "GOOG"}}}
    service = ReportingService(config["reporting"])
    for event in ev.log:
        service.observe(event)
    return service.finish(run_dir, config)


def _check_page(binary: str, report: Path, expected_rendered: set[str], expected_empty: set[str]) -> str:
    result = _run_chromium(binary, "--enable-logging=stderr", "--v=0", "--dump-dom", report.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == [], "\n".join(console)
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert "data-report-errors" not in body, body
    assert f'data-charts="{len(expected_rendered)}"' in body, body  # set by the page script: it ran to the end
    states = dict(re.findall(r'data-chart="([a-z-]+)" data-rendered="([a-z0-9]+)"', dom))
    assert {k for k, v in states.items() if v == "1"} == expected_rendered, states
    assert {k for k, v in states.items() if v == "empty"} == expected_empty, states
    return dom


def test_report_renders_in_headless_chromium(repo: Path, tmp_path: Path) -> None:
    binary = _chromium()
    run_dir = tmp_path / "run"
    metrics = _goog_run(repo, run_dir)
    assert metrics["trade_count"] == 10  # opened at bars 5, 45, ..., 365 and closed 20 bars later
    report = run_dir / "report.html"
    assert report.stat().st_size < 10 * 1024 * 1024
    dom = _check_page(binary, report, ALL_CHARTS, set())
    # each chart drew an SVG with at least one non-empty trace path
    for chart in ALL_CHARTS:
        start = dom.index(f'id="{chart}"')
        assert 'class="main-svg"' in dom[start : start + 20_000]
    shot = run_dir / "report.png"
    result = _run_chromium(binary, f"--screenshot={shot}", "--window-size=1400,3000", report.as_uri())
    assert result.returncode == 0 and shot.stat().st_size > 10_000


def test_report_without_trades_renders(tmp_path: Path) -> None:
    binary = _chromium()
    ev = Events()
    for i, equity in enumerate(["1000", "1000", "1000"]):
        ev.state(datetime(2024, 1, 1 + i, tzinfo=UTC), equity)
    service = ReportingService()
    for event in ev.log:
        service.observe(event)
    service.finish(tmp_path, {})
    _check_page(binary, tmp_path / "report.html",
                {"chart-equity", "chart-drawdown", "chart-cumulative", "chart-exposure", "chart-positions",
                 "chart-returns"},
                {"chart-trade-pnl", "chart-rolling-sharpe", "chart-rolling-volatility", "chart-rolling-beta",
                 "chart-trades-on-price"})
