"""DAY, GTC, IOC and FOK on hand-built bars."""

from __future__ import annotations

from decimal import Decimal

from qtrader.contracts.generated.models.common.types_v1 import OrderStatus as S

from .helpers import Harness, bar, brief, day, fills, order, updates

D = Decimal


def setup(config: dict | None = None, at: str = day(2), **fields: str) -> tuple[Harness, str]:
    h = Harness(config)
    h.send(bar(at, "100", "101", "99"))
    o = order(at, **fields)
    h.send(o)
    return h, o.order_id


class TestDay:
    def test_daily_bars_one_day_then_expired_before_any_fill(self) -> None:
        h, oid = setup(order_type="LIMIT", limit_price="90", time_in_force="DAY")
        assert h.send(bar(day(3), "95", "96", "94")) == []  # works on Jan 3: low 94 > 90
        # Jan 4 would fill (low 89 <= 90) but the order's day (Jan 3) is over: EXPIRED first, no fill
        out = h.send(bar(day(4), "91", "92", "89"))
        assert brief(out) == [("OrderUpdate", oid, "EXPIRED")]
        assert out[0].previous_status == S.ACCEPTED
        assert "2024-01-03" in out[0].reason
        assert out[0].remaining_quantity == D(100)

    def test_intraday_fills_later_the_same_day(self) -> None:
        h, oid = setup(at=day(3, 14), order_type="LIMIT", limit_price="90", time_in_force="DAY")
        assert h.send(bar(day(3, 15), "95", "96", "94")) == []
        assert brief(h.send(bar(day(3, 16), "91", "92", "89"))) == [("Fill", oid, D(100), D(90)),
                                                                     ("OrderUpdate", oid, "FILLED")]

    def test_intraday_expires_on_the_first_bar_of_the_next_utc_date(self) -> None:
        h, oid = setup(at=day(3, 14), order_type="LIMIT", limit_price="90", time_in_force="DAY")
        assert h.send(bar(day(3, 15), "95", "96", "94")) == []
        assert h.send(bar(day(3, 23), "95", "96", "94")) == []
        assert brief(h.send(bar(day(4, 0), "95", "96", "89"))) == [("OrderUpdate", oid, "EXPIRED")]

    def test_day_starts_on_the_first_working_bar(self) -> None:
        # received late on Jan 2; its first bar is Jan 3 14:00, so its day is Jan 3, not Jan 2
        h, oid = setup(at=day(2, 23), order_type="LIMIT", limit_price="90", time_in_force="DAY")
        assert h.send(bar(day(3, 14), "95", "96", "94")) == []
        assert fills(h.send(bar(day(3, 15), "95", "96", "89")))[0].price == D(90)

    def test_partially_filled_day_order_expires_with_its_remainder(self) -> None:
        # participation 0.1 of volume 600 -> 60 of 100 on Jan 3; Jan 4: EXPIRED with 40 remaining
        h, oid = setup({"participation": "0.1"}, time_in_force="DAY")
        assert brief(h.send(bar(day(3), "100", "101", "99", v="600")))[0] == ("Fill", oid, D(60), D(100))
        expired = h.send(bar(day(4), "100", "101", "99", v="600"))
        assert brief(expired) == [("OrderUpdate", oid, "EXPIRED")]
        assert expired[0].previous_status == S.PARTIALLY_FILLED
        assert (expired[0].filled_quantity, expired[0].remaining_quantity) == (D(60), D(40))


def test_gtc_works_across_days() -> None:
    h, oid = setup(order_type="LIMIT", limit_price="90", time_in_force="GTC")
    for n in (3, 4, 5):
        assert h.send(bar(day(n), "95", "96", "94")) == []
    assert fills(h.send(bar(day(8), "91", "92", "89")))[0].price == D(90)


class TestIoc:
    def test_fills_what_it_can_and_cancels_the_rest_on_the_same_bar(self) -> None:
        # cap floor(0.1 * 500) = 50 of 100
        h, oid = setup({"participation": "0.1"}, time_in_force="IOC")
        out = h.send(bar(day(3), "100", "101", "99", v="500"))
        assert brief(out) == [("Fill", oid, D(50), D(100)), ("OrderUpdate", oid, "PARTIALLY_FILLED"),
                              ("OrderUpdate", oid, "CANCELED")]
        assert fills(out)[0].is_partial
        canceled = out[2]
        assert (canceled.filled_quantity, canceled.remaining_quantity) == (D(50), D(50))
        assert "IOC" in canceled.reason

    def test_nothing_reachable_is_canceled(self) -> None:
        h, oid = setup(order_type="LIMIT", limit_price="90", time_in_force="IOC")
        out = h.send(bar(day(3), "95", "96", "94"))
        assert brief(out) == [("OrderUpdate", oid, "CANCELED")]
        assert "limit not reached" in out[0].reason

    def test_fully_fillable_fills(self) -> None:
        h, oid = setup(time_in_force="IOC")
        assert brief(h.send(bar(day(3), "100", "101", "99"))) == [("Fill", oid, D(100), D(100)),
                                                                   ("OrderUpdate", oid, "FILLED")]


class TestFok:
    def test_all_or_nothing_under_the_participation_cap(self) -> None:
        # cap floor(0.1 * 999) = 99 < 100: cancel, nothing filled
        h, oid = setup({"participation": "0.1"}, time_in_force="FOK")
        out = h.send(bar(day(3), "100", "101", "99", v="999"))
        assert brief(out) == [("OrderUpdate", oid, "CANCELED")]
        assert out[0].filled_quantity == D(0)
        assert "participation cap 99" in out[0].reason

    def test_fills_all_when_the_cap_allows(self) -> None:
        # cap floor(0.1 * 1000) = 100 = quantity
        h, oid = setup({"participation": "0.1"}, time_in_force="FOK")
        assert brief(h.send(bar(day(3), "100", "101", "99", v="1000"))) == [("Fill", oid, D(100), D(100)),
                                                                             ("OrderUpdate", oid, "FILLED")]

    def test_unreached_limit_is_canceled(self) -> None:
        h, oid = setup(order_type="LIMIT", limit_price="90", time_in_force="FOK")
        assert [u.status for u in updates(h.send(bar(day(3), "95", "96", "94")))] == [S.CANCELED]
