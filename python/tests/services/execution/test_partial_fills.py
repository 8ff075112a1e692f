"""Participation cap: floor(participation * bar volume) whole units per order per bar."""

from __future__ import annotations

from decimal import Decimal

from qtrader.contracts.generated.models.common.types_v1 import OrderStatus as S

from .helpers import Harness, bar, brief, day, fills, order, updates

D = Decimal


def test_partial_fills_across_three_bars() -> None:
    h = Harness({"participation": "0.1"})
    h.send(bar(day(2), "100", "101", "99"))
    o = order(day(2), quantity="250")
    h.send(o)
    oid = o.order_id
    # cap = floor(0.1 * 1000) = 100 per bar: 100 + 100 + 50
    first = h.send(bar(day(3), "100", "101", "99", v="1000"))
    second = h.send(bar(day(4), "102", "103", "101", v="1000"))
    third = h.send(bar(day(5), "104", "105", "103", v="1000"))
    assert brief(first) == [("Fill", oid, D(100), D(100)), ("OrderUpdate", oid, "PARTIALLY_FILLED")]
    assert brief(second) == [("Fill", oid, D(100), D(102)), ("OrderUpdate", oid, "PARTIALLY_FILLED")]
    assert brief(third) == [("Fill", oid, D(50), D(104)), ("OrderUpdate", oid, "FILLED")]
    assert [f.is_partial for f in fills(first + second + third)] == [True, True, False]
    assert [(u.filled_quantity, u.remaining_quantity) for u in updates(first + second + third)] == [
        (D(100), D(150)), (D(200), D(50)), (D(250), D(0))]
    assert updates(second)[0].previous_status == S.PARTIALLY_FILLED
    # average: (100*100 + 100*102 + 50*104) / 250 = 25400 / 250 = 101.6
    assert updates(third)[0].average_fill_price == D("101.6")
    # first average: 100; second: (10000 + 10200) / 200 = 101
    assert [u.average_fill_price for u in updates(first + second)] == [D(100), D(101)]


def test_cap_is_floored_to_whole_units() -> None:
    # 0.15 * 1005 = 150.75 -> 150
    h = Harness({"participation": "0.15"})
    h.send(bar(day(2), "100", "101", "99"))
    o = order(day(2), quantity="1000")
    h.send(o)
    assert fills(h.send(bar(day(3), "100", "101", "99", v="1005")))[0].quantity == D(150)


def test_a_cap_of_zero_fills_nothing_and_the_order_keeps_working() -> None:
    # 0.1 * 5 = 0.5 -> 0: nothing on day 3; volume 10000 on day 4 -> cap 1000 >= 100: all
    h = Harness({"participation": "0.1"})
    h.send(bar(day(2), "100", "101", "99"))
    o = order(day(2))
    h.send(o)
    assert h.send(bar(day(3), "100", "101", "99", v="5")) == []
    assert h.state(o.order_id).working
    assert brief(h.send(bar(day(4), "101", "102", "100", v="10000")))[0] == ("Fill", o.order_id, D(100), D(101))


def test_triggered_stop_remainder_fills_at_following_opens() -> None:
    # sell stop 95, cap floor(0.5 * 120) = 60: day 3 fills 60 at the stop 95, day 4 the other 40 at the open 93
    h = Harness({"participation": "0.5"})
    h.send(bar(day(2), "100", "101", "99"))
    o = order(day(2), side="SELL", order_type="STOP", stop_price="95")
    h.send(o)
    assert brief(h.send(bar(day(3), "97", "98", "94", v="120")))[0] == ("Fill", o.order_id, D(60), D(95))
    assert brief(h.send(bar(day(4), "93", "99", "92", v="120")))[0] == ("Fill", o.order_id, D(40), D(93))


def test_cap_is_per_order_not_shared() -> None:
    # two orders, each capped at floor(0.1 * 1000) = 100 on the same bar
    h = Harness({"participation": "0.1"})
    h.send(bar(day(2), "100", "101", "99"))
    a, b = order(day(2), quantity="150"), order(day(2), quantity="150")
    h.send(a)
    h.send(b)
    out = h.send(bar(day(3), "100", "101", "99", v="1000"))
    assert [(f.order_id, f.quantity) for f in fills(out)] == [(a.order_id, D(100)), (b.order_id, D(100))]


def test_without_participation_volume_is_ignored() -> None:
    h = Harness()
    h.send(bar(day(2), "100", "101", "99"))
    o = order(day(2), quantity="5000")
    h.send(o)
    assert fills(h.send(bar(day(3), "100", "101", "99", v="10")))[0].quantity == D(5000)
