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


def _report_series(run_dir: Path):
    """The report's own gathered curve, rebuilt from the run's event log as ``qtrader report`` does."""
    import orjson

    from qtrader.contracts.validation import parse_event
    from qtrader.services.reporting import ReportingService

    service = ReportingService({"benchmark": {"symbol": "GOOG"}})
    with (run_dir / "events.jsonl").open("rb") as handle:
        for line in handle:
            service.observe(parse_event(orjson.loads(line)))
    return service.series()


def test_tearsheet_figures_of_the_example_match_quantstats(run_dir: Path):
    """Rolling Sharpe, volatility and beta at the same window, and the worst-drawdowns table, against quantstats
    on the same daily returns (quantstats' own pct_change of equity.csv, not ours): within 1e-9."""
    import quantstats as qs

    from qtrader.libraries.performance import rolling_beta, rolling_sharpe, rolling_volatility

    returns, benchmark = _returns(run_dir)
    returns.index = benchmark.index = returns.index.tz_localize(None)  # quantstats joins on naive dates
    series = _report_series(run_dir)
    assert len(series.returns) == len(returns)
    window = 126
    ours = {
        "sharpe": rolling_sharpe(series.returns, window),
        "volatility": rolling_volatility(series.returns, window),
        "beta": rolling_beta(series.returns, series.benchmark_returns, window),
    }
    theirs = {
        "sharpe": qs.stats.rolling_sharpe(returns, rolling_period=window, prepare_returns=False).to_numpy(),
        "volatility": qs.stats.rolling_volatility(returns, rolling_period=window, prepare_returns=False).to_numpy(),
        "beta": qs.stats.rolling_greeks(returns, benchmark, periods=window, prepare_returns=False)["beta"].to_numpy(),
    }
    for name, value in ours.items():
        expected = theirs[name]
        assert np.array_equal(np.isnan(value), np.isnan(expected)), name  # the first window - 1 are empty
        assert np.isnan(value[: window - 1]).all() and np.isfinite(value[window - 1:]).any(), name
        np.testing.assert_allclose(value, expected, rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=name)

    # worst drawdowns: quantstats counts an episode from its first to its last day under water (inclusive);
    # ours from the peak to the recovery. The same episodes, so: ours peak + 1 point = their start, recovery - 1
    # point (or the last point) = their end, our trough = their valley, the same depth.
    details = qs.stats.drawdown_details(qs.stats.to_drawdown_series(returns))
    details = details.sort_values("max drawdown", kind="stable").head(10)
    worst = series.worst_drawdowns[:10]
    times = series.times_at(range(series.n))
    assert len(worst) == len(details) == 10
    for episode, (_, row) in zip(worst, details.iterrows()):
        start = times[episode.peak_index + 1]
        end = times[episode.recovery_index - 1] if episode.recovered else times[-1]
        assert (start.strftime("%Y-%m-%d"), episode.trough_time.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")) == (
            row["start"], row["valley"], row["end"])
        assert episode.depth * 100 == pytest.approx(row["max drawdown"], rel=1e-9, abs=1e-12)
        assert (end - start).days + 1 == row["days"]
        # our length: peak to recovery (or to the last point), in calendar days
        recovery = episode.recovery_time if episode.recovered else times[-1]
        assert episode.duration_days == (recovery - episode.peak_time).total_seconds() / 86400


def test_the_benchmark_column_of_the_example_matches_empyrical_on_the_closes(run_dir: Path):
    """The benchmark's own figures beside the strategy's: empyrical on GOOG's daily close-to-close returns."""
    from qtrader.services.reporting.config import ReportingConfig
    from qtrader.services.reporting.tearsheet import benchmark_metrics

    _, benchmark = _returns(run_dir)
    ours = benchmark_metrics(_report_series(run_dir), ReportingConfig())
    expected = {
        "total_return": empyrical.cum_returns_final(benchmark),
        "cagr": empyrical.annual_return(benchmark),
        "annual_volatility": empyrical.annual_volatility(benchmark),
        "sharpe_ratio": empyrical.sharpe_ratio(benchmark),
        "max_drawdown": empyrical.max_drawdown(benchmark),
    }
    for key, value in expected.items():
        assert ours[key] == pytest.approx(float(value), rel=1e-9), key
