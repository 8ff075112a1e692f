"""Hand-worked tests of the portfolio's rules: every expected figure is computed by hand in the comments."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qtrader.contracts.generated.models.common.types_v1 import StateReason
from qtrader.errors import ConfigError, ContractError, DataError
from qtrader.services.portfolio import PortfolioService

from .checks import check
from .feed import RUN, D, Feed, day


def make(**config) -> tuple[PortfolioService, Feed]:
    return PortfolioService(config, run_id=RUN), Feed()


def run(svc: PortfolioService, *events, exact: bool = True) -> list:
    """Handle events; check every invariant after each one; return all the states emitted."""
    states = []
    for event in events:
        out = svc.handle(event)
        states.extend(out)
        if out:
            check(svc, exact=exact)
    return states


def reasons(states) -> list[str]:
    return [s.reason.value for s in states]


# -- lot methods ----------------------------------------------------------------------------------------------


def ladder(method: str):
    """Buy 10 @ 100, 10 @ 120, 10 @ 110 on days 1-3, sell 15 @ 130 on day 4 (no commissions)."""
    svc, f = make(lot_method_long=method)
    buys = [f.fill("AAA", 1, "BUY", 10, 100), f.fill("AAA", 2, "BUY", 10, 120), f.fill("AAA", 3, "BUY", 10, 110)]
    states = run(svc, *buys, f.fill("AAA", 4, "SELL", 15, 130))
    return svc, states[-1], [b.fill_id for b in buys]


def test_fifo_lifo_hifo_realize_different_pnl_on_the_same_trades():
    # FIFO closes 10 @ 100 and 5 @ 120: 10 x 30 + 5 x 10 = 350; left 5 @ 120 + 10 @ 110 = 600 + 1100 = 1700
    _, fifo, ids = ladder("FIFO")
    assert fifo.realized_pnl == D("350.00")
    assert [(c.lot_id, c.quantity, c.realized_pnl) for c in fifo.closed_lots] == [
        (ids[0], D(10), D("300.00")), (ids[1], D(5), D("50.00"))]
    assert fifo.positions[0].cost_basis == D("1700.00")
    assert [(lot.lot_id, lot.quantity) for lot in fifo.positions[0].lots] == [(ids[1], D(5)), (ids[2], D(10))]
    # LIFO closes 10 @ 110 and 5 @ 120: 10 x 20 + 5 x 10 = 250; left 10 @ 100 + 5 @ 120 = 1600
    _, lifo, ids = ladder("LIFO")
    assert lifo.realized_pnl == D("250.00")
    assert [(c.lot_id, c.quantity) for c in lifo.closed_lots] == [(ids[2], D(10)), (ids[1], D(5))]
    assert lifo.positions[0].cost_basis == D("1600.00")
    # HIFO closes the highest cost first, 10 @ 120 then 5 @ 110: 10 x 10 + 5 x 20 = 200; left 1000 + 550 = 1550
    _, hifo, ids = ladder("HIFO")
    assert hifo.realized_pnl == D("200.00")
    assert [(c.lot_id, c.quantity) for c in hifo.closed_lots] == [(ids[1], D(10)), (ids[2], D(5))]
    assert hifo.positions[0].cost_basis == D("1550.00")
    # the cash is the same whatever the method: 100000 - 1000 - 1200 - 1100 + 15 x 130 = 98650
    assert fifo.cash == lifo.cash == hifo.cash == D("98650.00")


@pytest.mark.parametrize("method, lot, pnl", [
    ("LIFO", 2, D("30.00")),   # newest, sold @ 45, bought back @ 42: 10 x 3
    ("FIFO", 0, D("80.00")),   # oldest, sold @ 50: 10 x 8
    ("HIFO", 1, D("-20.00")),  # short HIFO = lowest sale price first, @ 40: 10 x (40 - 42)
])
def test_short_lot_methods(method, lot, pnl):
    svc, f = make(lot_method_short=method)
    shorts = [f.fill("AAA", 1, "SELL", 10, 50), f.fill("AAA", 2, "SELL", 10, 40), f.fill("AAA", 3, "SELL", 10, 45)]
    state = run(svc, *shorts, f.fill("AAA", 4, "BUY", 10, 42))[-1]
    (closed,) = state.closed_lots
    assert closed.lot_id == shorts[lot].fill_id and closed.quantity == D(-10)
    assert closed.gross_pnl == closed.realized_pnl == pnl
    assert state.positions[0].quantity == D(-20)


def test_commissions_are_allocated_pro_rata_to_lots():
    # buy 10 @ 100 (commission 1.00) and 10 @ 120 (1.00); sell 15 @ 130 (1.50), FIFO
    svc, f = make()
    b1, b2 = f.fill("AAA", 1, "BUY", 10, 100, "1.00"), f.fill("AAA", 2, "BUY", 10, 120, "1.00")
    state = run(svc, b1, b2, f.fill("AAA", 3, "SELL", 15, 130, "1.50"))[-1]
    first, second = state.closed_lots
    # lot 1, all 10: its commission 1.00 + the sale's 1.50 x 10/15 = 1.00 -> 2.00; 10 x 30 - 2.00 = 298.00
    assert (first.gross_pnl, first.commission, first.realized_pnl) == (D("300.00"), D("2.00"), D("298.00"))
    # lot 2, 5 of 10: half its commission 0.50 + the sale's remaining 0.50 -> 1.00; 5 x 10 - 1.00 = 49.00
    assert (second.gross_pnl, second.commission, second.realized_pnl) == (D("50.00"), D("1.00"), D("49.00"))
    # what is left of lot 2 keeps 0.50 of commission; total commissions 3.50
    (lot,) = state.positions[0].lots
    assert (lot.quantity, lot.cost_basis, lot.commission) == (D(5), D("600.00"), D("0.50"))
    assert (state.realized_pnl, state.commissions) == (D("347.00"), D("3.50"))
    assert (first.opened_at, first.closed_at) == (b1.occurred_at, state.occurred_at)


def test_specific_lots_first_then_the_method_and_unknown_lots_are_errors():
    svc, f = make()  # FIFO
    buys = [f.fill("AAA", 1, "BUY", 10, 100), f.fill("AAA", 2, "BUY", 10, 120), f.fill("AAA", 3, "BUY", 10, 110)]
    run(svc, *buys)
    # names lot 3 then lot 2, in that order (FIFO would take lot 1): all 10 of lot 3 (10 x (130 - 110) = 200),
    # then the last 5 from lot 2 (5 x (130 - 120) = 50); lot 1 is untouched
    state = run(svc, f.fill("AAA", 4, "SELL", 15, 130, lot_ids=[buys[2].fill_id, buys[1].fill_id]))[-1]
    assert [(c.lot_id, c.quantity, c.gross_pnl) for c in state.closed_lots] == [
        (buys[2].fill_id, D(10), D("200.00")), (buys[1].fill_id, D(5), D("50.00"))]
    assert [(lot.lot_id, lot.quantity) for lot in state.positions[0].lots] == [(buys[0].fill_id, D(10)),
                                                                                (buys[1].fill_id, D(5))]
    bad = f.fill("AAA", 5, "SELL", 1, 130, lot_ids=["no-such-lot"])
    with pytest.raises(ContractError) as caught:
        svc.handle(bad)
    assert bad.event_id in str(caught.value) and "no-such-lot" in str(caught.value)


def test_specific_lots_exact_quantities():
    svc, f = make()  # FIFO
    buys = [f.fill("AAA", 1, "BUY", 10, 100), f.fill("AAA", 2, "BUY", 10, 120), f.fill("AAA", 3, "BUY", 10, 110)]
    run(svc, *buys)
    # 25 with lot 3 named: all 10 of lot 3 (10 x 20 = 200), then FIFO: 10 of lot 1 (300), 5 of lot 2 (50)
    state = run(svc, f.fill("AAA", 4, "SELL", 25, 130, lot_ids=[buys[2].fill_id]))[-1]
    assert [(c.lot_id, c.quantity, c.gross_pnl) for c in state.closed_lots] == [
        (buys[2].fill_id, D(10), D("200.00")), (buys[0].fill_id, D(10), D("300.00")),
        (buys[1].fill_id, D(5), D("50.00"))]
    assert state.realized_pnl == D("550.00")
    # a buy cannot close a long lot: naming one is an error too
    with pytest.raises(ContractError, match="not an open short lot"):
        svc.handle(f.fill("AAA", 5, "BUY", 1, 130, lot_ids=[buys[1].fill_id]))


def test_a_fill_crossing_zero_closes_the_long_and_opens_a_short():
    svc, f = make()
    buy = f.fill("AAA", 1, "BUY", 100, "101.01", "1.00")
    sell = f.fill("AAA", 2, "SELL", 150, 103, "1.50")
    states = run(svc, buy, sell, f.bar("AAA", 2, 104))
    after_sell, marked = states[-2], states[-1]
    (closed,) = after_sell.closed_lots
    # commission 1.50 split by quantity: 100/150 -> 1.00 closes, 0.50 opens the short
    # closed: 100 x (103 - 101.01) = 199.00, commission 1.00 (open) + 1.00 (close): realized 197.00
    assert (closed.quantity, closed.gross_pnl, closed.commission, closed.realized_pnl) == (
        D(100), D("199.00"), D("2.00"), D("197.00"))
    (position,) = marked.positions
    (lot,) = position.lots
    assert (lot.lot_id, lot.quantity, lot.cost_basis, lot.commission) == (sell.fill_id, D(-50), D("-5150.00"),
                                                                           D("0.50"))
    # cash: 100000 - 10101.00 - 1.00 + 10300.00 + 5150.00 - 1.50 = 105346.50
    assert marked.cash == D("105346.50")
    # short 50 marked at 104: -5200.00; unrealized -5200 + 5150 = -50.00; equity 100146.50
    assert (position.market_value, position.unrealized_pnl, marked.equity) == (D("-5200.00"), D("-50.00"),
                                                                               D("100146.50"))
    # equity - initial = 146.50 = realized 197.00 + unrealized -50.00 - open commission 0.50
    assert marked.equity - Decimal(100000) == D("197.00") + D("-50.00") - D("0.50")
    kinds = [(e.kind, e.amount, e.quantity) for e in svc.ledger() if e.event_id == sell.event_id]
    assert kinds == [("COMMISSION", D("-1.50"), None), ("TRADE", D("10300.00"), D(-100)),
                     ("TRADE", D("5150.00"), D(-50))]


# -- corporate actions ----------------------------------------------------------------------------------------


def test_three_for_two_split_pays_cash_in_lieu_of_the_fractional_share():
    svc, f = make()
    b1, b2 = f.fill("AAA", 1, "BUY", 7, 90), f.fill("AAA", 2, "BUY", 2, 100)
    split = f.split("AAA", 4, 3, 2)
    states = run(svc, b1, b2, f.bar("AAA", 3, 99), split)
    state = states[-1]
    assert reasons(states[-1:]) == ["CORPORATE_ACTION"]
    # 9 shares x 3/2 = 13.5: 13 kept, 0.5 paid at the adjusted close 99 x 2/3 = 66: 33.00
    # the half share comes off the newest lot: 2 x 3/2 = 3 -> 2.5; its cost 200 loses 200 x 0.5/3 = 33.33
    first, second = state.positions[0].lots
    assert (first.quantity, first.open_price, first.cost_basis) == (D("10.5"), D(60), D("630"))
    assert (second.quantity, second.open_price, second.cost_basis) == (D("2.5"), D("66.666666666667"),
                                                                       D("166.67"))
    assert state.positions[0].quantity == D(13) and state.positions[0].market_price == D(66)
    # realized on the half share: 33.00 - 33.33 = -0.33; cash 100000 - 630 - 200 + 33.00 = 99203.00
    assert state.realized_pnl == D("-0.33") and state.cash == D("99203.00")
    # market value 13 x 66 = 858.00 (was 9 x 99 = 891: the 33.00 went to cash)
    assert state.market_value == D("858.00") and state.equity == D("100061.00")
    entries = [(e.kind, e.amount, e.quantity) for e in svc.ledger() if e.event_id == split.event_id]
    assert entries == [("SPLIT", D(0), D("4.5")), ("CASH_IN_LIEU", D("33.00"), D("-0.5"))]


def test_one_for_ten_reverse_split():
    svc, f = make()
    states = run(svc, f.fill("AAA", 1, "BUY", 30, 10, "1.00"), f.fill("BBB", 1, "BUY", 25, 10, "1.00"),
                 f.bar("AAA", 2, "10.5"), f.bar("BBB", 2, "10.5"), f.split("AAA", 3, 1, 10), f.split("BBB", 3, 1, 10))
    a_state, b_state = states[-2], states[-1]
    # AAA: 30 -> 3 shares at 10 x 10 = 100, cost 300.00 and commission 1.00 unchanged, no cash
    (lot,) = a_state.positions[0].lots
    assert (lot.quantity, lot.open_price, lot.cost_basis, lot.commission) == (D(3), D(100), D("300.00"), D("1.00"))
    assert a_state.positions[0].market_price == D(105)  # 10.5 x 10
    # BBB: 25 -> 2.5: 2 kept, 0.5 paid at 10.5 x 10 = 105: 52.50; the lot gives up 0.5/2.5 = 1/5 of its
    # cost (250.00 / 5 = 50.00) and commission (1.00 / 5 = 0.20): realized 52.50 - 50.00 - 0.20 = 2.30
    bbb = next(p for p in b_state.positions if p.symbol == "BBB")
    (lot,) = bbb.lots
    assert (lot.quantity, lot.open_price, lot.cost_basis, lot.commission) == (D(2), D(100), D("200.00"), D("0.80"))
    assert bbb.realized_pnl == b_state.realized_pnl == D("2.30")
    # cash: 100000 - 300 - 1 - 250 - 1 + 52.50 = 99500.50
    assert b_state.cash == D("99500.50")


def test_dividend_on_a_long_fixed_at_the_ex_date_and_paid_on_the_pay_date():
    svc, f = make()
    buy = f.fill("AAA", 1, "BUY", 100, 50)
    dividend = f.dividend("AAA", 3, "0.20", pay=10)  # arrives at the ex-date, 00:00, before its bars
    states = run(svc, buy, f.bar("AAA", 2, 50), dividend)
    # entitlement 100 x 0.20 = 20.00, owed but not paid: cash unchanged
    assert reasons(states[-1:]) == ["CORPORATE_ACTION"] and states[-1].cash == D("95000.00")
    pending = svc.snapshot().pending_dividends
    assert [(d.quantity, d.amount, d.pay_date) for d in pending] == [(D(100), D("20.00"), day(10))]
    # sold on the ex-date: still entitled (held at the end of the day before the ex-date)
    states = run(svc, f.fill("AAA", 3, "SELL", 100, 49), f.bar("AAA", 3, 49), f.bar("AAA", 9, 49))
    assert states[-1].cash == D("99900.00") and states[-1].dividends == 0
    # the first bar on the pay-date: a CASH_FLOW state (cash + 20.00) before its MARK state
    states = run(svc, f.bar("AAA", 10, 49))
    assert reasons(states) == ["CASH_FLOW", "MARK_TO_MARKET"]
    assert states[0].cash == D("99920.00") and states[0].dividends == D("20.00")
    (entry,) = [e for e in svc.ledger() if e.kind == "DIVIDEND"]
    assert (entry.event_id, entry.amount, entry.occurred_at) == (dividend.event_id, D("20.00"), states[0].occurred_at)


def test_dividend_on_a_short_is_paid_by_the_portfolio():
    svc, f = make()
    states = run(svc, f.fill("XYZ", 1, "SELL", 50, 20), f.dividend("XYZ", 2, "1.00", pay=5), f.bar("XYZ", 5, 19))
    # short 50 x 1.00: the portfolio pays 50.00 on day 5; cash 100000 + 1000 - 50 = 100950.00
    assert reasons(states[-2:]) == ["CASH_FLOW", "MARK_TO_MARKET"]
    assert states[-1].cash == D("100950.00") and states[-1].dividends == D("-50.00")


def test_dividend_announced_early_uses_the_position_at_the_end_of_the_day_before_the_ex_date():
    svc, f = make()
    early = f.dividend("AAA", 1, "0.50", pay=6, ex=3)  # announced on day 1, ex-date day 3
    run(svc, f.bar("AAA", 0, 10), early, f.fill("AAA", 2, "BUY", 10, 10))
    assert svc.snapshot().pending_actions[0].action_id == early.event_id
    # a fill on the ex-date is handled after the day rolls: the entitlement is fixed on 10, not 30
    states = run(svc, f.fill("AAA", 3, "BUY", 20, 10))
    assert reasons(states) == ["CORPORATE_ACTION", "FILL"]
    assert [d.amount for d in svc.snapshot().pending_dividends] == [D("5.00")]  # 10 x 0.50
    states = run(svc, f.bar("AAA", 7, 10))
    assert reasons(states) == ["CASH_FLOW", "MARK_TO_MARKET"] and states[-1].dividends == D("5.00")


# -- financing ------------------------------------------------------------------------------------------------


def test_short_held_30_days_pays_its_borrow_fee():
    svc, f = make(borrow_rate="0.05")  # 5% a year, ACT/365
    events = [f.fill("AAA", 0, "SELL", 100, 50)] + [f.bar("AAA", n, 50) for n in range(0, 31)]
    states = run(svc, *events)
    # each day: 100 x 50 x 0.05 / 365 = 0.684931506849 (12 places); 30 days: 20.54794520547
    # charged daily to the cent, carrying the remainder: the charges add up to 20.55
    assert states[-1].fees == D("20.55")
    fees = [e.amount for e in svc.ledger() if e.kind == "BORROW_FEE"]
    assert len(fees) == 30 and sum(fees) == D("-20.55") and set(fees) <= {D("-0.68"), D("-0.69")}
    assert states[-1].cash == D("100000") + D("5000.00") - D("20.55")


def test_borrow_fee_over_a_gap_and_act_360():
    for day_count, expected in (("ACT/365", "20.55"), ("ACT/360", "20.83")):
        svc, f = make(borrow_rate="0.05", day_count=day_count)
        states = run(svc, f.fill("AAA", 0, "SELL", 100, 50), f.bar("AAA", 0, 50), f.bar("AAA", 30, 60))
        # one charge for 30 days at the previous close (50): 5000 x 0.05 x 30 / 365 = 20.547945... -> 20.55;
        # ACT/360: 5000 x 0.05 x 30 / 360 = 20.8333... -> 20.83
        assert reasons(states[-2:]) == ["CASH_FLOW", "MARK_TO_MARKET"]
        assert states[-2].fees == D(expected)


def test_interest_on_negative_and_positive_cash():
    svc, f = make(initial_cash="1000", margin_rate="0.10", day_count="ACT/360")
    states = run(svc, f.bar("AAA", 0, 100), f.fill("AAA", 0, "BUY", 20, 100), f.bar("AAA", 10, 100))
    # cash -1000 for 10 days at 10%: 1000 x 0.10 x 10 / 360 = 2.777... -> 2.78 charged
    assert states[-2].reason == StateReason.CASH_FLOW and states[-2].fees == D("2.78")
    assert states[-1].cash == D("-1002.78")
    svc, f = make(cash_rate="0.02")
    states = run(svc, f.bar("AAA", 0, 100), f.bar("AAA", 365, 100))
    # 100000 x 0.02 x 365 / 365 = 2000.00 earned: fees are net of interest received
    assert states[-2].fees == D("-2000.00") and states[-1].cash == D("102000.00")
    (entry,) = [e for e in svc.ledger() if e.kind == "INTEREST"]
    assert (entry.currency, entry.amount) == ("USD", D("2000.00"))


# -- multi-currency -------------------------------------------------------------------------------------------


def test_eur_instrument_in_a_usd_portfolio():
    svc, f = make(instruments={"SAP": {"currency": "EUR"}})
    run(svc, f.bar("EURUSD", 0, "1.10"), f.bar("SAP", 0, 100, currency="EUR"))
    state = run(svc, f.fill("SAP", 1, "BUY", 10, 100, "1", currency="EUR"), exact=False)[-1]
    # EUR cash -1000 - 1 = -1001 -> -1101.10 USD; USD 100000; position 1000 EUR = 1100.00 USD
    assert {b.currency: b.amount for b in state.cash_balances} == {"EUR": D(-1001), "USD": D(100000)}
    assert (state.cash, state.market_value, state.equity) == (D("98898.90"), D("1100.00"), D("99998.90"))
    assert state.commissions == D("1.10")  # 1 EUR at 1.10
    # EURUSD 1.20: cash 100000 - 1001 x 1.2 = 98798.80; position 1200.00; equity 99998.80
    state = run(svc, f.bar("EURUSD", 2, "1.20"), exact=False)[-1]
    assert (state.cash, state.market_value, state.equity) == (D("98798.80"), D("1200.00"), D("99998.80"))
    # no FX exposure (the EUR position is financed in EUR): equity - initial = -1.20 = minus the open
    # commission, 1 EUR, now worth 1.20
    assert svc.unrealized_fx_pnl() == 0 and svc.open_commissions() == D("1.20")
    # SAP 110 EUR: position 1100 x 1.2 = 1320.00, unrealized (1100 - 1000) x 1.2 = 120.00
    state = run(svc, f.bar("SAP", 2, 110, currency="EUR"), exact=False)[-1]
    assert (state.positions[0].market_value, state.unrealized_pnl) == (D("1320.00"), D("120.00"))
    # sell 10 @ 110 EUR, commission 1 EUR, at 1.20: realized (1100 - 1000 - 2) EUR = 98 EUR = 117.60 USD
    state = run(svc, f.fill("SAP", 3, "SELL", 10, 110, "1", currency="EUR"), exact=False)[-1]
    assert state.closed_lots[0].realized_pnl == state.realized_pnl == D("117.60")
    assert state.closed_lots[0].gross_pnl == D("100.00") and state.closed_lots[0].commission == D(2)
    # EUR cash -1001 + 1100 - 1 = 98: an exposure of 98 EUR booked at 117.60 USD
    assert svc.currency_exposure("EUR") == (D(98), D("117.60"))
    # EURUSD 1.25: 98 EUR = 122.50 USD; unrealized FX 122.50 - 117.60 = 4.90
    state = run(svc, f.bar("EURUSD", 4, "1.25"), exact=False)[-1]
    assert state.equity == D("100122.50") and svc.unrealized_fx_pnl() == D("4.90")
    # converting the 98 EUR back at 1.25 realizes it: realized_fx_pnl 4.90, nothing left unrealized
    state = run(svc, f.fill("EURUSD", 4, "SELL", 98, "1.25"))[-1]
    assert {b.currency: b.amount for b in state.cash_balances} == {"EUR": D(0), "USD": D("100122.50")}
    assert (state.realized_fx_pnl, svc.unrealized_fx_pnl()) == (D("4.90"), 0)
    # equity - initial = 122.50 = realized 117.60 + realized FX 4.90; commissions 1.10 + 1.20 = 2.30
    assert state.equity - 100000 == state.realized_pnl + state.realized_fx_pnl
    assert state.commissions == D("2.30")
    conversions = [(e.currency, e.amount) for e in svc.ledger() if e.kind == "FX_CONVERSION"]
    assert conversions == [("EUR", D(-98)), ("USD", D("122.50"))]


def test_buying_foreign_currency_then_its_rate_moves():
    svc, f = make(fx_symbols={"EUR": "EUR.USD"})
    run(svc, f.bar("EUR.USD", 0, "1.10"))
    # buy 1000 EUR at 1.10 (commission 2 USD): USD 100000 - 1100 - 2; realized FX -2 (the conversion's cost)
    state = run(svc, f.fill("EUR.USD", 1, "BUY", 1000, "1.10", "2"))[-1]
    assert state.cash == D("99998.00") and state.realized_fx_pnl == D(-2)
    # EUR at 1.05: 1000 EUR = 1050.00; unrealized FX 1050 - 1100 = -50.00; equity 98948 + 1050 = 99998 - 50
    state = run(svc, f.bar("EUR.USD", 2, "1.05"))[-1]
    assert state.equity == D("99948.00") and svc.unrealized_fx_pnl() == D("-50.00")
    # sell 400 EUR at 1.05: 400/1000 of the book (440.00) released for 420.00: realized FX -20.00
    state = run(svc, f.fill("EUR.USD", 2, "SELL", 400, "1.05"))[-1]
    assert state.realized_fx_pnl == D("-22.00") and svc.currency_exposure("EUR") == (D(600), D("660.00"))


# -- the event flow -------------------------------------------------------------------------------------------


def test_every_bar_yields_exactly_one_mark_state():
    svc, f = make(instruments={"SAP": {"currency": "EUR"}})
    bars = [f.bar("AAA", 0, 10), f.bar("ZZZ", 0, 5), f.bar("EURUSD", 0, "1.1"), f.bar("SAP", 0, 3, currency="EUR")]
    for bar in bars:
        (state,) = svc.handle(bar)
        assert state.reason == StateReason.MARK_TO_MARKET and state.causation_id == bar.event_id
        assert state.occurred_at == bar.occurred_at and state.source_service == "portfolio"
    assert svc.get_state() is state and state.positions == [] and state.equity == D(100000)


def test_state_ids_are_derived_from_the_input():
    a, f = make()
    b = PortfolioService({}, run_id=RUN)
    events = [f.fill("AAA", 1, "BUY", 3, 10), f.bar("AAA", 1, 11)]
    assert [s.to_json() for e in events for s in a.handle(e)] == [s.to_json() for e in events for s in b.handle(e)]


def test_bad_inputs_are_errors_that_say_where():
    svc, f = make(instruments={"SAP": {"currency": "EUR"}})
    with pytest.raises(DataError, match="no EUR/USD rate yet.*EURUSD"):
        svc.handle(f.fill("SAP", 1, "BUY", 1, 10, currency="EUR"))
    bar = f.bar("AAA", 1, 10, currency="EUR")
    with pytest.raises(DataError, match=f"PriceBar {bar.event_id}.*portfolio.instruments.AAA.currency"):
        svc.handle(bar)
    with pytest.raises(ConfigError, match="portfolio.lot_method: unknown key"):
        PortfolioService({"lot_method": "FIFO"})
    with pytest.raises(ConfigError, match="portfolio.lot_method_long"):
        PortfolioService({"lot_method_long": "AVERAGE"})
    with pytest.raises(ConfigError, match="both an FX rate series and an instrument"):
        PortfolioService({"instruments": {"EURUSD": {"currency": "EUR"}}})
