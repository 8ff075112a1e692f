"""Where an order fills on one bar: pure functions of the order's prices and the bar's open, high and low.

Bars carry no intra-bar path, so each rule assumes only what the bar proves: the open is the first price, and
every price in [low, high] traded at some moment. A price is never better for the order than what it could
have got: a gap through a limit or a stop fills at the open, and every rule price lies inside [low, high].
Slippage, quantity caps and time in force are applied elsewhere; these functions only say "at what price".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from qtrader.contracts.generated.models.common.types_v1 import OrderType, Side
from qtrader.libraries.numbers import plain
from qtrader.services.execution.arith import HUNDRED, add, at_most, div, mul, sub


class BarPrices(NamedTuple):
    """The part of a bar the fill rules read."""

    open: Decimal
    high: Decimal
    low: Decimal


@dataclass(frozen=True)
class FillDecision:
    """The verdict for one order on one bar: a rule price (None: no fill) and the stop's state afterwards."""

    price: Decimal | None
    triggered: bool
    reason: str


def limit_price(side: Side, limit: Decimal, bar: BarPrices) -> Decimal | None:
    """A buy fills when low <= limit, at min(limit, open); a sell when high >= limit, at max(limit, open)."""
    if side is Side.BUY:
        return min(limit, bar.open) if bar.low <= limit else None
    return max(limit, bar.open) if bar.high >= limit else None


def stop_triggered(side: Side, stop: Decimal, bar: BarPrices) -> bool:
    """A buy stop triggers when high >= stop, a sell stop when low <= stop."""
    return bar.high >= stop if side is Side.BUY else bar.low <= stop


def stop_price(side: Side, stop: Decimal, bar: BarPrices) -> Decimal | None:
    """The price at which a stop becomes a market order: max(stop, open) for a buy, min(stop, open) for a sell.

    A gap through the stop fills at the open (worse than the stop); otherwise at the stop itself.
    """
    if not stop_triggered(side, stop, bar):
        return None
    return max(stop, bar.open) if side is Side.BUY else min(stop, bar.open)


def _limit_reason(side: Side, limit: Decimal, price: Decimal) -> str:
    if price != limit:
        return f"limit {plain(limit, signed_zero=True)} gapped through: filled at the open"
    return f"limit {plain(limit, signed_zero=True)} reached"


def evaluate(
    order_type: OrderType,
    side: Side,
    bar: BarPrices,
    *,
    limit: Decimal | None = None,
    stop: Decimal | None = None,
    triggered: bool = False,
) -> FillDecision:
    """The rule price of an order on a bar on which it works.

    ``stop`` is the current stop level (for TRAILING_STOP the ratcheted one), ``triggered`` whether a stop was
    triggered on an earlier bar: a triggered STOP or TRAILING_STOP works as a MARKET order, a triggered
    STOP_LIMIT as a LIMIT order.

    STOP_LIMIT on its trigger bar (conservative): the only price the bar proves after the trigger is the trigger
    price t = max(stop, open) for a buy (min(stop, open) for a sell). The order fills at t on that bar when t is
    within the limit (buy: t <= limit, sell: t >= limit); otherwise it stays triggered and rests as a limit from
    the next bar on. It never assumes the price came back to the limit later in the trigger bar.
    """
    if order_type is OrderType.MARKET:
        return FillDecision(bar.open, False, "market order: filled at the open")
    if TYPE_CHECKING:  # the order checks (orders.py) require the prices each type reads
        assert limit is not None and stop is not None
    if order_type is OrderType.LIMIT:
        price = limit_price(side, limit, bar)
        return FillDecision(price, False, _limit_reason(side, limit, price) if price is not None else "limit not reached")
    if order_type in (OrderType.STOP, OrderType.TRAILING_STOP):
        if triggered:
            return FillDecision(bar.open, True, "stop triggered earlier: remainder filled at the open")
        price = stop_price(side, stop, bar)
        if price is None:
            return FillDecision(None, False, "stop not triggered")
        gap = "gapped through: filled at the open" if price != stop else "triggered: filled at the stop"
        return FillDecision(price, True, f"stop {plain(stop, signed_zero=True)} {gap}")
    if order_type is OrderType.STOP_LIMIT:
        if triggered:
            price = limit_price(side, limit, bar)
            reason = _limit_reason(side, limit, price) if price is not None else "stop-limit: limit not reached"
            return FillDecision(price, True, f"stop-limit: {reason}")
        trigger = stop_price(side, stop, bar)
        if trigger is None:
            return FillDecision(None, False, "stop not triggered")
        within = trigger <= limit if side is Side.BUY else trigger >= limit
        if within:
            return FillDecision(trigger, True, f"stop-limit: stop {plain(stop, signed_zero=True)} triggered, "
                                               f"filled at {plain(trigger, signed_zero=True)}")
        return FillDecision(None, True, f"stop-limit: stop {plain(stop, signed_zero=True)} triggered beyond the limit, "
                                        f"resting as a limit")
    raise ValueError(f"unknown order type {order_type!r}")


def trailing_level(side: Side, extreme: Decimal, amount: Decimal | None, percent: Decimal | None,
                   places: int) -> Decimal:
    """The stop a trailing order would have at the best price ``extreme`` seen since it became working.

    Sell (protects a long): extreme is the highest high; stop = extreme - amount or extreme * (1 - percent/100).
    Buy (protects a short): extreme is the lowest low; stop = extreme + amount or extreme * (1 + percent/100).
    Rounded to at most ``places`` fraction digits, ROUND_HALF_EVEN.
    """
    if amount is not None:
        level = sub(extreme, amount) if side is Side.SELL else add(extreme, amount)
    else:
        if TYPE_CHECKING:  # a trailing order has an amount or a percent
            assert percent is not None
        factor = div(percent, HUNDRED)
        level = mul(extreme, sub(Decimal(1), factor) if side is Side.SELL else add(Decimal(1), factor))
    return at_most(level, places)


def ratchet(side: Side, current: Decimal, candidate: Decimal) -> Decimal:
    """A trailing stop only moves in the order's favour: up for a sell, down for a buy."""
    return max(current, candidate) if side is Side.SELL else min(current, candidate)


def better_extreme(side: Side, extreme: Decimal | None, bar: BarPrices) -> Decimal:
    """The best price since working: highest high for a sell trailing stop, lowest low for a buy."""
    if side is Side.SELL:
        return bar.high if extreme is None else max(extreme, bar.high)
    return bar.low if extreme is None else min(extreme, bar.low)
