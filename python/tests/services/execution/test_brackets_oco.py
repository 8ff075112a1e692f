"""Brackets (dormant children, activation, cascade cancels) and one-cancels-other groups."""

from __future__ import annotations

from decimal import Decimal

from qtrader.contracts.generated.models.common.types_v1 import OrderStatus as S

from .helpers import Harness, bar, brief, cancel, day, order, updates

D = Decimal


def bracket(h: Harness, entry: dict | None = None) -> tuple[str, str, str]:
    """Entry BUY MARKET 100, stop-loss SELL STOP 95, take-profit SELL LIMIT 110 (one OCO group), at day 2."""
    h.send(bar(day(2), "100", "101", "99"))
    parent = order(day(2), bracket_role="ENTRY", **(entry or {}))
    sl = order(day(2), side="SELL", order_type="STOP", stop_price="95", parent_order_id=parent.order_id,
               oco_group_id="b1", bracket_role="STOP_LOSS")
    tp = order(day(2), side="SELL", order_type="LIMIT", limit_price="110", parent_order_id=parent.order_id,
               oco_group_id="b1", bracket_role="TAKE_PROFIT")
    h.send(parent)
    for child in (sl, tp):
        out = h.send(child)
        assert [u.status for u in out] == [S.NEW, S.ACCEPTED]
        assert "dormant" in out[1].reason
        assert h.state(child.order_id).dormant
    return parent.order_id, sl.order_id, tp.order_id


def test_children_dormant_until_parent_filled_then_work_from_the_next_bar() -> None:
    h = Harness()
    p, sl, tp = bracket(h)
    # day 3: the entry fills at 100. The bar also reaches 94 and 111, but the exits only work from day 4.
    assert brief(h.send(bar(day(3), "100", "111", "94"))) == [("Fill", p, D(100), D(100)),
                                                               ("OrderUpdate", p, "FILLED")]
    assert h.state(sl).working and h.state(tp).working


def test_stop_loss_first_when_both_exits_could_fill_on_one_bar() -> None:
    h = Harness()
    p, sl, tp = bracket(h)
    h.send(bar(day(3), "100", "101", "99"))
    # day 4: low 94 <= 95 and high 111 >= 110. Conservative: the stop-loss fills (at 95), the target is canceled.
    out = h.send(bar(day(4), "100", "111", "94"))
    assert brief(out) == [("Fill", sl, D(100), D(95)), ("OrderUpdate", sl, "FILLED"), ("OrderUpdate", tp, "CANCELED")]
    assert "one-cancels-other" in out[2].reason


def test_stop_loss_first_even_when_the_target_arrived_first() -> None:
    h = Harness()
    h.send(bar(day(2), "100", "101", "99"))
    tp = order(day(2), side="SELL", order_type="LIMIT", limit_price="110", oco_group_id="g")
    sl = order(day(2), side="SELL", order_type="STOP", stop_price="95", oco_group_id="g")
    h.send(tp)
    h.send(sl)
    out = h.send(bar(day(3), "100", "111", "94"))
    assert brief(out) == [("Fill", sl.order_id, D(100), D(95)), ("OrderUpdate", sl.order_id, "FILLED"),
                          ("OrderUpdate", tp.order_id, "CANCELED")]


def test_target_fills_when_the_stop_is_not_reached() -> None:
    h = Harness()
    p, sl, tp = bracket(h)
    h.send(bar(day(3), "100", "101", "99"))
    out = h.send(bar(day(4), "105", "111", "96"))  # low 96 > 95; high 111 >= 110: max(110, open 105) = 110
    assert brief(out) == [("Fill", tp, D(100), D(110)), ("OrderUpdate", tp, "FILLED"), ("OrderUpdate", sl, "CANCELED")]
    assert h.send(bar(day(5), "90", "91", "80")) == []


def test_parent_canceled_cancels_children() -> None:
    h = Harness()
    p, sl, tp = bracket(h, {"order_type": "LIMIT", "limit_price": "90"})
    out = h.send(cancel(day(3, 10), p))
    assert brief(out) == [("OrderUpdate", p, "CANCELED"), ("OrderUpdate", sl, "CANCELED"),
                          ("OrderUpdate", tp, "CANCELED")]
    assert out[0].reason == "cancel requested: strategy changed its mind"
    assert out[1].reason == f"parent order {p} was CANCELED"


def test_parent_expired_cancels_children() -> None:
    h = Harness()
    p, sl, tp = bracket(h, {"order_type": "LIMIT", "limit_price": "90", "time_in_force": "DAY"})
    h.send(bar(day(3), "100", "101", "99"))
    out = h.send(bar(day(4), "100", "101", "99"))
    assert brief(out) == [("OrderUpdate", p, "EXPIRED"), ("OrderUpdate", sl, "CANCELED"),
                          ("OrderUpdate", tp, "CANCELED")]
    assert out[1].reason == f"parent order {p} was EXPIRED"


def test_children_of_a_rejected_parent_are_canceled() -> None:
    h = Harness()
    h.send(bar(day(2), "100", "101", "99"))
    parent = order(day(2), order_type="LIMIT")  # no limit_price: REJECTED
    assert updates(h.send(parent))[-1].status == S.REJECTED
    child = order(day(2), side="SELL", order_type="STOP", stop_price="95", parent_order_id=parent.order_id)
    out = h.send(child)
    assert [u.status for u in out] == [S.NEW, S.ACCEPTED, S.CANCELED]
    assert out[2].reason == f"parent order {parent.order_id} was REJECTED"


def test_child_of_a_filled_parent_works_from_the_next_bar() -> None:
    h = Harness()
    h.send(bar(day(2), "100", "101", "99"))
    parent = order(day(2))
    h.send(parent)
    h.send(bar(day(3), "100", "101", "99"))  # parent FILLED
    child = order(day(3), side="SELL", order_type="STOP", stop_price="95", parent_order_id=parent.order_id)
    assert [u.status for u in h.send(child)] == [S.NEW, S.ACCEPTED]
    assert h.state(child.order_id).working
    assert brief(h.send(bar(day(4), "96", "97", "94"))) == [("Fill", child.order_id, D(100), D(95)),
                                                             ("OrderUpdate", child.order_id, "FILLED")]


def test_canceling_a_dormant_child_leaves_its_sibling() -> None:
    h = Harness()
    p, sl, tp = bracket(h)
    assert brief(h.send(cancel(day(2, 22), tp))) == [("OrderUpdate", tp, "CANCELED")]
    h.send(bar(day(3), "100", "101", "99"))
    assert brief(h.send(bar(day(4), "96", "112", "94")))[0] == ("Fill", sl, D(100), D(95))


def test_children_stay_dormant_while_the_parent_is_partially_filled() -> None:
    # participation 0.1: volume 600 -> 60 of 100; the exits wait for the whole entry
    h = Harness({"participation": "0.1"})
    p, sl, tp = bracket(h)
    h.send(bar(day(3), "100", "101", "99", v="600"))
    assert h.state(sl).dormant
    out = h.send(bar(day(4), "100", "111", "90", v="600"))  # 40 more: FILLED; exits not on this bar
    assert brief(out) == [("Fill", p, D(40), D(100)), ("OrderUpdate", p, "FILLED")]
    assert h.state(sl).working


def test_partial_fill_cancels_the_other_members() -> None:
    # OCO entry: buy limit 95 or buy stop 105. Cap floor(0.1 * 300) = 30: the first partial fill cancels the other
    h = Harness({"participation": "0.1"})
    h.send(bar(day(2), "100", "101", "99"))
    dip = order(day(2), order_type="LIMIT", limit_price="95", oco_group_id="entry")
    breakout = order(day(2), order_type="STOP", stop_price="105", oco_group_id="entry")
    h.send(dip)
    h.send(breakout)
    out = h.send(bar(day(3), "96", "97", "94", v="300"))
    assert brief(out) == [("Fill", dip.order_id, D(30), D(95)), ("OrderUpdate", dip.order_id, "PARTIALLY_FILLED"),
                          ("OrderUpdate", breakout.order_id, "CANCELED")]
    # the partially filled member keeps working
    assert brief(h.send(bar(day(4), "96", "97", "94", v="300")))[0] == ("Fill", dip.order_id, D(30), D(95))


def test_canceling_one_member_keeps_the_others() -> None:
    h = Harness()
    h.send(bar(day(2), "100", "101", "99"))
    a = order(day(2), order_type="LIMIT", limit_price="95", oco_group_id="g")
    b = order(day(2), order_type="STOP", stop_price="105", oco_group_id="g")
    h.send(a)
    h.send(b)
    h.send(cancel(day(2, 22), a.order_id))
    assert brief(h.send(bar(day(3), "106", "107", "105"))) == [("Fill", b.order_id, D(100), D(106)),
                                                                ("OrderUpdate", b.order_id, "FILLED")]


def test_bracket_with_a_single_exit_works_it_alone_once_the_entry_fills() -> None:
    h = Harness()
    h.send(bar(day(2), "100", "101", "99"))
    parent = order(day(2), bracket_role="ENTRY")
    sl = order(day(2), side="SELL", order_type="STOP", stop_price="95", parent_order_id=parent.order_id,
               bracket_role="STOP_LOSS")
    h.send(parent)
    assert "dormant" in h.send(sl)[1].reason
    # day 3: the entry fills at the open 100; the stop-loss is dormant on that bar although the low is 94
    assert brief(h.send(bar(day(3), "100", "101", "94"))) == [("Fill", parent.order_id, D(100), D(100)),
                                                              ("OrderUpdate", parent.order_id, "FILLED")]
    # day 4: low 94 <= 95 triggers at min(95, open 97) = 95; no sibling to cancel
    assert brief(h.send(bar(day(4), "97", "98", "94"))) == [("Fill", sl.order_id, D(100), D(95)),
                                                            ("OrderUpdate", sl.order_id, "FILLED")]
