"""The GOOG example's own report: its metrics against empyrical on the run's daily returns, and its HTML in a
real browser."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import empyrical
import numpy as np
import pandas as pd
import pytest

from qtrader.engine.backtest import BacktestEngine

from services.reporting.test_html_browser import ALL_CHARTS, _check_page, _chromium, _run_chromium

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "python/examples/sma_crossover_goog.yaml"
CHARTS = ALL_CHARTS


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example") / "run"
    BacktestEngine.from_yaml(EXAMPLE, output_dir=out).run()
    return out


def _returns(run_dir: Path) -> tuple[pd.Series, pd.Series]:
    with (run_dir / "equity.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    index = pd.to_datetime([r["timestamp"] for r in rows])
    equity = pd.Series([float(Decimal(r["equity"])) for r in rows], index=index)
    with (REPO / "python/examples/data/GOOG.csv").open() as handle:
        closes = {r[""]: float(r["Close"]) for r in csv.DictReader(handle)}
    benchmark = pd.Series([closes[t.strftime("%Y-%m-%d")] for t in index], index=index)
    return equity.pct_change().iloc[1:], benchmark.pct_change().iloc[1:]


def test_metrics_of_the_example_match_empyrical(run_dir: Path):
    """Same daily returns, same conventions (rf = 0, 252 periods a year): to 1e-9 relative."""
    metrics = json.loads((run_dir / "metrics.json").read_text())
    returns, benchmark = _returns(run_dir)
    alpha, beta = empyrical.alpha_beta(returns, benchmark)
    expected = {
        "total_return": empyrical.cum_returns_final(returns),
        "cagr": empyrical.annual_return(returns),
        "annual_volatility": empyrical.annual_volatility(returns),
        "sharpe_ratio": empyrical.sharpe_ratio(returns),
        "sortino_ratio": empyrical.sortino_ratio(returns),
        "max_drawdown": empyrical.max_drawdown(returns),
        "calmar_ratio": empyrical.calmar_ratio(returns),
        "var_95": empyrical.value_at_risk(returns, cutoff=0.05),
        "cvar_95": empyrical.conditional_value_at_risk(returns, cutoff=0.05),
        "var_99": empyrical.value_at_risk(returns, cutoff=0.01),
        "cvar_99": empyrical.conditional_value_at_risk(returns, cutoff=0.01),
        "alpha": alpha,
        "beta": beta,
    }
    assert len(returns) == 2147 and metrics["trade_count"] == 32
    for key, value in expected.items():
        assert metrics[key] == pytest.approx(float(value), rel=1e-9), key
    assert np.isfinite(list(expected.values())).all()


def test_the_example_report_renders_in_headless_chromium(run_dir: Path):
    binary = _chromium()
    report = run_dir / "report.html"
    dom = _check_page(binary, report, CHARTS, set())
    for chart in CHARTS:
        start = dom.index(f'id="{chart}"')
        assert 'class="main-svg"' in dom[start: start + 20_000]
    shot = run_dir / "report.png"
    result = _run_chromium(binary, f"--screenshot={shot}", "--window-size=1400,3000", report.as_uri())
    assert result.returncode == 0 and shot.stat().st_size > 10_000
