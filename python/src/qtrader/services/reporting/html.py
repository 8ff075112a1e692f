"""The run report: ONE self-contained HTML file (plotly.js inlined, no CDN, works offline).

Charts are plotly figure specs in a JSON script block, drawn by a small script that marks each chart div
``data-rendered="1"`` once plotly has drawn its SVG (or ``"error"`` with the message, also sent to the console),
so a headless browser can check the page. A chart with nothing to draw is a short text ("no trades") instead.
Tables (metrics, monthly returns, trades, activity, config) are plain HTML and readable without JavaScript.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import PurePath
from typing import Any

import yaml

from qtrader.contracts.scalars import timestamp_to_str
from qtrader.errors import ConfigError
from qtrader.libraries.numbers import plain
from qtrader.libraries.performance import CurveStats
from qtrader.services.reporting import charts
from qtrader.services.reporting import tearsheet
from qtrader.services.reporting.charts import CurveSeries
from qtrader.services.reporting.config import ReportingConfig
from qtrader.services.reporting.prices import PriceBook, trades_figure
from qtrader.services.reporting.formatting import format_metric, metric_label, metric_rows, money, pct
from qtrader.services.reporting.monthly import monthly_returns
from qtrader.services.reporting.rows import TRADE_COLUMNS, ColumnRow

#: Trades listed in the page; every trade is in trades.csv / trades.parquet.
MAX_TRADE_ROWS = 1000
#: Rejected signals listed one by one (all are counted by reason).
MAX_REJECTION_ROWS = 200

_TEXT_COLUMNS = frozenset({"symbol", "side", "entry_time", "exit_time", "lot_id"})
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_HEADLINE = ("total_return", "cagr", "sharpe_ratio", "max_drawdown", "trade_count", "win_rate", "final_equity")


@dataclass
class ReportData:
    """Everything the page shows; built by ReportingService.report_data."""

    title: str
    equity_rows: Sequence[ColumnRow]
    trade_rows: Sequence[Mapping[str, Any]]
    metrics: Mapping[str, Any]
    run_config: Mapping[str, Any] = field(default_factory=dict)
    benchmark_label: str | None = None
    benchmark_values: Sequence[Decimal | None] | None = None
    event_counts: Mapping[str, int] = field(default_factory=dict)
    rejection_counts: Mapping[str, int] = field(default_factory=dict)
    rejections: Sequence[Mapping[str, Any]] = ()
    traded_notional: Decimal = Decimal(0)
    fills: int = 0
    warnings: Sequence[str] = ()
    #: The curve as the charts need it, when already gathered (a long run's report): equity_rows and
    #: benchmark_values are then not read.
    series: CurveSeries | None = None
    #: The reporting settings (windows, table sizes, annualisation) the tearsheet sections use.
    settings: ReportingConfig = field(default_factory=ReportingConfig)
    #: Every symbol's closes, for the trades-on-price chart (None: no such chart).
    prices: PriceBook | None = None


def series_of(rows: Sequence[ColumnRow], benchmark_values: Sequence[Decimal | None] | None) -> CurveSeries:
    """The CurveSeries of whole equity rows (timestamp, equity, drawdown) and benchmark values."""
    series = CurveSeries()
    series.add([r["equity"] for r in rows], [r["drawdown"] for r in rows], times=[r["timestamp"] for r in rows],
               gross=[str(r["gross_exposure"]) for r in rows], net=[str(r["market_value"]) for r in rows])
    if benchmark_values is not None:
        for i, value in enumerate(benchmark_values):
            series.set_benchmark(i, value)
    stats = CurveStats.of([(r["timestamp"], r["equity"]) for r in rows], keep_episodes=True)
    series.returns = stats.returns()
    series.month_table = monthly_returns(rows)
    series.worst_drawdowns = stats.worst_drawdowns(len(rows))
    if benchmark_values is not None:
        points = [(i, v) for i, v in enumerate(benchmark_values) if v is not None]
        if points:
            series.benchmark_stats = CurveStats.of(points)
    return series


@cache
def plotly_js() -> str:
    """The plotly.js bundle shipped inside the plotly Python package (read once)."""
    try:
        bundle = resources.files("plotly") / "package_data" / "plotly.min.js"
        return bundle.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        raise ConfigError(
            "reporting: report.html needs the plotly package (pip install plotly==7.1.0), "
            "or set reporting.html: false to skip the HTML report"
        ) from None


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _json_for_script(value: Any) -> str:
    """JSON safe inside a <script> element: <, > and & are escaped so no text can close the element."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _cell(value: Any) -> str:
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, datetime):
        return timestamp_to_str(value)
    return str(value)


def _plain(value: Any) -> Any:
    """The run config as YAML-safe builtins (paths, decimals and unknown objects become text)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str, date)):
        return value
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, PurePath):
        return str(value)
    return str(value)


# -- sections ------------------------------------------------------------------------------------------------


class _Charts:
    """Collects figure specs; each chart is a div the page script fills."""

    def __init__(self) -> None:
        self.specs: list[dict[str, Any]] = []

    def chart(self, chart_id: str, figure: dict[str, Any] | None, empty_text: str) -> str:
        if figure is None:
            return (f'<div class="chart chart-empty" id="{chart_id}" data-chart="{chart_id}" '
                    f'data-rendered="empty"><p>{_e(empty_text)}</p></div>')
        self.specs.append({"id": chart_id, "data": figure["data"], "layout": figure["layout"]})
        return f'<div class="chart" id="{chart_id}" data-chart="{chart_id}" data-rendered="0"></div>'


def _headline(metrics: Mapping[str, Any]) -> str:
    cards = []
    for key in _HEADLINE:
        if key in metrics:
            label = "Trades" if key == "trade_count" else metric_label(key)
            cards.append(f'<div class="card"><div class="card-label">{_e(label)}</div>'
                         f'<div class="card-value">{_e(format_metric(key, metrics[key]))}</div></div>')
    return f'<div class="cards">{"".join(cards)}</div>'


def _metrics_table(metrics: Mapping[str, Any]) -> str:
    body = "".join(f'<tr data-key="{_e(k)}"><th>{_e(label)}</th><td>{_e(text)}</td></tr>'
                   for k, label, text in metric_rows(dict(metrics)))
    return f'<table class="metrics"><tbody>{body}</tbody></table>'


def _heat_color(r: float | None) -> str:
    if r is None:
        return "#f4f4f4"
    alpha = min(abs(r) / 0.10, 1.0) * 0.75 + 0.05
    return f"rgba(44,160,44,{alpha:.3f})" if r >= 0 else f"rgba(214,39,40,{alpha:.3f})"


def _monthly_table(table: Mapping[int, Mapping[int | str, float | None]]) -> str:
    if not table:
        return '<p class="empty" id="monthly-empty">no equity data: no monthly returns</p>'
    head = "".join(f"<th>{m}</th>" for m in _MONTHS)
    body = []
    for year in sorted(table):
        cells = []
        for key in (*range(1, 13), "year"):
            cls = ' class="year-total"' if key == "year" else ""
            if key not in table[year]:
                cells.append(f'<td{cls}></td>')
                continue
            r = table[year][key]
            text = pct(r)
            cells.append(f'<td{cls} style="background:{_heat_color(r)}">{text}</td>')
        body.append(f"<tr><th>{year}</th>{''.join(cells)}</tr>")
    return (f'<table class="heatmap" id="monthly-returns"><thead><tr><th>Year</th>{head}<th>Year</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _trades_table(trades: Sequence[Mapping[str, Any]]) -> str:
    if not trades:
        return '<p class="empty" id="trades-empty">no trades</p>'
    head = "".join(f"<th>{_e(c)}</th>" for c in TRADE_COLUMNS)
    body = []
    for t in trades[:MAX_TRADE_ROWS]:
        cls = "win" if t["net_pnl"] > 0 else "loss" if t["net_pnl"] < 0 else ""
        cells = "".join(f'<td class="t">{_e(_cell(t[c]))}</td>' if c in _TEXT_COLUMNS else f"<td>{_e(_cell(t[c]))}</td>"
                        for c in TRADE_COLUMNS)
        body.append(f'<tr class="{cls}">{cells}</tr>')
    note = ""
    if len(trades) > MAX_TRADE_ROWS:
        note = f'<p class="note">First {MAX_TRADE_ROWS} of {len(trades)} trades; all are in trades.csv.</p>'
    return (f'{note}<div class="scroll"><table class="trades" id="trades"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def _activity(data: ReportData) -> str:
    counts = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in data.event_counts.items())
    parts = [
        '<div class="two-col"><div><h3>Events</h3>',
        f'<table class="small" id="event-counts"><tbody>{counts or "<tr><td>no events</td></tr>"}</tbody></table>',
        f'<p>Fills: {data.fills}; traded notional: {_e(money(data.traded_notional))}</p></div>',
        '<div><h3>Rejected signals</h3>',
    ]
    if not data.rejection_counts:
        parts.append('<p class="empty">no rejected signals</p>')
    else:
        rows = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in data.rejection_counts.items())
        parts.append(f'<table class="small" id="rejection-counts"><thead><tr><th>Reason</th><th>Count</th></tr>'
                     f'</thead><tbody>{rows}</tbody></table>')
    parts.append("</div></div>")
    if data.rejections:
        rows = "".join(
            f"<tr><td>{_e(_cell(r['time']))}</td><td>{_e(r['strategy_id'])}</td><td>{_e(r['symbol'])}</td>"
            f"<td>{_e(r['intention'])}</td><td>{_e('; '.join(r['messages']))}</td></tr>"
            for r in data.rejections[:MAX_REJECTION_ROWS]
        )
        more = len(data.rejections) - MAX_REJECTION_ROWS
        note = f'<p class="note">and {more} more.</p>' if more > 0 else ""
        parts.append('<details><summary>Rejected signals, one by one</summary><div class="scroll">'
                     '<table class="small"><thead><tr><th>Time</th><th>Strategy</th><th>Symbol</th>'
                     f'<th>Intention</th><th>Reasons</th></tr></thead><tbody>{rows}</tbody></table></div>'
                     f'{note}</details>')
    return "".join(parts)


def _tearsheet(data: ReportData, series: CurveSeries, plots: _Charts) -> str:
    """The sections of issue #22 (tearsheet.py): benchmark beside the strategy, cumulative returns, rolling
    statistics, worst drawdowns, exposure and positions, P&L by symbol and strategy."""
    settings = data.settings
    rows = series.n
    bench = tearsheet.benchmark_metrics(series, settings)
    cumulative = tearsheet.cumulative_figure(series, data.benchmark_label, settings.log_scale) if rows else None
    parts = ['<section id="benchmark-section"><h2>Strategy and benchmark</h2>',
             tearsheet.side_by_side_table(data.metrics, bench, data.benchmark_label),
             plots.chart("chart-cumulative", cumulative, "no equity data: no cumulative returns"), "</section>",
             '<section id="rolling-section"><h2>Rolling statistics</h2>']
    for chart_id, figure, empty in tearsheet.rolling_figures(series, settings, data.benchmark_label):
        parts.append(plots.chart(chart_id, figure, empty))
    parts.append("</section>")
    if settings.worst_drawdowns:
        parts += ['<section id="worst-drawdowns-section"><h2>Worst drawdowns</h2>',
                  tearsheet.worst_drawdowns_table(series.worst_drawdowns[:settings.worst_drawdowns]), "</section>"]
    parts += ['<section id="exposure-section"><h2>Exposure and positions</h2>',
              plots.chart("chart-exposure", tearsheet.exposure_figure(series),
                          "no exposure data (a report rebuilt from equity rows)"),
              plots.chart("chart-positions", tearsheet.positions_figure(series),
                          "no position counts (a report rebuilt from equity rows)")]
    parts.append("</section>")
    parts.append('<section id="trades-on-price-section"><h2>Trades on the price, P&amp;L by symbol</h2>')
    figure = None
    if data.prices is not None:
        figure = trades_figure(data.prices, data.trade_rows, settings.price_chart_symbols)
    parts.append(plots.chart("chart-trades-on-price", figure, "no bars kept (reporting.price_chart_symbols: 0)"))
    by_symbol = tearsheet.pnl_by(data.trade_rows, "symbol")
    by_strategy = tearsheet.pnl_by(data.trade_rows, "strategy_id")
    tables = []
    if len(by_symbol) > 1:
        tables.append(tearsheet.pnl_table(by_symbol, "Symbol", "pnl-by-symbol"))
    if len(by_strategy) > 1:
        tables.append(tearsheet.pnl_table(by_strategy, "Strategy", "pnl-by-strategy"))
    if tables:
        parts.append(f'<div class="two-col">{"".join(f"<div>{t}</div>" for t in tables)}</div>')
    parts.append("</section>")
    return "\n".join(parts)


def _config_yaml(run_config: Mapping[str, Any]) -> str:
    if not run_config:
        return "# (no run config)\n"
    return yaml.safe_dump(_plain(run_config), sort_keys=False, default_flow_style=False, allow_unicode=True)


# -- the page ------------------------------------------------------------------------------------------------

_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;margin:0;background:#f0f2f5;color:#222}
main{max-width:1320px;margin:0 auto;padding:16px 24px 48px}
h1{margin:8px 0 4px;font-size:26px}h2{margin:28px 0 8px;font-size:19px;border-bottom:1px solid #ccc;padding-bottom:4px}
h3{font-size:15px;margin:8px 0}.sub{color:#666;margin:0 0 12px}
section{background:#fff;border-radius:6px;padding:4px 16px 16px;margin-top:16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{background:#fff;border-radius:6px;padding:10px 16px;min-width:140px;box-shadow:0 1px 2px rgba(0,0,0,.1)}
.card-label{font-size:12px;color:#666;text-transform:uppercase}.card-value{font-size:21px;font-weight:600}
.chart{min-height:380px}.chart-empty{min-height:0;padding:24px;color:#777;font-style:italic;text-align:center}
.empty{color:#777;font-style:italic}.note{color:#666;font-size:13px}.warn{background:#fff3cd;padding:8px 12px;border-radius:4px}
table{border-collapse:collapse;font-size:13px}th,td{padding:4px 8px;border-bottom:1px solid #e4e4e4;text-align:right}
th{text-align:left;font-weight:600}td.t{text-align:left}table.metrics td{font-variant-numeric:tabular-nums}
.metrics-grid{column-count:2;column-gap:32px}.metrics-grid table{width:100%}
table.heatmap td{min-width:58px;text-align:center;font-variant-numeric:tabular-nums}
table.heatmap td.year-total{font-weight:600;border-left:2px solid #999}
table.trades td{font-variant-numeric:tabular-nums;white-space:nowrap}tr.win td:nth-child(10){color:#1a7f1a}
tr.loss td:nth-child(10){color:#c62828}.scroll{max-height:520px;overflow:auto}
.two-col{display:flex;gap:48px;flex-wrap:wrap}pre{background:#f7f7f7;padding:12px;overflow:auto;font-size:12px}
"""

_RENDER_JS = """
(function () {
  var specs = JSON.parse(document.getElementById("qtrader-chart-specs").textContent);
  function fail(id, err) {
    var el = document.getElementById(id);
    var msg = (err && err.message) ? err.message : String(err);
    if (el) { el.setAttribute("data-rendered", "error"); el.setAttribute("data-error", msg); }
    document.body.setAttribute("data-report-errors", "1");
    console.error("qtrader report: chart " + id + " failed: " + msg);
  }
  specs.forEach(function (spec) {
    if (typeof Plotly === "undefined") { fail(spec.id, "plotly.js did not load"); return; }
    var el = document.getElementById(spec.id);
    try {
      Plotly.newPlot(el, spec.data, spec.layout, {responsive: true, displaylogo: false}).then(function () {
        var drawn = Array.prototype.some.call(el.querySelectorAll("svg.main-svg .trace path"), function (p) {
          return (p.getAttribute("d") || "").length > 2;
        });
        if (drawn) {
          el.setAttribute("data-rendered", "1");
        } else {
          fail(spec.id, "plotly drew no trace");
        }
      }, function (err) { fail(spec.id, err); });
    } catch (err) { fail(spec.id, err); }
  });
  document.body.setAttribute("data-charts", String(specs.length));
})();
"""


def build_html(data: ReportData) -> str:
    """The whole page as one string: a pure function of ``data`` (no clock, no random ids)."""
    m = data.metrics
    series = data.series if data.series is not None else series_of(data.equity_rows, data.benchmark_values)
    rows = series.n
    plots = _Charts()

    equity = charts.equity_figure(series, data.benchmark_label) if rows else None
    drawdown = charts.drawdown_figure(series) if rows else None
    returns = series.returns
    ret_fig = charts.histogram_figure(returns * 100, "Distribution of period returns",
                                      "Return per period (%)", "Periods") if len(returns) else None
    pnl_fig = charts.histogram_figure([float(t["net_pnl"]) for t in data.trade_rows], "Trade P&L distribution",
                                      "Net P&L per trade", "Trades") if data.trade_rows else None

    period = f"{_e(format_metric('start', m.get('start')))} to {_e(format_metric('end', m.get('end')))}" \
        if rows else "no equity data"
    bench = f"; benchmark: {_e(data.benchmark_label)}" if data.benchmark_label else ""
    warnings = "".join(f'<p class="warn">{_e(w)}</p>' for w in data.warnings)

    body = f"""
<main>
<h1>{_e(data.title)}</h1>
<p class="sub">{period}; {rows} equity points; {len(data.trade_rows)} trades{bench}</p>
{warnings}
{_headline(m)}
<section id="equity-section"><h2>Equity</h2>
{plots.chart("chart-equity", equity, "no equity data (no PortfolioState in the run)")}
</section>
<section id="drawdown-section"><h2>Drawdown</h2>
{plots.chart("chart-drawdown", drawdown, "no equity data: no drawdown")}
</section>
{_tearsheet(data, series, plots)}
<section id="monthly-section"><h2>Monthly returns</h2>
{_monthly_table(series.month_table)}
</section>
<section id="returns-section"><h2>Period returns</h2>
{plots.chart("chart-returns", ret_fig, "no period returns (fewer than two equity points)")}
</section>
<section id="trade-pnl-section"><h2>Trade P&amp;L</h2>
{plots.chart("chart-trade-pnl", pnl_fig, "no trades")}
</section>
<section id="metrics-section"><h2>Metrics</h2>
<div class="metrics-grid">{_metrics_table(m)}</div>
</section>
<section id="activity-section"><h2>Activity</h2>
{_activity(data)}
</section>
<section id="trades-section"><h2>Trades</h2>
{_trades_table(data.trade_rows)}
</section>
<section id="config-section"><h2>Run config</h2>
<pre id="run-config">{_e(_config_yaml(data.run_config))}</pre>
</section>
</main>"""

    scripts = ""
    if plots.specs:
        scripts = (
            f'<script type="text/javascript">{plotly_js()}</script>\n'
            f'<script type="application/json" id="qtrader-chart-specs">{_json_for_script(plots.specs)}</script>\n'
            f'<script type="text/javascript">{_RENDER_JS}</script>'
        )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="qtrader">
<title>{_e(data.title)}</title>
<style>{_CSS}</style>
</head>
<body data-charts="0">
{body}
{scripts}
</body>
</html>
"""
