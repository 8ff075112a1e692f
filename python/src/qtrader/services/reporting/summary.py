"""The run's headline figures as a rich Table, printed by the CLI at the end of a run."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rich.table import Table

from qtrader.libraries.numbers import plain
from qtrader.services.reporting.formatting import MISSING, format_metric

_ROWS: tuple[tuple[str, str], ...] = (
    ("Total return", "total_return"),
    ("CAGR", "cagr"),
    ("Sharpe ratio", "sharpe_ratio"),
    ("Max drawdown", "max_drawdown"),
    ("Trades", "trade_count"),
    ("Win rate", "win_rate"),
    ("Final equity", "final_equity"),
)


def summary_table(metrics: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> Table:
    """Total return, CAGR, Sharpe, max drawdown, trades, win rate, final equity, then ``extra`` rows in order."""
    table = Table(title="Backtest summary", show_header=True, header_style="bold")
    table.add_column("Metric", style="bold")
    table.add_column("Value", justify="right")
    for label, key in _ROWS:
        table.add_row(label, format_metric(key, metrics.get(key)))
    for label, value in (extra or {}).items():
        table.add_row(str(label), _text(value))
    return table


def _text(value: Any) -> str:
    """Extra rows are shown as given: decimals in plain notation, None as n/a."""
    if value is None:
        return MISSING
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)
