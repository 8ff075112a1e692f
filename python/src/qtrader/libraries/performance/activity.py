"""How much the strategy was in the market and how much it traded: exposure and turnover."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from numbers import Real
from typing import Any

from ._common import DEC, ZERO, to_decimal
from .equity import EquityCurve, EquityPoint, as_equity_curve


def exposure(positions: Iterable[Any]) -> float | None:
    """Fraction of periods with a position: one entry per period, either a bool (in the market or
    not) or a position size / value (non-zero means exposed; the sign is ignored); or a bytes object,
    one byte per period (non-zero means exposed).
    None for an empty sequence."""
    if isinstance(positions, (bytes, bytearray)):  # one byte per period, as the reporting service keeps them
        return None if not positions else (len(positions) - positions.count(0)) / len(positions)
    flags: list[bool] = []
    for i, p in enumerate(positions):
        if isinstance(p, bool):
            flags.append(p)
        elif isinstance(p, (Real, Decimal)):
            flags.append(to_decimal(p, f"exposure[{i}]") != ZERO)
        else:
            raise TypeError(f"exposure[{i}]: expected a bool or a number, got {p!r}")
    if not flags:
        return None
    return sum(flags) / len(flags)


def traded_notional_total(traded_notional: Any) -> Decimal:
    """A single number, or a sequence of per-fill notionals (their absolute values are summed)."""
    if isinstance(traded_notional, (Real, Decimal, str)) and not isinstance(traded_notional, bool):
        return abs(to_decimal(traded_notional, "traded_notional"))
    total = ZERO
    for i, x in enumerate(traded_notional):
        total = DEC.add(total, abs(to_decimal(x, f"traded_notional[{i}]")))
    return total


def average_equity(equity_curve: Iterable[EquityPoint] | EquityCurve) -> Decimal | None:
    """Arithmetic mean of the equity values; None for an empty curve."""
    values = as_equity_curve(equity_curve).values
    if not values:
        return None
    total = ZERO
    for v in values:
        total = DEC.add(total, v)
    return DEC.divide(total, len(values))


def turnover(traded_notional: Any, equity_curve: Iterable[EquityPoint] | EquityCurve) -> float | None:
    """Traded notional (sum of |price x quantity| over all fills, buys and sells) divided by the
    mean equity of the curve. Not annualised. None for an empty curve or a mean equity <= 0."""
    return turnover_of_average(traded_notional, average_equity(equity_curve))


def turnover_of_average(traded_notional: Any, avg: Decimal | None) -> float | None:
    """``turnover`` from the mean equity (None: an empty curve)."""
    if avg is None or avg <= ZERO:
        return None
    return float(DEC.divide(traded_notional_total(traded_notional), avg))
