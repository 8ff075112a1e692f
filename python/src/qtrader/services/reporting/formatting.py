"""How a metric is shown to a person (HTML report, terminal summary). metrics.json keeps full precision."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from qtrader.libraries.numbers import MONEY

MISSING = "n/a"

#: Metric key -> (label, kind). kind: pct (a fraction shown in %), ratio, number, money, int, text, bool, days.
METRIC_FORMATS: dict[str, tuple[str, str]] = {
    "start": ("Start", "text"),
    "end": ("End", "text"),
    "bars": ("Bars", "int"),
    "periods": ("Periods", "int"),
    "periods_per_year": ("Periods per year", "number"),
    "risk_free_rate": ("Risk-free rate (annual)", "pct"),
    "initial_equity": ("Initial equity", "money"),
    "final_equity": ("Final equity", "money"),
    "total_return": ("Total return", "pct"),
    "cagr": ("CAGR", "pct"),
    "annual_volatility": ("Annual volatility", "pct"),
    "sharpe_ratio": ("Sharpe ratio", "ratio"),
    "sortino_ratio": ("Sortino ratio", "ratio"),
    "calmar_ratio": ("Calmar ratio", "ratio"),
    "probabilistic_sharpe_ratio": ("Probabilistic Sharpe ratio", "ratio"),
    "max_drawdown": ("Max drawdown", "pct"),
    "max_drawdown_peak": ("Max drawdown peak", "text"),
    "max_drawdown_trough": ("Max drawdown trough", "text"),
    "max_drawdown_recovery": ("Max drawdown recovery", "text"),
    "max_drawdown_duration_periods": ("Max drawdown duration (periods)", "int"),
    "max_drawdown_duration_days": ("Max drawdown duration (days)", "days"),
    "average_drawdown": ("Average drawdown", "pct"),
    "drawdown_count": ("Drawdowns", "int"),
    "var_95": ("VaR 95%", "pct"),
    "cvar_95": ("CVaR 95%", "pct"),
    "var_99": ("VaR 99%", "pct"),
    "cvar_99": ("CVaR 99%", "pct"),
    "benchmark_periods": ("Benchmark periods", "int"),
    "alpha": ("Alpha (annual)", "pct"),
    "beta": ("Beta", "ratio"),
    "tracking_error": ("Tracking error", "pct"),
    "information_ratio": ("Information ratio", "ratio"),
    "exposure": ("Exposure", "pct"),
    "turnover": ("Turnover", "ratio"),
    "trade_count": ("Trades", "int"),
    "winning_trades": ("Winning trades", "int"),
    "losing_trades": ("Losing trades", "int"),
    "win_rate": ("Win rate", "pct"),
    "profit_factor": ("Profit factor", "ratio"),
    "profit_factor_infinite": ("Profit factor infinite (no losses)", "bool"),
    "expectancy": ("Expectancy", "money"),
    "total_pnl": ("Total trade P&L", "money"),
    "gross_profit": ("Gross profit", "money"),
    "gross_loss": ("Gross loss", "money"),
    "average_trade_pnl": ("Average trade P&L", "money"),
    "median_trade_pnl": ("Median trade P&L", "money"),
    "average_win": ("Average win", "money"),
    "average_loss": ("Average loss", "money"),
    "largest_win": ("Largest win", "money"),
    "largest_loss": ("Largest loss", "money"),
    "average_holding_period_days": ("Average holding period (days)", "days"),
}


def money(value: Any, places: int = 2) -> str:
    """A Decimal (or its text) rounded half-even for display, with thousands separators."""
    if value is None:
        return MISSING
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return str(value)
    q = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN, context=MONEY)
    return _no_negative_zero(f"{q:,.{places}f}")


def _no_negative_zero(text: str) -> str:
    return text[1:] if text.startswith("-") and not text.strip("-0.%") else text


def pct(value: Any, places: int = 2) -> str:
    """A fraction in percent: 0.1234 -> '12.34%' (a tiny negative rounds to '0.00%', not '-0.00%')."""
    return MISSING if value is None else _no_negative_zero(f"{float(value) * 100:.{places}f}%")


def ratio(value: Any, places: int = 3) -> str:
    return MISSING if value is None else _no_negative_zero(f"{float(value):.{places}f}")


def format_metric(key: str, value: Any) -> str:
    """The display text of one compute_metrics value, by the kind of the key."""
    kind = METRIC_FORMATS.get(key, (key, "text"))[1]
    if value is None:
        return MISSING
    if kind == "pct":
        return pct(value)
    if kind == "ratio":
        return ratio(value)
    if kind == "money":
        return money(value)
    if kind == "number":
        return f"{float(value):g}"
    if kind == "days":
        return f"{float(value):.1f}"
    if kind == "bool":
        return "yes" if value else "no"
    if kind == "text" and isinstance(value, str) and value.endswith("T00:00:00+00:00"):
        return value[:10]
    return str(value)


def metric_label(key: str) -> str:
    return METRIC_FORMATS.get(key, (key, "text"))[0]


def metric_rows(metrics: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(key, label, text) for every metric, in the metrics' order; an infinite profit factor shows as such."""
    rows = []
    for key, value in metrics.items():
        if key == "profit_factor_infinite":
            continue
        text = format_metric(key, value)
        if key == "profit_factor" and value is None and metrics.get("profit_factor_infinite"):
            text = "inf (no losing trade)"
        rows.append((key, metric_label(key), text))
    return rows
