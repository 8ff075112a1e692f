"""Random fills, bars, splits, dividends and days: every invariant holds after every event, and a snapshot taken
anywhere continues exactly like the uninterrupted run."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qtrader.services.portfolio import PortfolioService

from .checks import check
from .feed import RUN, Feed

USD_SYMBOLS = ("AAA", "BBB")
PRICES = st.integers(min_value=1, max_value=40000).map(lambda c: Decimal(c) / 100)
QUANTITIES = st.one_of(st.integers(min_value=1, max_value=60).map(Decimal),
                       st.integers(min_value=1, max_value=40).map(lambda h: Decimal(h) / 2))
COMMISSIONS = st.one_of(st.just(Decimal(0)), st.integers(min_value=0, max_value=500).map(lambda c: Decimal(c) / 100),
                        st.integers(min_value=0, max_value=99).map(lambda m: Decimal(m) / 1000))
SPLITS = st.sampled_from([(2, 1), (3, 2), (1, 10), (1, 3), (5, 4), (2, 3)])


def operations(symbols: tuple[str, ...], fx: bool) -> st.SearchStrategy[list[tuple]]:
    ops = [
        st.tuples(st.just("bar"), st.sampled_from(symbols), PRICES),
        st.tuples(st.just("fill"), st.sampled_from(symbols), st.sampled_from(["BUY", "SELL"]), QUANTITIES, PRICES,
                  COMMISSIONS, st.integers(min_value=0, max_value=3)),
        st.tuples(st.just("fill"), st.sampled_from(symbols), st.sampled_from(["BUY", "SELL"]), QUANTITIES, PRICES,
                  COMMISSIONS, st.integers(min_value=0, max_value=3)),
        st.tuples(st.just("split"), st.sampled_from(symbols), SPLITS, st.integers(min_value=0, max_value=2)),
        st.tuples(st.just("dividend"), st.sampled_from(symbols), st.integers(min_value=1, max_value=300),
                  st.integers(min_value=0, max_value=2), st.integers(min_value=0, max_value=4)),
        st.tuples(st.just("days"), st.integers(min_value=1, max_value=5)),
    ]
    if fx:
        ops.append(st.tuples(st.just("rate"), st.integers(min_value=80, max_value=140).map(lambda c: Decimal(c) / 100)))
        ops.append(st.tuples(st.just("convert"), st.sampled_from(["BUY", "SELL"]), QUANTITIES,
                             st.integers(min_value=80, max_value=140).map(lambda c: Decimal(c) / 100)))
    return st.lists(st.one_of(*ops), min_size=1, max_size=30)


CONFIGS = st.fixed_dictionaries({
    "lot_method_long": st.sampled_from(["FIFO", "LIFO", "HIFO"]),
    "lot_method_short": st.sampled_from(["FIFO", "LIFO", "HIFO"]),
    "borrow_rate": st.sampled_from(["0", "0.05", "0.3"]),
    "margin_rate": st.sampled_from(["0", "0.08"]),
    "cash_rate": st.sampled_from(["0", "0.01"]),
    "day_count": st.sampled_from(["ACT/365", "ACT/360"]),
    "initial_cash": st.sampled_from(["100000", "2500.5"]),
})


class Scenario:
    """Turns operations into events against a live service (lot_ids name lots that are really open)."""

    def __init__(self, svc: PortfolioService) -> None:
        self.svc, self.feed, self.today = svc, Feed(validate=False), 0

    def events(self, op: tuple) -> list:
        f, n = self.feed, self.today
        kind = op[0]
        if kind == "bar":
            currency = "EUR" if op[1] == "SAP" else None
            return [f.bar(op[1], n, op[2], currency=currency)]
        if kind == "fill":
            _, symbol, side, quantity, price, commission, named = op
            lots = [lot for p in self.svc.get_state().positions if p.symbol == symbol for lot in p.lots]
            closing = lots and (lots[0].quantity > 0) == (side == "SELL")
            lot_ids = [lot.lot_id for lot in reversed(lots)][:named] if closing and named else None
            currency = "EUR" if symbol == "SAP" else None
            return [f.fill(symbol, n, side, quantity, price, commission, lot_ids=lot_ids, currency=currency)]
        if kind == "split":
            _, symbol, (to, frm), ahead = op
            return [f.split(symbol, n, to, frm, ex=n + ahead)]
        if kind == "dividend":
            _, symbol, cents, ahead, pay = op
            return [f.dividend(symbol, n, Decimal(cents) / 100, pay=n + ahead + pay, ex=n + ahead)]
        if kind == "days":
            self.today += op[1]
            return [f.bar("AAA", self.today, 10)]
        if kind == "rate":
            return [f.bar("EURUSD", n, op[1])]
        if kind == "convert":
            return [f.fill("EURUSD", n, op[1], op[2], op[3])]
        raise AssertionError(op)


def play(config: dict, ops: list[tuple], *, exact: bool, start: list[tuple] = (), snapshot_at: int | None = None):
    svc = PortfolioService(config, run_id=RUN)
    scenario = Scenario(svc)
    played, outputs, snapshot = [], [], None
    peak = Decimal(str(svc.config.initial_cash))
    for op in list(start) + ops:
        for event in scenario.events(op):
            if snapshot_at is not None and len(played) == snapshot_at:
                snapshot = json.loads(svc.snapshot().to_json())
            out = svc.handle(event)
            played.append(event)
            outputs.append([state.to_json() for state in out])
            for state in out:  # the peak every state carries: the highest equity so far, from the initial cash
                peak = max(peak, state.equity)
                assert state.peak_equity == peak and state.peak_equity >= state.equity
            if event.event_type != "CorporateAction":
                assert out and out[-1].reason.value == ("FILL" if event.event_type == "Fill" else "MARK_TO_MARKET")
            assert not out or out[-1] is svc.get_state()
            check(svc, exact=exact, validate=len(played) % 7 == 0)
    return svc, played, outputs, snapshot


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=CONFIGS, ops=operations(USD_SYMBOLS, fx=False))
def test_invariants_single_currency(config, ops):
    play(config, ops, exact=True, start=[("bar", "AAA", Decimal(10))])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=CONFIGS, ops=operations(USD_SYMBOLS + ("SAP",), fx=True))
def test_invariants_with_a_foreign_currency(config, ops):
    config = dict(config, instruments={"SAP": {"currency": "EUR"}})
    play(config, ops, exact=False, start=[("rate", Decimal("1.1")), ("bar", "AAA", Decimal(10))])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=CONFIGS, ops=operations(USD_SYMBOLS + ("SAP",), fx=True), data=st.data())
def test_snapshot_then_restore_continues_identically(config, ops, data):
    config = dict(config, instruments={"SAP": {"currency": "EUR"}})
    start = [("rate", Decimal("1.1")), ("bar", "AAA", Decimal(10))]
    events_count = len(start) + len(ops)
    cut = data.draw(st.integers(min_value=0, max_value=events_count), label="cut")
    _, played, outputs, snapshot = play(config, ops, exact=False, start=start, snapshot_at=cut)
    if cut == len(played):
        return
    restored = PortfolioService(config, run_id=RUN)
    restored.restore(snapshot)
    assert restored.get_state() is None
    continued = [[state.to_json() for state in restored.handle(event)] for event in played[cut:]]
    assert continued == outputs[cut:]


def test_snapshot_at_every_point_of_a_fixed_run():
    """A run with every kind of event; restored from each point, the rest of the log is identical."""
    config = {"borrow_rate": "0.05", "margin_rate": "0.08", "cash_rate": "0.01",
              "instruments": {"SAP": {"currency": "EUR"}}, "lot_method_long": "HIFO"}
    ops = [("rate", Decimal("1.1")), ("bar", "AAA", Decimal(10)), ("fill", "AAA", "BUY", Decimal(7), Decimal(10),
           Decimal("1.00"), 0), ("fill", "SAP", "BUY", Decimal(5), Decimal(50), Decimal("0.5"), 0),
           ("dividend", "AAA", 25, 1, 2), ("fill", "BBB", "SELL", Decimal(30), Decimal(20), Decimal(1), 0),
           ("days", 1), ("rate", Decimal("1.2")), ("split", "AAA", (3, 2), 1), ("fill", "AAA", "BUY", Decimal(2),
           Decimal(11), Decimal(0), 0), ("days", 2), ("fill", "AAA", "SELL", Decimal(20), Decimal(12),
           Decimal("0.75"), 1), ("convert", "SELL", Decimal(100), Decimal("1.21")), ("days", 3),
           ("fill", "SAP", "SELL", Decimal(5), Decimal(55), Decimal(1), 0), ("bar", "BBB", Decimal(19)), ("days", 1)]
    _, played, outputs, _ = play(config, ops, exact=False)
    for cut in range(len(played) + 1):
        _, _, again, snapshot = play(config, ops, exact=False, snapshot_at=cut)
        assert again == outputs
        if snapshot is None:
            continue
        restored = PortfolioService(config, run_id=RUN)
        restored.restore(snapshot)
        assert [[s.to_json() for s in restored.handle(e)] for e in played[cut:]] == outputs[cut:]
