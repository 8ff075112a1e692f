"""``compute_metrics``: every metric of a run in one JSON-serialisable dict with a fixed key order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from numbers import Real
from typing import Any

import numpy as np

from ._common import check_periods_per_year, iso, money
from .activity import exposure as _exposure
from .activity import turnover_of_average
from .equity import CurveStats, EquityPoint
from .returns import (
    alpha_beta,
    annual_volatility,
    conditional_value_at_risk,
    information_ratio,
    periodic_risk_free,
    probabilistic_sharpe_ratio,
    sharpe_ratio,
    sortino_ratio,
    tracking_error,
    value_at_risk,
)
from .trades import (
    TradeLike,
    _pnls,
    average_holding_period,
    average_loss,
    average_trade_pnl,
    average_win,
    expectancy,
    gross_loss,
    gross_profit,
    largest_loss,
    largest_win,
    median_trade_pnl,
    profit_factor,
    total_pnl,
    win_rate,
)

#: The keys of :func:`compute_metrics`, in the order they appear. Values are float, int, bool,
#: str (ISO timestamps and Decimal money figures) or None (undefined) — never NaN or inf.
METRIC_KEYS: tuple[str, ...] = (
    # curve
    "start",
    "end",
    "bars",
    "periods",
    "periods_per_year",
    "risk_free_rate",
    "initial_equity",
    "final_equity",
    "total_return",
    "cagr",
    "annual_volatility",
    "sharpe_ratio",
    "sortino_ratio",
    "calmar_ratio",
    "probabilistic_sharpe_ratio",
    # drawdowns
    "max_drawdown",
    "max_drawdown_peak",
    "max_drawdown_trough",
    "max_drawdown_recovery",
    "max_drawdown_duration_periods",
    "max_drawdown_duration_days",
    "average_drawdown",
    "drawdown_count",
    # tail risk
    "var_95",
    "cvar_95",
    "var_99",
    "cvar_99",
    # benchmark
    "benchmark_periods",
    "alpha",
    "beta",
    "tracking_error",
    "information_ratio",
    # activity
    "exposure",
    "turnover",
    # trades
    "trade_count",
    "winning_trades",
    "losing_trades",
    "win_rate",
    "profit_factor",
    "profit_factor_infinite",
    "expectancy",
    "total_pnl",
    "gross_profit",
    "gross_loss",
    "average_trade_pnl",
    "median_trade_pnl",
    "average_win",
    "average_loss",
    "largest_win",
    "largest_loss",
    "average_holding_period_days",
)


def _is_number(x: Any) -> bool:
    return isinstance(x, (Real, Decimal)) and not isinstance(x, bool)


def align_benchmark(
    return_times: list[Any], returns: Sequence[float] | np.ndarray, benchmark_returns: Any
) -> tuple[Sequence[float] | np.ndarray, list[float]]:
    """Pair strategy returns with benchmark returns (the strategy's returns as given when positional).

    * a sequence of numbers is positional: one benchmark return per strategy return (n - 1 for a
      curve of n points); any other length is a ValueError;
    * a mapping ``{timestamp: return}`` or a sequence of ``(timestamp, return)`` pairs is matched on
      the timestamp that ends each period (``equity_curve[i][0]`` for return i); periods without a
      benchmark return are dropped from the benchmark metrics.
    """
    if isinstance(benchmark_returns, Mapping):
        table = dict(benchmark_returns)
    else:
        items = list(benchmark_returns)
        if all(_is_number(x) for x in items):
            if len(items) != len(returns):
                raise ValueError(
                    f"benchmark_returns has {len(items)} values but the equity curve has "
                    f"{len(returns)} period returns; pass one per period (none for the first point) "
                    "or (timestamp, return) pairs"
                )
            return returns, [float(x) for x in items]
        table = {}
        for i, item in enumerate(items):
            try:
                t, v = item
            except (TypeError, ValueError):
                raise ValueError(
                    f"benchmark_returns[{i}]: expected a number or a (timestamp, return) pair, got {item!r}"
                ) from None
            table[t] = v
    strat: list[float] = []
    bench: list[float] = []
    for t, r in zip(return_times, returns):
        if t in table:
            strat.append(r)
            bench.append(table[t])
    return strat, bench


def compute_metrics(
    equity_curve: Iterable[EquityPoint] | CurveStats,
    trades: Iterable[TradeLike] | None,
    *,
    benchmark_returns: Any = None,
    risk_free_rate: float = 0,
    periods_per_year: float = 252,
    exposure: Iterable[Any] | None = None,
    traded_notional: Any = None,
) -> dict[str, Any]:
    """All performance metrics of one run, keyed and ordered as :data:`METRIC_KEYS`.

    ``equity_curve``: ``(timestamp, equity)`` points, strictly increasing in time; or a :class:`CurveStats`
    gathered piece by piece (a long curve need not be held whole).
    ``trades``: closed trades (``Trade`` or any object with its attributes), or None.
    ``benchmark_returns``: see :func:`align_benchmark`; None leaves the benchmark metrics None.
    ``risk_free_rate``: annual rate, converted per period by compounding (see ``periodic_risk_free``).
    ``exposure``: one bool or position value per period; None leaves ``exposure`` None.
    ``traded_notional``: total traded notional (or per-fill notionals); None leaves ``turnover`` None.

    Undefined metrics are None; the dict passes ``json.dumps(..., allow_nan=False)``.
    """
    ppy = check_periods_per_year(periods_per_year)
    periodic_risk_free(risk_free_rate, ppy)  # validate early
    rf = float(risk_free_rate)
    curve = equity_curve if isinstance(equity_curve, CurveStats) else CurveStats.of(equity_curve)
    trade_list = list(trades or ())
    rets = curve.returns()

    mdd = curve.max_drawdown()

    alpha = beta = te = ir = None
    bench_n = None
    if benchmark_returns is not None:
        times = curve.return_times()
        if isinstance(times, range) and isinstance(benchmark_returns, Mapping) \
                and not all(isinstance(k, int) for k in benchmark_returns):
            raise ValueError("this CurveStats was made with keep_times=False: it matches benchmark returns by period "
                             "index (1..n-1), so key them by index, or make it with keep_times=True")
        s, b = align_benchmark(list(times), rets, benchmark_returns)
        bench_n = len(s)
        alpha, beta = alpha_beta(s, b, rf, ppy)
        te = tracking_error(s, b, ppy)
        ir = information_ratio(s, b, ppy)

    pnls = _pnls(trade_list)
    pf = profit_factor(trade_list)
    hold = average_holding_period(trade_list)

    out: dict[str, Any] = {
        "start": iso(curve.first_time) if curve.n else None,
        "end": iso(curve.last_time) if curve.n else None,
        "bars": curve.n,
        "periods": len(rets),
        "periods_per_year": ppy,
        "risk_free_rate": rf,
        "initial_equity": money(curve.first_value) if curve.n else None,
        "final_equity": money(curve.last_value) if curve.n else None,
        "total_return": curve.total_return(),
        "cagr": curve.cagr(ppy),
        "annual_volatility": annual_volatility(rets, ppy),
        "sharpe_ratio": sharpe_ratio(rets, rf, ppy),
        "sortino_ratio": sortino_ratio(rets, rf, ppy),
        "calmar_ratio": curve.calmar_ratio(ppy),
        "probabilistic_sharpe_ratio": probabilistic_sharpe_ratio(rets, 0.0, rf, ppy),
        "max_drawdown": None if mdd is None else mdd.depth,
        "max_drawdown_peak": None if mdd is None else iso(mdd.peak_time),
        "max_drawdown_trough": None if mdd is None else iso(mdd.trough_time),
        "max_drawdown_recovery": None if mdd is None else iso(mdd.recovery_time),
        "max_drawdown_duration_periods": None if mdd is None else mdd.duration_periods,
        "max_drawdown_duration_days": None if mdd is None else mdd.duration_days,
        "average_drawdown": curve.average_drawdown(),
        "drawdown_count": None if mdd is None else curve.drawdown_count(),
        "var_95": value_at_risk(rets, 0.05),
        "cvar_95": conditional_value_at_risk(rets, 0.05),
        "var_99": value_at_risk(rets, 0.01),
        "cvar_99": conditional_value_at_risk(rets, 0.01),
        "benchmark_periods": bench_n,
        "alpha": alpha,
        "beta": beta,
        "tracking_error": te,
        "information_ratio": ir,
        "exposure": None if exposure is None else _exposure(exposure),
        "turnover": None if traded_notional is None else turnover_of_average(traded_notional, curve.average_equity()),
        "trade_count": len(pnls),
        "winning_trades": sum(1 for p in pnls if p > 0),
        "losing_trades": sum(1 for p in pnls if p < 0),
        "win_rate": win_rate(trade_list),
        "profit_factor": pf.value,
        "profit_factor_infinite": pf.infinite,
        "expectancy": money(expectancy(trade_list)),
        "total_pnl": money(total_pnl(trade_list)),
        "gross_profit": money(gross_profit(trade_list)),
        "gross_loss": money(gross_loss(trade_list)),
        "average_trade_pnl": money(average_trade_pnl(trade_list)),
        "median_trade_pnl": money(median_trade_pnl(trade_list)),
        "average_win": money(average_win(trade_list)),
        "average_loss": money(average_loss(trade_list)),
        "largest_win": money(largest_win(trade_list)),
        "largest_loss": money(largest_loss(trade_list)),
        "average_holding_period_days": None if hold is None else hold.total_seconds() / 86400.0,
    }
    assert tuple(out) == METRIC_KEYS
    return out
