"""ReportingService: an observer of the bus that builds the run's report while the run goes.

It is not a pipeline Service (it emits nothing): the engine registers ``observe`` with ``bus.observe`` so it
sees every published event once, in publish order, and calls ``finish`` when the run ends. Nothing is read
twice: the equity curve, the trades and the counters are kept up to date per event, and ``finish`` only
derives (drawdowns, metrics) and writes.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from qtrader.contracts.base import ContractModel
from qtrader.contracts.scalars import timestamp_to_str
from qtrader.libraries.numbers import MONEY, plain
from qtrader.libraries.performance import CurveStats, Trade, compute_metrics
from qtrader.services.reporting import exports
from qtrader.services.reporting.benchmark import (
    BenchmarkCurve,
    BenchmarkWalk,
    align_levels,
    level_returns,
    read_benchmark_csv,
    returns_by_period,
    scaled_to_equity,
)
from qtrader.services.reporting.charts import CurveSeries
from qtrader.services.reporting.config import ReportingConfig, parse_reporting_config
from qtrader.services.reporting.curve import (
    DECIMAL_COLUMNS,
    DEFAULT_CHUNK_SIZE,
    Chunk,
    decode,
    freeze,
    month_keys,
    ordered_chunks,
    timestamp_texts,
)
from qtrader.services.reporting.html import ReportData, build_html
from qtrader.services.reporting.monthly import MonthEnds
from qtrader.services.reporting.prices import PriceBook
from qtrader.services.reporting.rows import (
    EQUITY_COLUMNS,
    TRADE_COLUMNS,
    Drawdowns,
    EquityRow,
    StatePoint,
    state_point,
    trade_row,
)

_ZERO = Decimal(0)
#: Exact for any product and sum of contract decimals (26 integer + 12 fraction digits each).


def _csv_texts(joined: str, texts: list[str]) -> list[str]:
    """``plain`` of each Decimal from its ``str``: the same text but for exponents and negative zero."""
    if "E" not in joined and "-" not in joined:
        return texts
    return [plain(Decimal(t)) if ("E" in t or t[0] == "-") else t for t in texts]


def _trade_place(trade: Mapping[str, Any]) -> str:
    """Names a trade row in an error: its lot and the time it closed."""
    return f"lot {trade['lot_id']} ({trade['symbol']}, closed {timestamp_to_str(trade['exit_time'])})"


@dataclass
class _Gathered:
    """What one pass over the curve gives (see ReportingService._gather)."""

    stats: CurveStats
    series: CurveSeries
    exposed: bytes
    bench_returns: dict[int, float] | None  # by point index (1..n-1), for CurveStats(keep_times=False)
    any_level: bool
    error: Exception | None = field(default=None)


class ReportingService:
    """Equity curve, trades, activity counters and benchmark of one run; exports and the HTML report."""

    name = "reporting"

    def __init__(self, config: Mapping[str, Any] | None = None, *, base_dir: Path = Path("."),
                 chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
        self.config: ReportingConfig = parse_reporting_config(config)
        self._chunk_size = chunk_size
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
        # The equity curve: frozen chunks (see curve.py), then the open chunk of points (one per timestamp, in
        # arrival order); only the open chunk's last point can still be replaced.
        self._frozen: list[Chunk] = []
        self._open: list[StatePoint] = []
        self._last_time: datetime | None = None
        self._sorted = True
        self._trades: list[dict[str, Any]] = []
        self._notional = _ZERO
        self._fills = 0
        self._fill_strategy: dict[str, str] = {}  # fill_id -> strategy_id: a closed lot's strategy (P&L by strategy)
        self._counts: Counter[str] = Counter()
        self._rejections: list[dict[str, Any]] = []
        self._rejection_codes: Counter[str] = Counter()
        self._bench_closes: dict[datetime, Decimal] = {}
        self._prices = PriceBook()
        self._rows_cache: list[EquityRow] | None = None

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
            if event_type == "PriceBar" and not self.config.price_chart_symbols \
                    and (self.config.benchmark is None or self.config.benchmark.symbol is None):
                continue  # bars matter only for the price chart and a benchmark symbol of the run's own data
            bus.observe(handler, [event_type])
        self._counts = bus.counts

    def _on_portfolio_state(self, state: Any) -> None:
        t = state.occurred_at
        point = state_point(state)
        last = self._last_time
        if last is not None and t == last:
            self._open[-1] = point  # the last state at a timestamp wins
        else:
            if last is not None and t < last:
                self._sorted = False  # out of time order: sorted (last state per timestamp) when rows are asked
            self._last_time = t
            points = self._open
            if len(points) >= self._chunk_size:  # a new timestamp: every point of the open chunk is final
                self._frozen.append(freeze(points))
                self._open = [point]
            else:
                points.append(point)
        self._rows_cache = None
        for lot in state.closed_lots or ():
            row = trade_row(lot)
            row["strategy_id"] = self._fill_strategy.get(lot.lot_id)  # lot ids are the opening fill's fill_id
            self._trades.append(row)

    def _on_fill(self, fill: Any) -> None:
        self._fills += 1
        self._fill_strategy[fill.fill_id] = fill.strategy_id
        self._notional = MONEY.add(self._notional, MONEY.abs(MONEY.multiply(fill.quantity, fill.price)))

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
        if self.config.price_chart_symbols:
            self._prices.add(bar.symbol, bar.occurred_at, bar.close)
        bench = self.config.benchmark
        if bench is not None and bench.symbol is not None and bar.symbol == bench.symbol:
            self._bench_closes[bar.occurred_at] = bar.close

    # -- results ----------------------------------------------------------------------------------------------

    def _chunks(self) -> Any:
        return ordered_chunks(self._frozen, self._open, self._sorted, self._chunk_size)

    def equity_rows(self) -> list[EquityRow]:
        """One row per timestamp (the last PortfolioState there), in time order, columns EQUITY_COLUMNS.
        (Materialises the whole curve: for tests and small runs; ``finish`` does not use it.)"""
        if self._rows_cache is None:
            rows: list[EquityRow] = []
            drawdowns = Drawdowns()
            for chunk in self._chunks():
                d = decode(chunk)
                cash, mv, _, gross, leverage = ([Decimal(t) for t in col] for col in d.texts)
                rows.extend(map(EquityRow, d.times, cash, mv, d.equity, gross, leverage, drawdowns.of(d.equity)))
            self._rows_cache = rows
        return self._rows_cache

    def trade_rows(self) -> list[dict[str, Any]]:
        """One row per closed lot, in the order they were closed, columns TRADE_COLUMNS."""
        return [{c: t[c] for c in TRADE_COLUMNS} for t in self._trades]

    def exposure(self) -> list[bool]:
        """Per equity timestamp: True when the state there held any non-zero position."""
        return [bool(b) for chunk in self._chunks() for b in chunk.exposed]

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
        times = [row.timestamp for row in self.equity_rows()]
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
        times = [row.timestamp for row in self.equity_rows()]
        return level_returns(times, self.benchmark_levels())

    def warnings(self) -> list[str]:
        """Things a reader should know (e.g. a benchmark that matched nothing)."""
        matched = any(level is not None for level in self.benchmark_levels())
        return self._warnings(bool(self.equity_rows()), matched)

    def _warnings(self, has_curve: bool, benchmark_matched: bool) -> list[str]:
        bench = self.config.benchmark
        if bench is None or not has_curve or benchmark_matched:
            return []
        what = f"symbol {bench.symbol}" if bench.symbol is not None else f"file {bench.path}"
        return [f"benchmark {what} has no close at any timestamp of the equity curve: benchmark metrics are n/a"]

    def _gather(self, run_dir: Path | None = None) -> _Gathered:
        """One pass over the curve, a chunk at a time: the metrics' curve figures, the charts' series, the exposure
        flags and the benchmark; with ``run_dir``, equity.csv and equity.parquet are written on the way. Nothing
        of the size of the curve is held but compact arrays (floats, flags) and one Parquet row group."""
        bench = self.config.benchmark
        by_time = self._bench_closes if bench is not None and bench.symbol is not None else None
        by_date = self._bench_by_date if bench is not None and bench.symbol is None else None
        stats = CurveStats(keep_times=False, worst=self.config.worst_drawdowns)
        series = CurveSeries()
        months = MonthEnds()
        drawdowns = Drawdowns()
        exposed = bytearray()
        bench_curve = BenchmarkCurve(series.set_benchmark) if bench is not None else None
        walk = BenchmarkWalk(bench_curve.on_value) if bench_curve is not None else None
        error: Exception | None = None
        handle = writer = parquet = None
        if run_dir is not None:
            handle = (run_dir / "equity.csv").open("w", newline="", encoding="utf-8")
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(EQUITY_COLUMNS)
        try:
            if run_dir is not None:
                parquet = exports.ParquetChunks(run_dir / "equity.parquet", exports.EQUITY_SCHEMA)
            for chunk in self._chunks():
                d = decode(chunk)
                n = len(d.equity)
                dd = drawdowns.of(d.equity)
                stats.add(d.times, d.equity, validate=False)
                series.add(d.equity, dd, micros=d.micros, gross=d.texts[3], net=d.texts[1], positions=d.exposed)
                keys, ends = month_keys(d.micros)
                months.add(keys, [d.equity[i] for i in ends], first=d.equity[0])
                exposed += d.exposed
                if walk is not None:
                    if TYPE_CHECKING:  # a walk is made only with a benchmark curve
                        assert bench_curve is not None
                    walk.add(align_levels(d.times, by_time=by_time, by_date=by_date), d.equity)
                    bench_curve.flush()
                if writer is not None:
                    stamps = timestamp_texts(d.micros)
                    texts = [_csv_texts(chunk.columns[k], d.texts[k]) for k in range(len(DECIMAL_COLUMNS))]
                    writer.writerows(zip(stamps, *texts, [plain(v) for v in dd]))
                    if parquet is not None:
                        columns = [*chunk.columns, "\n".join(map(str, dd))]
                        try:
                            arrays = [exports.timestamp_array(d.micros)]
                            arrays += [exports.decimal_array(col, n) for col in columns]
                        except pa.ArrowInvalid:
                            error = self._parquet_error(columns, stamps)
                            parquet.abort()
                            parquet = None
                        else:
                            parquet.write(arrays)
            if parquet is not None:
                parquet.close()
                parquet = None
        finally:
            if parquet is not None:
                parquet.abort()
            if handle is not None:
                handle.close()
        series.returns = stats.returns()
        series.month_table = months.table()
        series.worst_drawdowns = stats.worst_drawdowns(self.config.worst_drawdowns)
        if walk is not None and bench_curve is not None:
            series.benchmark_returns = returns_by_period(walk.returns, stats.n)
            series.benchmark_stats = bench_curve.stats
        return _Gathered(stats, series, bytes(exposed), walk.returns if walk is not None else None,
                         walk is not None and walk.any_level, error)

    @staticmethod
    def _parquet_error(columns: list[str], stamps: list[str]) -> Exception:
        for name, joined in zip((*DECIMAL_COLUMNS, "drawdown"), columns):
            texts = joined.split("\n")
            try:
                exports.decimal_array(joined, len(texts))
            except pa.ArrowInvalid:
                error = exports.decimal_error(name, texts, stamps)
                return exports.DecimalRangeError(f"equity.parquet: {error} (equity.csv has the exact value)")
        return exports.DecimalRangeError("equity.parquet: a decimal does not fit decimal128(38, 12)")

    def _metrics_of(self, gathered: _Gathered, periods_per_year: float | None = None,
                    risk_free_rate: float | None = None) -> dict[str, Any]:
        trades = [
            Trade(
                symbol=t["symbol"], entry_time=t["entry_time"], exit_time=t["exit_time"], quantity=t["quantity"],
                entry_price=t["entry_price"], exit_price=t["exit_price"], pnl=t["net_pnl"], side=t["side"],
            )
            for t in self._trades
        ]
        return compute_metrics(
            gathered.stats,
            trades,
            benchmark_returns=gathered.bench_returns,
            risk_free_rate=self.config.risk_free_rate if risk_free_rate is None else risk_free_rate,
            periods_per_year=self.config.periods_per_year if periods_per_year is None else periods_per_year,
            exposure=gathered.exposed,
            traded_notional=self._notional,
        )

    def series(self) -> CurveSeries:
        """The curve as the report's charts and tearsheet use it (returns, benchmark returns, worst drawdowns...)."""
        return self._gather().series

    def metrics(self, periods_per_year: float | None = None, risk_free_rate: float | None = None) -> dict[str, Any]:
        """compute_metrics on this run's curve, trades, benchmark, exposure and traded notional."""
        return self._metrics_of(self._gather(), periods_per_year, risk_free_rate)

    def _title_and_label(self, run_config: Mapping[str, Any]) -> tuple[str, str | None]:
        bench = self.config.benchmark
        label = None
        if bench is not None:
            if bench.symbol is not None:
                label = bench.symbol
            else:
                if TYPE_CHECKING:  # the config's validator requires a symbol or a path
                    assert bench.path is not None
                label = Path(bench.path).name
        title = self.config.title or str(run_config.get("name") or "") or "QTrader backtest report"
        return title, label

    def report_data(self, metrics: Mapping[str, Any], run_config: Mapping[str, Any]) -> ReportData:
        """Everything the HTML page shows (with the whole equity rows and benchmark values)."""
        rows = self.equity_rows()
        title, label = self._title_and_label(run_config)
        gathered = self._gather()
        return ReportData(
            title=title,
            equity_rows=rows,
            trade_rows=list(self._trades),  # with each trade's strategy_id (P&L by strategy)
            metrics=dict(metrics),
            benchmark_label=label,
            benchmark_values=scaled_to_equity(self.benchmark_levels(), [r.equity for r in rows]),
            event_counts=self.event_counts(),
            rejection_counts=self.rejection_counts(),
            rejections=self.rejections(),
            traded_notional=self._notional,
            fills=self._fills,
            run_config=run_config,
            warnings=self.warnings(),
            series=gathered.series,
            settings=self.config,
            prices=self._prices,
        )

    def finish(self, run_dir: Path, run_config: Mapping[str, Any]) -> dict[str, Any]:
        """Write equity/trades CSV and Parquet, metrics.json and (unless html: false) report.html; return metrics.

        One pass over the curve writes the equity files and gathers what the metrics and the page need, so a
        long run never holds its curve as Python objects. A decimal that does not fit the Parquet type is a
        DecimalRangeError, raised once the CSV files are written (equity.parquet is then not written).
        """
        run_dir = Path(run_dir)
        run_dir.mkdir(parents=True, exist_ok=True)
        gathered = self._gather(run_dir)
        trades = self.trade_rows()
        exports.write_csv(run_dir / "trades.csv", TRADE_COLUMNS, trades)
        if gathered.error is not None:
            raise gathered.error
        exports.write_parquet(run_dir / "trades.parquet", exports.TRADES_SCHEMA, trades, where=_trade_place)
        metrics = self._metrics_of(gathered)
        (run_dir / "metrics.json").write_text(exports.metrics_json(metrics), encoding="utf-8")
        if self.config.html:
            warnings = self._warnings(bool(gathered.stats.n), gathered.any_level)
            title, label = self._title_and_label(run_config)
            data = ReportData(
                title=title, equity_rows=(), trade_rows=list(self._trades), metrics=dict(metrics),
                benchmark_label=label,
                event_counts=self.event_counts(), rejection_counts=self.rejection_counts(),
                rejections=self.rejections(), traded_notional=self._notional, fills=self._fills,
                run_config=run_config, warnings=warnings, series=gathered.series, settings=self.config,
                prices=self._prices,
            )
            (run_dir / "report.html").write_text(build_html(data), encoding="utf-8")
        return metrics
