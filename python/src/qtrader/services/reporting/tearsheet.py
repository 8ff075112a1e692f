"""The tearsheet's deeper sections (issue #22): rolling Sharpe / volatility / beta, the worst drawdowns, the
benchmark's own metrics beside the strategy's, cumulative returns (linear or log), exposure and positions over
time, P&L by symbol and by strategy.

Everything here runs once, at ``finish``, on what the gathering kept (``CurveSeries``): numpy arrays, never
pandas, never a second pass over the curve. Long series are decimated exactly as the equity chart is.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from qtrader.libraries.performance import (
    DrawdownEpisode,
    annual_volatility,
    rolling_beta,
    rolling_sharpe,
    rolling_volatility,
    sharpe_ratio,
)
from qtrader.services.reporting.charts import CurveSeries, _floats, _layout, decimate_array, time_labels
from qtrader.services.reporting.config import ReportingConfig
from qtrader.services.reporting.formatting import format_metric, money

_BLUE, _GREY, _RED, _GREEN, _ORANGE = "#1f77b4", "#7f7f7f", "#d62728", "#2ca02c", "#ff7f0e"

#: (metric key, label) of the strategy-versus-benchmark table.
SIDE_BY_SIDE: tuple[tuple[str, str], ...] = (
    ("total_return", "Total return"),
    ("cagr", "CAGR"),
    ("annual_volatility", "Annual volatility"),
    ("sharpe_ratio", "Sharpe ratio"),
    ("max_drawdown", "Max drawdown"),
)


def benchmark_metrics(series: CurveSeries, settings: ReportingConfig) -> dict[str, Any] | None:
    """The benchmark's buy-and-hold curve measured as the strategy's is (same definitions, docs/metrics.md)."""
    stats = series.benchmark_stats
    if stats is None or not stats.n:
        return None
    rets = stats.returns()
    ppy, rf = settings.periods_per_year, settings.risk_free_rate
    mdd = stats.max_drawdown()
    return {
        "total_return": stats.total_return(),
        "cagr": stats.cagr(ppy),
        "annual_volatility": annual_volatility(rets, ppy),
        "sharpe_ratio": sharpe_ratio(rets, rf, ppy),
        "max_drawdown": None if mdd is None else mdd.depth,
    }


def _line_indices(values: np.ndarray) -> list[int]:
    """``decimate_array`` indices of a series that may hold NaN (no value): NaN is read as the median, which is
    never a bucket's extreme, so the real peaks and troughs are the ones kept."""
    nan = np.isnan(values)
    if not nan.any():
        return decimate_array(values)
    fill = float(np.median(values[~nan])) if (~nan).any() else 0.0
    return decimate_array(np.where(nan, fill, values))


def _line(series: CurveSeries, values: np.ndarray, offset: int, name: str, color: str,
          idx: list[int] | None = None) -> dict[str, Any]:
    """A line trace of ``values``, whose element k belongs to point ``k + offset`` of the curve."""
    idx = _line_indices(values) if idx is None else idx
    return {"type": "scatter", "mode": "lines", "name": name, "x": time_labels(series.times_at([i + offset for i in idx])),
            "y": _floats(values, idx), "line": {"color": color, "width": 1.5}}


def rolling_figures(series: CurveSeries, settings: ReportingConfig, benchmark_label: str | None
                    ) -> list[tuple[str, dict[str, Any] | None, str]]:
    """(chart id, figure or None, text when None) for the rolling Sharpe, volatility and beta."""
    r = series.returns
    ppy, rf = settings.periods_per_year, settings.risk_free_rate
    out: list[tuple[str, dict[str, Any] | None, str]] = []
    specs: tuple[tuple[str, int, str, str, Callable[[int], np.ndarray]], ...] = (
        ("chart-rolling-sharpe", settings.rolling_sharpe_window, "Rolling Sharpe ratio", "Sharpe (annualised)",
         lambda w: rolling_sharpe(r, w, rf, ppy)),
        ("chart-rolling-volatility", settings.rolling_volatility_window, "Rolling volatility",
         "Volatility (annualised, %)", lambda w: rolling_volatility(r, w, ppy) * 100),
    )
    for chart_id, window, title, y_title, compute in specs:
        values = compute(window)
        if not np.isfinite(values).any():
            out.append((chart_id, None, f"{title}: fewer than {window} period returns, or no dispersion"))
            continue
        data = [_line(series, values, 1, f"{title} ({window} periods)", _BLUE)]
        out.append((chart_id, {"data": data, "layout": _layout(f"{title}, {window}-period window", y_title,
                                                                xaxis={"type": "date"})}, ""))
    window = settings.rolling_beta_window
    bench = series.benchmark_returns
    if bench is None:
        out.append(("chart-rolling-beta", None, "no benchmark configured: no rolling beta"))
        return out
    values = rolling_beta(r, bench, window)
    if not np.isfinite(values).any():
        out.append(("chart-rolling-beta", None, f"no {window}-period window with a benchmark return in every period"))
        return out
    data = [_line(series, values, 1, f"Beta to {benchmark_label} ({window} periods)", _ORANGE)]
    out.append(("chart-rolling-beta", {"data": data, "layout": _layout(
        f"Rolling beta to {benchmark_label}, {window}-period window", "Beta", xaxis={"type": "date"})}, ""))
    return out


def cumulative_figure(series: CurveSeries, benchmark_label: str | None, log_scale: bool) -> dict[str, Any] | None:
    """Growth of 1 (equity / first equity) of the strategy and of the benchmark, with a linear / log switch."""
    eq = series.equity()
    if not len(eq) or not eq[0] > 0:
        return None
    growth = eq / eq[0]
    idx = decimate_array(growth)
    labels = time_labels(series.times_at(idx))
    data: list[dict[str, Any]] = [{"type": "scatter", "mode": "lines", "name": "Strategy", "x": labels, "y": _floats(growth, idx),
             "line": {"color": _BLUE, "width": 2}}]
    if series.has_benchmark:
        data.append({"type": "scatter", "mode": "lines", "name": f"Benchmark: {benchmark_label}", "x": labels,
                     "y": _floats(series.benchmark() / eq[0], idx), "connectgaps": True,
                     "line": {"color": _GREY, "width": 1.5, "dash": "dot"}})
    buttons = [{"label": "Linear", "method": "relayout", "args": [{"yaxis.type": "linear"}]},
               {"label": "Log", "method": "relayout", "args": [{"yaxis.type": "log"}]}]
    layout = _layout("Cumulative returns (growth of 1)", "Growth of 1", xaxis={"type": "date"})
    layout["yaxis"]["type"] = "log" if log_scale else "linear"
    layout["updatemenus"] = [{"type": "buttons", "direction": "right", "x": 1.0, "xanchor": "right", "y": 1.15,
                              "buttons": buttons, "active": 1 if log_scale else 0, "showactive": True}]
    return {"data": data, "layout": layout}


def exposure_figure(series: CurveSeries) -> dict[str, Any] | None:
    """Gross and net exposure as a fraction of equity, per point (one decimation for both lines)."""
    both = series.exposures()
    if both is None or not len(both[0]):
        return None
    eq = series.equity()
    with np.errstate(invalid="ignore", divide="ignore"):
        gross = np.where(eq > 0, both[0] / np.where(eq > 0, eq, 1.0), np.nan) * 100
        net = np.where(eq > 0, both[1] / np.where(eq > 0, eq, 1.0), np.nan) * 100
    idx = sorted(set(_line_indices(gross)) | set(_line_indices(net)))
    data = [_line(series, gross, 0, "Gross exposure", _RED, idx), _line(series, net, 0, "Net exposure", _GREEN, idx)]
    return {"data": data, "layout": _layout("Exposure (% of equity)", "% of equity", xaxis={"type": "date"})}


def positions_figure(series: CurveSeries) -> dict[str, Any] | None:
    """The number of open positions at each point (a step line)."""
    if not len(series.positions):
        return None
    counts = np.frombuffer(bytes(series.positions), dtype=np.uint8).astype(np.float64)
    trace = _line(series, counts, 0, "Open positions", _BLUE)
    trace["line"]["shape"] = "hv"
    return {"data": [trace], "layout": _layout("Open positions", "Positions", xaxis={"type": "date"},
                                               showlegend=False)}


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def side_by_side_table(metrics: Mapping[str, Any], bench: Mapping[str, Any] | None, label: str | None) -> str:
    """The strategy's headline figures with the benchmark's beside them."""
    head = f"<tr><th></th><th>Strategy</th><th>Benchmark{': ' + _e(label) if label else ''}</th></tr>"
    rows = "".join(
        f'<tr data-key="{key}"><th>{_e(name)}</th><td>{_e(format_metric(key, metrics.get(key)))}</td>'
        f"<td>{_e(format_metric(key, None if bench is None else bench.get(key)))}</td></tr>"
        for key, name in SIDE_BY_SIDE)
    return f'<table class="small" id="benchmark-comparison"><thead>{head}</thead><tbody>{rows}</tbody></table>'


def _when(t: Any) -> str:
    return format_metric("start", None if t is None else t.isoformat())


def worst_drawdowns_table(episodes: Sequence[DrawdownEpisode]) -> str:
    """Peak, trough, recovery (or "not recovered"), depth and length in days of the deepest episodes."""
    if not episodes:
        return '<p class="empty" id="worst-drawdowns-empty">no drawdown</p>'
    rows = []
    for rank, e in enumerate(episodes, start=1):
        recovery = _when(e.recovery_time) if e.recovered else "not recovered"
        days = "n/a" if e.duration_days is None else f"{e.duration_days:.1f}"
        rows.append(f"<tr><td>{rank}</td><td class=\"t\">{_e(_when(e.peak_time))}</td>"
                    f"<td class=\"t\">{_e(_when(e.trough_time))}</td><td class=\"t\">{_e(recovery)}</td>"
                    f"<td>{_e(format_metric('max_drawdown', e.depth))}</td><td>{days}</td></tr>")
    return ('<table class="small" id="worst-drawdowns"><thead><tr><th>#</th><th>Peak</th><th>Trough</th>'
            '<th>Recovery</th><th>Depth</th><th>Length (days)</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def pnl_by(trades: Sequence[Mapping[str, Any]], key: str) -> dict[str, Decimal]:
    """Net realised P&L of the closed trades summed by ``key`` (exact), sorted by key."""
    totals: dict[str, Decimal] = {}
    for t in trades:
        name = t.get(key)
        if name is not None:
            totals[name] = totals.get(name, Decimal(0)) + t["net_pnl"]
    return {k: totals[k] for k in sorted(totals)}


def pnl_table(totals: Mapping[str, Decimal], what: str, table_id: str) -> str:
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(money(v))}</td></tr>" for k, v in totals.items())
    return (f'<table class="small" id="{table_id}"><thead><tr><th>{_e(what)}</th><th>Net realised P&amp;L</th></tr>'
            f"</thead><tbody>{rows}</tbody></table>")
