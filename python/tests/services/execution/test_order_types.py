"""Each order type worked through the service on hand-built bars; the expected price is worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qtrader.contracts.generated.models.common.types_v1 import OrderStatus as S

from .helpers import Harness, bar, brief, day, fills, order, updates

D = Decimal


def start(config: dict | None = None, **order_fields: str) -> tuple[Harness, str]:
    """Day 2's bar is seen, then an order is received at day 2's close (so it first works on day 3)."""
    h = Harness(config)
    h.send(bar(day(2), "100", "101", "99"))
    o = order(day(2), **order_fields)
    out = h.send(o)
    assert brief(out) == [("OrderUpdate", o.order_id, "NEW"), ("OrderUpdate", o.order_id, "ACCEPTED")]
    return h, o.order_id


def test_default_config_market_order_fills_entirely_at_next_open_without_costs() -> None:
    h, oid = start()
    out = h.send(bar(day(3), "101.01", "103", "100"))
    assert brief(out) == [("Fill", oid, D(100), D("101.01")), ("OrderUpdate", oid, "FILLED")]
    fill, update = out
    assert (fill.commission, fill.slippage, fill.is_partial) == (D(0), D(0), False)
    assert (fill.strategy_id, str(fill.side), fill.symbol) == ("s1", "BUY", "GOOG")
    assert update.previous_status == S.ACCEPTED
    assert (update.filled_quantity, update.remaining_quantity, update.average_fill_price) == (D(100), D(0),
                                                                                                D("101.01"))
    assert h.send(bar(day(4), "90", "91", "89")) == []  # nothing left to work


def test_update_fields_carry_the_audit_trail() -> None:
    h = Harness()
    h.send(bar(day(2), "100", "101", "99"))
    o = order(day(2))
    new, accepted = h.send(o)
    assert new.previous_status is None and new.reason == "order received"
    assert accepted.previous_status == S.NEW
    for update in (new, accepted):
        assert (update.intent_id, update.idempotency_key) == (o.intent_id, o.idempotency_key)
        assert (update.filled_quantity, update.remaining_quantity, update.average_fill_price) == (D(0), D(100), None)
    fill = fills(h.send(bar(day(3), "100", "101", "99")))[0]
    assert (fill.order_id, fill.intent_id) == (o.order_id, o.intent_id)


def test_nothing_fills_on_the_bar_during_which_the_order_was_received() -> None:
    # Two symbols close at the same time; the order for GOOG is made on AAPL's bar, before GOOG's bar of the
    # same timestamp reaches execution. That GOOG bar must not fill it: the order works from the next one.
    h = Harness()
    h.send(bar(day(2), "50", "51", "49", symbol="GOOG"))
    h.send(bar(day(3), "10", "11", "9", symbol="AAPL"))
    o = order(day(3))
    h.send(o)
    assert h.send(bar(day(3), "100", "101", "99", symbol="GOOG")) == []
    assert brief(h.send(bar(day(4), "102", "103", "101"))) == [("Fill", o.order_id, D(100), D(102)),
                                                                ("OrderUpdate", o.order_id, "FILLED")]


def test_market_sell_at_open() -> None:
    h, oid = start(side="SELL")
    assert brief(h.send(bar(day(3), "98.5", "99", "97")))[0] == ("Fill", oid, D(100), D("98.5"))


# (order fields, bars after the order as (open, high, low), index of the filling bar or None, expected price)
CASES = {
    "limit buy at the limit": ({"order_type": "LIMIT", "limit_price": "100"},
                               [("102", "103", "100.5"), ("102", "103", "99")], 1, "100"),
    "limit buy gap down at the open": ({"order_type": "LIMIT", "limit_price": "100"},
                                       [("98", "99", "97")], 0, "98"),
    "limit sell at the limit": ({"order_type": "LIMIT", "limit_price": "105", "side": "SELL"},
                                [("103", "106", "102")], 0, "105"),
    "limit sell gap up at the open": ({"order_type": "LIMIT", "limit_price": "105", "side": "SELL"},
                                      [("107", "108", "106")], 0, "107"),
    "stop buy at the stop": ({"order_type": "STOP", "stop_price": "105"},
                             [("103", "104", "102"), ("103", "106", "102")], 1, "105"),
    "stop buy gap up at the open": ({"order_type": "STOP", "stop_price": "105"},
                                    [("107", "108", "106")], 0, "107"),
    "stop sell at the stop": ({"order_type": "STOP", "stop_price": "95", "side": "SELL"},
                              [("97", "98", "94")], 0, "95"),
    "stop sell gap down at the open": ({"order_type": "STOP", "stop_price": "95", "side": "SELL"},
                                       [("93", "94", "92")], 0, "93"),
    # trigger t = max(105, 103) = 105 <= limit 106: fills on the trigger bar at 105
    "stop-limit buy on the trigger bar": ({"order_type": "STOP_LIMIT", "stop_price": "105", "limit_price": "106"},
                                          [("103", "107", "102")], 0, "105"),
    # gap: t = 107 > 106, rests as a limit; next bar low 104 <= 106: min(106, open 105) = 105
    "stop-limit buy gap beyond the limit": ({"order_type": "STOP_LIMIT", "stop_price": "105",
                                             "limit_price": "106"},
                                            [("107", "108", "106.5"), ("107", "108", "106.5"),
                                             ("105", "106", "104")], 2, "105"),
    "stop-limit sell on the trigger bar": ({"order_type": "STOP_LIMIT", "stop_price": "95", "limit_price": "94",
                                            "side": "SELL"}, [("97", "98", "93")], 0, "95"),
    # gap: t = 93 < 94 rests; next bar high 95 >= 94: max(94, open 93.5) = 94
    "stop-limit sell gap beyond the limit": ({"order_type": "STOP_LIMIT", "stop_price": "95", "limit_price": "94",
                                              "side": "SELL"},
                                             [("93", "94", "92"), ("93.5", "95", "93")], 1, "94"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_order_type_on_bars(name: str) -> None:
    fields, bars, filling, price = CASES[name]
    h, oid = start(**fields)
    for i, (o, hi, lo) in enumerate(bars):
        out = h.send(bar(day(3 + i), o, hi, lo))
        if i == filling:
            assert brief(out) == [("Fill", oid, D(100), D(price)), ("OrderUpdate", oid, "FILLED")], name
        else:
            assert out == [], name


def test_stop_limit_triggered_state_is_kept() -> None:
    h, oid = start(order_type="STOP_LIMIT", stop_price="105", limit_price="106")
    assert h.send(bar(day(3), "107", "108", "106.5")) == []
    assert h.state(oid).triggered
    # now a limit: price below the stop no longer matters, only the limit
    assert fills(h.send(bar(day(4), "100", "101", "99")))[0].price == D(100)


class TestTrailingStop:
    def test_sell_by_amount(self) -> None:
        h, oid = start(side="SELL", order_type="TRAILING_STOP", trail_amount="5")
        # day 3: initial stop = open 100 - 5 = 95; low 99 > 95; then max high 104 -> stop 99
        assert h.send(bar(day(3), "100", "104", "99")) == []
        assert h.state(oid).stop_price == D(99)
        # day 4: low 100 > 99; max high 106 -> stop 101
        assert h.send(bar(day(4), "103", "106", "100")) == []
        assert h.state(oid).stop_price == D(101)
        # day 5: low 100.5 <= 101, open 102 above: fills at the stop 101
        assert brief(h.send(bar(day(5), "102", "103", "100.5"))) == [("Fill", oid, D(100), D(101)),
                                                                      ("OrderUpdate", oid, "FILLED")]

    def test_sell_by_percent_gap_fills_at_open(self) -> None:
        h, oid = start(side="SELL", order_type="TRAILING_STOP", trail_percent="10")
        # day 3: initial 100 * 0.9 = 90; low 95 > 90; max high 110 -> 99
        assert h.send(bar(day(3), "100", "110", "95")) == []
        assert h.state(oid).stop_price == D(99)
        # day 4: low 100 > 99; max high 120 -> 108
        assert h.send(bar(day(4), "105", "120", "100")) == []
        assert h.state(oid).stop_price == D(108)
        # day 5: opens at 104, below the stop 108: gap, fills at the open
        assert fills(h.send(bar(day(5), "104", "106", "100")))[0].price == D(104)

    def test_buy_by_amount_covers_a_short(self) -> None:
        h, oid = start(side="BUY", order_type="TRAILING_STOP", trail_amount="2")
        # day 3: initial 50 + 2 = 52; high 51 < 52; min low 47 -> 49
        assert h.send(bar(day(3), "50", "51", "47")) == []
        assert h.state(oid).stop_price == D(49)
        # day 4: high 50 >= 49, open 48 below: fills at the stop 49
        assert fills(h.send(bar(day(4), "48", "50", "46")))[0].price == D(49)

    def test_stop_is_updated_after_the_trigger_check(self) -> None:
        h, oid = start(side="SELL", order_type="TRAILING_STOP", trail_amount="5")
        assert h.send(bar(day(3), "100", "100", "99")) == []  # stop 95
        # day 4 opens 104, rallies to 110, dips to 103. Checked against the stop before the bar (95): no trigger.
        # (Ratcheting first would give 105 >= low 103 and a fill.) Afterwards the stop is 110 - 5 = 105.
        assert h.send(bar(day(4), "104", "110", "103")) == []
        assert h.state(oid).stop_price == D(105)

    def test_initial_stop_price_and_ratchet_never_loosens(self) -> None:
        h, oid = start(side="SELL", order_type="TRAILING_STOP", trail_amount="5", stop_price="90")
        assert h.send(bar(day(3), "100", "102", "91")) == []  # 91 > 90; then max(90, 102 - 5) = 97
        assert h.state(oid).stop_price == D(97)
        assert h.send(bar(day(4), "98", "98", "97.5")) == []  # 98 - 5 = 93 < 97: stays 97
        assert h.state(oid).stop_price == D(97)

    def test_percent_stop_rounded_to_price_decimals(self) -> None:
        h, oid = start({"price_decimals": 2}, side="SELL", order_type="TRAILING_STOP", trail_percent="3")
        # initial 33.33 * 0.97 = 32.3301 -> 32.33 (2 places, HALF_EVEN); high 33.5 * 0.97 = 32.495 -> 32.50
        assert h.send(bar(day(3), "33.33", "33.5", "33")) == []
        assert h.state(oid).stop_price == D("32.50")
        out = h.send(bar(day(4), "33", "33.1", "32"))
        assert fills(out)[0].price == D("32.50")
        assert updates(out)[0].status == S.FILLED
