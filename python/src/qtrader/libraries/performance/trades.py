"""Metrics of a list of closed trades: counts, win rate, profit factor, expectancy, P&L figures,
holding period. Money figures are Decimal; ratios are floats. See docs/metrics.md.

Any object with the attributes of :class:`Trade` is accepted (only ``pnl``, ``entry_time`` and
``exit_time`` are read).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, Protocol

from ._common import DEC, ZERO, to_datetime, to_decimal


@dataclass(frozen=True, slots=True)
class Trade:
    """One closed round trip. ``pnl`` is the realised profit or loss net of costs, in account currency."""

    symbol: str
    entry_time: Any
    exit_time: Any
    quantity: Decimal
    entry_price: Decimal
    exit_price: Decimal
    pnl: Decimal
    side: str


class TradeLike(Protocol):
    """What the trade statistics read of a trade (read-only: a frozen Trade qualifies)."""

    @property
    def symbol(self) -> str: ...
    @property
    def entry_time(self) -> Any: ...
    @property
    def exit_time(self) -> Any: ...
    @property
    def quantity(self) -> Decimal: ...
    @property
    def entry_price(self) -> Decimal: ...
    @property
    def exit_price(self) -> Decimal: ...
    @property
    def pnl(self) -> Decimal: ...
    @property
    def side(self) -> Any: ...


def _pnls(trades: Iterable[TradeLike] | None) -> list[Decimal]:
    return [to_decimal(t.pnl, f"trades[{i}].pnl") for i, t in enumerate(trades or ())]


def _sum(xs: Iterable[Decimal]) -> Decimal:
    total = ZERO
    for x in xs:
        total = DEC.add(total, x)
    return total


@dataclass(frozen=True, slots=True)
class ProfitFactor:
    """``value`` = gross profit / |gross loss|, or None when undefined. ``infinite`` is True exactly
    when there are winning trades and no losing trades (the ratio is +inf; value is None)."""

    value: float | None
    infinite: bool


def total_pnl(trades: Iterable[TradeLike] | None) -> Decimal:
    """Sum of trade P&L; Decimal 0 with no trades."""
    return _sum(_pnls(trades))


def gross_profit(trades: Iterable[TradeLike] | None) -> Decimal:
    """Sum of positive trade P&L (>= 0)."""
    return _sum(p for p in _pnls(trades) if p > ZERO)


def gross_loss(trades: Iterable[TradeLike] | None) -> Decimal:
    """Sum of negative trade P&L (<= 0, a negative number when there are losses)."""
    return _sum(p for p in _pnls(trades) if p < ZERO)


def win_rate(trades: Iterable[TradeLike] | None) -> float | None:
    """Winning trades (pnl > 0) / all trades; break-even trades count in the denominator only.
    None with no trades."""
    p = _pnls(trades)
    if not p:
        return None
    return sum(1 for x in p if x > ZERO) / len(p)


def profit_factor(trades: Iterable[TradeLike] | None) -> ProfitFactor:
    """Gross profit / |gross loss|. No losses: value None, ``infinite`` True if there is any profit
    (all-winning run), False if there is none either (no trades, or only break-even trades)."""
    p = _pnls(trades)
    gp = _sum(x for x in p if x > ZERO)
    gl = _sum(x for x in p if x < ZERO)
    if gl == ZERO:
        return ProfitFactor(None, gp > ZERO)
    return ProfitFactor(float(DEC.divide(gp, -gl)), False)


def average_trade_pnl(trades: Iterable[TradeLike] | None) -> Decimal | None:
    """Arithmetic mean of trade P&L; None with no trades."""
    p = _pnls(trades)
    return DEC.divide(_sum(p), len(p)) if p else None


def expectancy(trades: Iterable[TradeLike] | None) -> Decimal | None:
    """Expected P&L per trade, ``P(win) * avg_win + P(loss) * avg_loss`` (avg_loss negative,
    break-evens contribute 0). The probabilities are frequencies, so this reduces exactly to
    ``(gross_profit + gross_loss) / n`` — the same value as :func:`average_trade_pnl`, computed here
    from its parts. None with no trades."""
    p = _pnls(trades)
    if not p:
        return None
    gp = _sum(x for x in p if x > ZERO)
    gl = _sum(x for x in p if x < ZERO)
    return DEC.divide(DEC.add(gp, gl), len(p))


def median_trade_pnl(trades: Iterable[TradeLike] | None) -> Decimal | None:
    """Median trade P&L (mean of the two middle values for an even count); None with no trades."""
    p = sorted(_pnls(trades))
    if not p:
        return None
    mid = len(p) // 2
    if len(p) % 2:
        return p[mid]
    return DEC.divide(DEC.add(p[mid - 1], p[mid]), 2)


def average_win(trades: Iterable[TradeLike] | None) -> Decimal | None:
    """Mean P&L of winning trades (pnl > 0); None if there is none."""
    w = [x for x in _pnls(trades) if x > ZERO]
    return DEC.divide(_sum(w), len(w)) if w else None


def average_loss(trades: Iterable[TradeLike] | None) -> Decimal | None:
    """Mean P&L of losing trades (pnl < 0, so negative); None if there is none."""
    losses = [x for x in _pnls(trades) if x < ZERO]
    return DEC.divide(_sum(losses), len(losses)) if losses else None


def largest_win(trades: Iterable[TradeLike] | None) -> Decimal | None:
    """Largest positive trade P&L; None if no trade made money."""
    w = [x for x in _pnls(trades) if x > ZERO]
    return max(w) if w else None


def largest_loss(trades: Iterable[TradeLike] | None) -> Decimal | None:
    """Most negative trade P&L (a negative number); None if no trade lost money."""
    losses = [x for x in _pnls(trades) if x < ZERO]
    return min(losses) if losses else None


def average_holding_period(trades: Iterable[TradeLike] | None) -> timedelta | None:
    """Mean of ``exit_time - entry_time`` over trades with both times (dates count as midnight);
    None if there is no such trade."""
    spans: list[timedelta] = []
    for i, t in enumerate(trades or ()):
        if t.entry_time is None or t.exit_time is None:
            continue
        d = to_datetime(t.exit_time) - to_datetime(t.entry_time)
        if not isinstance(d, timedelta):
            raise TypeError(f"trades[{i}]: entry_time/exit_time must be dates or datetimes")
        spans.append(d)
    if not spans:
        return None
    return sum(spans, timedelta()) / len(spans)
