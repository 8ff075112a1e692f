"""ReportingService: an observer of the bus that builds the run's report while the run goes.

It is not a pipeline Service (it emits nothing): the engine registers ``observe`` with ``bus.observe`` so it
sees every published event once, in publish order, and calls ``finish`` when the run ends. Nothing is read
twice: the equity curve, the trades and the counters are kept up to date per event, and ``finish`` only
derives (drawdowns, metrics) and writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal
from pathlib import Path
from typing import Any

from qtrader.contracts.base import ContractModel
from qtrader.libraries.performance import Trade, compute_metrics
from qtrader.services.reporting import exports
from qtrader.services.reporting.benchmark import (
    align_levels,
    level_returns,
    read_benchmark_csv,
    scaled_to_equity,
)
from qtrader.services.reporting.config import ReportingConfig, parse_reporting_config
from qtrader.services.reporting.html import ReportData, build_html
from qtrader.services.reporting.rows import (
    EQUITY_COLUMNS,
    TRADE_COLUMNS,
    StatePoint,
    equity_rows,
    state_point,
    trade_row,
)

_ZERO = Decimal(0)
#: Exact for any product and sum of contract decimals (26 integer + 12 fraction digits each).
_CTX = Context(prec=100, rounding=ROUND_HALF_EVEN)



class ReportingService:
    """Equity curve, trades, activity counters and benchmark of one run; exports and the HTML report."""

    name = "reporting"

    def __init__(self, config: Mapping[str, Any] | None = None, *, base_dir: Path = Path(".")) -> None:
        self.config: ReportingConfig = parse_reporting_config(config)
        self._bench_by_date = None
        bench = self.config.benchmark
        if bench is not None and bench.path is not None:
            path = Path(bench.path)
            self._bench_by_date = read_benchmark_csv(path if path.is_absolute() else base_dir / path)
        self._handlers: dict[str, Callable[[Any], None]] = {
            "PortfolioState": self._on_portfolio_state,
            "Fill": self._on_fill,
            "SignalRejected": self._on_signal_rejected,
            "PriceBar": self._on_price_bar,
        }
        self.reset()

    def reset(self) -> None:
        """Forget the run (the config and a benchmark file stay)."""
        self._points: list[StatePoint] = []  # one per timestamp, in arrival order
        self._last_time: datetime | None = None
        self._sorted = True
        self._trades: list[dict[str, Any]] = []
        self._notional = _ZERO
        self._fills = 0
        self._counts: Counter[str] = Counter()
        self._rejections: list[dict[str, Any]] = []
        self._rejection_codes: Counter[str] = Counter()
        self._bench_closes: dict[datetime, Decimal] = {}
        self._rows_cache: list[dict[str, Any]] | None = None
        self._exposure: list[bool] | None = None  # set by finish, which frees the points

    # -- observing --------------------------------------------------------------------------------------------

    def observe(self, event: ContractModel) -> None:
        """Called by the bus for every published event, in publish order."""
        self._counts[event.event_type] += 1
        handler = self._handlers.get(event.event_type)
        if handler is not None:
            handler(event)

    __call__ = observe

    def attach(self, bus: Any) -> None:
        """Observe an EventBus the cheap way: only the types the report uses, with the bus's own event counts
        (the same figures ``observe`` would count). Call once, after ``reset``."""
        for event_type, handler in self._handlers.items():
            if event_type == "PriceBar" and (self.config.benchmark is None or self.config.benchmark.symbol is None):
                continue  # bars matter only for a benchmark symbol of the run's own data
            bus.observe(handler, [event_type])
        self._counts = bus.counts

    def _on_portfolio_state(self, state: Any) -> None:
        t = state.occurred_at
        point = state_point(state)
        last = self._last_time
        if last is not None and t == last:
            self._points[-1] = point  # the last state at a timestamp wins
        else:
            if last is not None and t < last:
                self._sorted = False  # out of time order: sorted (last state per timestamp) when rows are asked
            self._last_time = t
            self._points.append(point)
        self._rows_cache = None
        for lot in state.closed_lots or ():
            self._trades.append(trade_row(lot))

    def _on_fill(self, fill: Any) -> None:
        self._fills += 1
        self._notional = _CTX.add(self._notional, _CTX.abs(_CTX.multiply(fill.quantity, fill.price)))

    def _on_signal_rejected(self, event: Any) -> None:
        codes = [r.code for r in event.reasons]
        self._rejection_codes.update(codes)
        self._rejections.append({
            "time": event.occurred_at,
            "strategy_id": event.strategy_id,
            "symbol": event.symbol,
            "intention": str(event.intention),
            "codes": codes,
            "messages": [r.message for r in event.reasons],
        })

    def _on_price_bar(self, bar: Any) -> None:
        bench = self.config.benchmark
        if bench is not None and bench.symbol is not None and bar.symbol == bench.symbol:
            self._bench_closes[bar.occurred_at] = bar.close

    # -- results ----------------------------------------------------------------------------------------------

    def _ordered_points(self) -> list[StatePoint]:
        if self._sorted:
            return self._points
        latest: dict[datetime, StatePoint] = {}
        for point in self._points:
            latest[point[0]] = point
        return sorted(latest.values(), key=lambda p: p[0])

    def _seal(self) -> None:
        """End of the run: turn the points into rows and exposure flags, freeing each point as its row is made.

        A long run holds a point per timestamp (a million on a long run); the rows reuse the points' decimals, so
        the rows and the points are never both in memory. ``reset`` starts over; no state may follow ``finish``.
        """
        points = self._ordered_points()
        self._points = []
        exposure: list[bool] = []

        def consume() -> Iterator[tuple]:
            for i, point in enumerate(points):
                points[i] = None
                exposure.append(point[6])
                yield point

        self._rows_cache = equity_rows(consume())
        self._exposure = exposure

    def equity_rows(self) -> list[dict[str, Any]]:
        """One row per timestamp (the last PortfolioState there), in time order, columns EQUITY_COLUMNS."""
        if self._rows_cache is None:
            self._rows_cache = equity_rows(self._ordered_points())
        return self._rows_cache

    def trade_rows(self) -> list[dict[str, Any]]:
        """One row per closed lot, in the order they were closed, columns TRADE_COLUMNS."""
        return list(self._trades)

    def exposure(self) -> list[bool]:
        """Per equity timestamp: True when the state there held any non-zero position."""
        if self._exposure is not None:
            return list(self._exposure)
        return [p[6] for p in self._ordered_points()]

    @property
    def traded_notional(self) -> Decimal:
        """Sum of |quantity x price| over every Fill (in the fills' currencies, as given)."""
        return self._notional

    def event_counts(self) -> dict[str, int]:
        """Events seen, by type, sorted by type name."""
        counts = self._counts
        return {k: counts[k] for k in sorted(counts)}

    def rejections(self) -> list[dict[str, Any]]:
        """Every SignalRejected, in order: time, strategy_id, symbol, intention, codes, messages."""
        return list(self._rejections)

    def rejection_counts(self) -> dict[str, int]:
        """Rejection reasons by code (a signal with two reasons counts under both), sorted by code."""
        return {k: self._rejection_codes[k] for k in sorted(self._rejection_codes)}

    def benchmark_levels(self) -> list[Decimal | None]:
        """The benchmark close at each equity timestamp (None where it has none, or with no benchmark)."""
        times = [row["timestamp"] for row in self.equity_rows()]
        bench = self.config.benchmark
        if bench is None:
            return [None] * len(times)
        if bench.symbol is not None:
            return align_levels(times, by_time=self._bench_closes)
        return align_levels(times, by_date=self._bench_by_date)

    def benchmark_returns(self) -> dict[datetime, float] | None:
        """{timestamp: benchmark return over the period ending there}; None with no benchmark configured."""
        if self.config.benchmark is None:
            return None
        times = [row["timestamp"] for row in self.equity_rows()]
        return level_returns(times, self.benchmark_levels())

    def warnings(self) -> list[str]:
        """Things a reader should know (e.g. a benchmark that matched nothing)."""
        out = []
        bench = self.config.benchmark
        if bench is not None and self.equity_rows() and not any(lv is not None for lv in self.benchmark_levels()):
            what = f"symbol {bench.symbol}" if bench.symbol is not None else f"file {bench.path}"
            out.append(f"benchmark {what} has no close at any timestamp of the equity curve: benchmark metrics are n/a")
        return out

    def metrics(self, periods_per_year: float | None = None, risk_free_rate: float | None = None) -> dict[str, Any]:
        """compute_metrics on this run's curve, trades, benchmark, exposure and traded notional."""
        rows = self.equity_rows()
        trades = [
            Trade(
                symbol=t["symbol"], entry_time=t["entry_time"], exit_time=t["exit_time"], quantity=t["quantity"],
                entry_price=t["entry_price"], exit_price=t["exit_price"], pnl=t["net_pnl"], side=t["side"],
            )
            for t in self._trades
        ]
        return compute_metrics(
            [(row["timestamp"], row["equity"]) for row in rows],
            trades,
            benchmark_returns=self.benchmark_returns(),
            risk_free_rate=self.config.risk_free_rate if risk_free_rate is None else risk_free_rate,
            periods_per_year=self.config.periods_per_year if periods_per_year is None else periods_per_year,
            exposure=self.exposure(),
            traded_notional=self._notional,
        )

    def report_data(self, metrics: Mapping[str, Any], run_config: Mapping[str, Any]) -> ReportData:
        """Everything the HTML page shows."""
        rows = self.equity_rows()
        bench = self.config.benchmark
        label = None
        if bench is not None:
            label = bench.symbol if bench.symbol is not None else Path(bench.path).name
        title = self.config.title or str(run_config.get("name") or "") or "QTrader backtest report"
        return ReportData(
            title=title,
            equity_rows=rows,
            trade_rows=self.trade_rows(),
            metrics=dict(metrics),
            benchmark_label=label,
            benchmark_values=scaled_to_equity(self.benchmark_levels(), [r["equity"] for r in rows]),
            event_counts=self.event_counts(),
            rejection_counts=self.rejection_counts(),
            rejections=self.rejections(),
            traded_notional=self._notional,
            fills=self._fills,
            run_config=run_config,
            warnings=self.warnings(),
        )

    def finish(self, run_dir: Path, run_config: Mapping[str, Any]) -> dict[str, Any]:
        """Write equity/trades CSV and Parquet, metrics.json and (unless html: false) report.html; return metrics."""
        run_dir = Path(run_dir)
        run_dir.mkdir(parents=True, exist_ok=True)
        self._seal()
        rows, trades = self.equity_rows(), self.trade_rows()
        metrics = self.metrics()
        exports.write_csv(run_dir / "equity.csv", EQUITY_COLUMNS, rows)
        exports.write_csv(run_dir / "trades.csv", TRADE_COLUMNS, trades)
        exports.write_parquet(run_dir / "equity.parquet", exports.EQUITY_SCHEMA, rows)
        exports.write_parquet(run_dir / "trades.parquet", exports.TRADES_SCHEMA, trades)
        (run_dir / "metrics.json").write_text(exports.metrics_json(metrics), encoding="utf-8")
        if self.config.html:
            html = build_html(self.report_data(metrics, run_config))
            (run_dir / "report.html").write_text(html, encoding="utf-8")
        return metrics
