"""The pure fill rules: price of each order type on one bar, gaps through limits and stops on both sides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qtrader.contracts.generated.models.common.types_v1 import OrderType as T
from qtrader.contracts.generated.models.common.types_v1 import Side
from qtrader.services.execution.fill_rules import (
    BarPrices,
    better_extreme,
    evaluate,
    limit_price,
    ratchet,
    stop_price,
    trailing_level,
)

D = Decimal


def b(o: str, h: str, lo: str) -> BarPrices:
    return BarPrices(D(o), D(h), D(lo))


# (side, limit, bar, expected price or None, why)
LIMITS = [
    (Side.BUY, "100", b("102", "103", "99"), "100", "low 99 <= 100, open 102 above: at the limit"),
    (Side.BUY, "100", b("98", "99", "97"), "98", "gap down: open 98 < limit 100, fills at the open"),
    (Side.BUY, "100", b("101", "103", "100"), "100", "low touches the limit exactly"),
    (Side.BUY, "100", b("101", "103", "100.01"), None, "low 100.01 > 100: not reached"),
    (Side.SELL, "105", b("103", "106", "102"), "105", "high 106 >= 105, open below: at the limit"),
    (Side.SELL, "105", b("107", "108", "106"), "107", "gap up: open 107 > limit 105, fills at the open"),
    (Side.SELL, "105", b("103", "104.99", "102"), None, "high 104.99 < 105: not reached"),
]


@pytest.mark.parametrize(("side", "limit", "bar", "expected", "why"), LIMITS)
def test_limit(side: Side, limit: str, bar: BarPrices, expected: str | None, why: str) -> None:
    assert limit_price(side, D(limit), bar) == (D(expected) if expected else None), why


STOPS = [
    (Side.BUY, "105", b("103", "106", "102"), "105", "high 106 >= 105: at the stop"),
    (Side.BUY, "105", b("107", "108", "106"), "107", "gap up through the stop: at the open 107"),
    (Side.BUY, "105", b("103", "104", "102"), None, "high 104 < 105: not triggered"),
    (Side.SELL, "95", b("97", "98", "94"), "95", "low 94 <= 95: at the stop"),
    (Side.SELL, "95", b("93", "94", "92"), "93", "gap down through the stop: at the open 93"),
    (Side.SELL, "95", b("97", "98", "95.5"), None, "low 95.5 > 95: not triggered"),
]


@pytest.mark.parametrize(("side", "stop", "bar", "expected", "why"), STOPS)
def test_stop(side: Side, stop: str, bar: BarPrices, expected: str | None, why: str) -> None:
    assert stop_price(side, D(stop), bar) == (D(expected) if expected else None), why
    decision = evaluate(T.STOP, side, bar, stop=D(stop))
    assert decision.price == (D(expected) if expected else None)
    assert decision.triggered is (expected is not None)


def test_market_fills_at_the_open() -> None:
    decision = evaluate(T.MARKET, Side.SELL, b("101.01", "102", "100"))
    assert decision.price == D("101.01")


def test_triggered_stop_works_as_market() -> None:
    # triggered on an earlier bar: the remainder fills at this bar's open whatever the stop
    assert evaluate(T.STOP, Side.SELL, b("80", "85", "79"), stop=D("95"), triggered=True).price == D("80")


# STOP_LIMIT on the trigger bar: t = max(stop, open) for a buy; fills at t only when t <= limit.
STOP_LIMITS = [
    (Side.BUY, "105", "106", b("103", "107", "102"), "105", True, "t = max(105, 103) = 105 <= 106"),
    (Side.BUY, "105", "106", b("105.5", "107", "105"), "105.5", True, "gap: t = open 105.5 <= 106"),
    (Side.BUY, "105", "106", b("107", "108", "104"), None, True, "gap: t = 107 > 106, rests as a limit"),
    (Side.BUY, "105", "106", b("103", "104", "100"), None, False, "high 104 < 105: not triggered"),
    (Side.BUY, "105", "104", b("103", "106", "100"), None, True, "t = 105 > limit 104: never assume a comeback"),
    (Side.SELL, "95", "94", b("97", "98", "93"), "95", True, "t = min(95, 97) = 95 >= 94"),
    (Side.SELL, "95", "94", b("94.5", "96", "93"), "94.5", True, "gap: t = open 94.5 >= 94"),
    (Side.SELL, "95", "94", b("93", "94", "92"), None, True, "gap: t = 93 < 94, rests as a limit"),
]


@pytest.mark.parametrize(("side", "stop", "limit", "bar", "expected", "triggered", "why"), STOP_LIMITS)
def test_stop_limit_trigger_bar(side: Side, stop: str, limit: str, bar: BarPrices, expected: str | None,
                                triggered: bool, why: str) -> None:
    decision = evaluate(T.STOP_LIMIT, side, bar, stop=D(stop), limit=D(limit))
    assert decision.price == (D(expected) if expected else None), why
    assert decision.triggered is triggered


def test_triggered_stop_limit_rests_as_limit() -> None:
    # buy limit 106 after the trigger: low 104 <= 106, fills at min(106, open 105) = 105
    assert evaluate(T.STOP_LIMIT, Side.BUY, b("105", "106", "104"), stop=D(105), limit=D(106),
                    triggered=True).price == D(105)
    # sell limit 94: high 95 >= 94, fills at max(94, open 93.5) = 94
    assert evaluate(T.STOP_LIMIT, Side.SELL, b("93.5", "95", "93"), stop=D(95), limit=D(94),
                    triggered=True).price == D(94)


def test_trailing_levels() -> None:
    assert trailing_level(Side.SELL, D(104), D(5), None, 6) == D(99)  # 104 - 5
    assert trailing_level(Side.BUY, D(47), D(2), None, 6) == D(49)  # 47 + 2
    assert trailing_level(Side.SELL, D(120), None, D(10), 6) == D(108)  # 120 * 0.9
    assert trailing_level(Side.BUY, D(50), None, D(3), 6) == D("51.5")  # 50 * 1.03
    # 33.33 * 0.97 = 32.3301 -> 2 places HALF_EVEN: 32.33
    assert trailing_level(Side.SELL, D("33.33"), None, D(3), 2) == D("32.33")


def test_ratchet_moves_only_in_the_orders_favour() -> None:
    assert ratchet(Side.SELL, D(97), D(93)) == D(97)
    assert ratchet(Side.SELL, D(97), D(99)) == D(99)
    assert ratchet(Side.BUY, D(49), D(52)) == D(49)
    assert ratchet(Side.BUY, D(49), D(47)) == D(47)


def test_better_extreme() -> None:
    bar = b("100", "104", "99")
    assert better_extreme(Side.SELL, None, bar) == D(104)
    assert better_extreme(Side.SELL, D(106), bar) == D(106)
    assert better_extreme(Side.BUY, None, bar) == D(99)
    assert better_extreme(Side.BUY, D(98), bar) == D(98)
