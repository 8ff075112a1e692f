"""Snapshot and restore: valid against the contract, exact, and refusing what does not fit."""

from __future__ import annotations

import json
import time

import pytest

from qtrader.contracts.validation import contract_errors
from qtrader.errors import ConfigError, ContractError
from qtrader.services.portfolio import PortfolioService

from .feed import RUN, D, Feed

CONFIG = {"borrow_rate": "0.05", "instruments": {"SAP": {"currency": "EUR"}}}


def scenario(f: Feed) -> list:
    return [f.bar("EURUSD", 1, "1.10"), f.fill("GOOG", 2, "BUY", 100, "101.01", "1.00"),
            f.fill("SAP", 2, "BUY", 10, 50, "0.50", currency="EUR"), f.fill("XYZ", 2, "SELL", 3, 20),
            f.dividend("GOOG", 3, "0.20", pay=9), f.split("GOOG", 3, 2, 1, ex=5), f.bar("GOOG", 3, "102.5"),
            f.bar("EURUSD", 4, "1.12"), f.bar("GOOG", 6, "51"), f.bar("GOOG", 10, "52")]


def test_snapshot_is_a_valid_contract_event_with_everything_needed():
    svc, f = PortfolioService(CONFIG, run_id=RUN), Feed()
    events = scenario(f)
    for event in events[:7]:
        svc.handle(event)
    snapshot = svc.snapshot()
    assert list(contract_errors(snapshot.to_dict())) == []
    assert snapshot.causation_id == events[6].event_id and snapshot.occurred_at == events[6].occurred_at
    assert snapshot.events_handled == 7 and snapshot.last_date == events[6].occurred_at.date()
    assert [a.symbol for a in snapshot.pending_actions] == ["GOOG"]  # the split, ex-date day 5
    assert [(d.quantity, d.amount) for d in snapshot.pending_dividends] == [(D(100), D("20.00"))]
    assert [(r.kind, r.key) for r in snapshot.accrual_residuals] == [("BORROW_FEE", "XYZ")]
    assert len(snapshot.ledger) == len(svc.ledger()) and snapshot.ledger[0].kind == "DEPOSIT"
    # the same point gives the same snapshot, byte for byte
    assert svc.snapshot().to_json() == snapshot.to_json()


def test_restore_from_json_continues_exactly():
    f = Feed()
    events = scenario(f)
    whole = PortfolioService(CONFIG, run_id=RUN)
    expected = [s.to_json() for e in events for s in whole.handle(e)]
    first = PortfolioService(CONFIG, run_id=RUN)
    head = [s.to_json() for e in events[:5] for s in first.handle(e)]
    restored = PortfolioService(CONFIG, run_id=RUN)
    restored.restore(json.loads(first.snapshot().to_json()))
    assert restored.get_state() is None
    assert restored.snapshot().to_json() == first.snapshot().to_json()
    tail = [s.to_json() for e in events[5:] for s in restored.handle(e)]
    assert head + tail == expected
    assert restored.ledger() == whole.ledger()


def test_snapshot_before_any_event():
    svc = PortfolioService({}, run_id=RUN)
    snapshot = svc.snapshot()
    assert list(contract_errors(snapshot.to_dict())) == []
    assert "causation_id" not in snapshot.to_dict() and "last_date" not in snapshot.to_dict()
    other = PortfolioService({}, run_id=RUN)
    other.restore(snapshot)
    bar = Feed().bar("AAA", 1, 10)
    assert [s.to_json() for s in other.handle(bar)] == [s.to_json() for s in svc.handle(bar)]


def test_restore_refuses_another_config_or_a_broken_snapshot():
    svc, f = PortfolioService(CONFIG, run_id=RUN), Feed()
    for event in scenario(f)[:4]:
        svc.handle(event)
    snapshot = json.loads(svc.snapshot().to_json())
    with pytest.raises(ConfigError, match="base_currency USD and initial_cash 100000.*EUR"):
        PortfolioService({"base_currency": "EUR"}, run_id=RUN).restore(snapshot)
    broken = dict(snapshot, cash_balances=[{"currency": "USD", "amount": "1"}])
    with pytest.raises(ContractError, match="do not equal the sums of the ledger"):
        PortfolioService(CONFIG, run_id=RUN).restore(broken)
    with pytest.raises(ContractError, match="lots"):
        PortfolioService(CONFIG, run_id=RUN).restore(dict(snapshot, lots=[{"symbol": "GOOG"}]))


def test_marking_stays_fast():
    """A loose floor (the measured rate is ~50k bars/s): 5000 bars of a held symbol in well under a second."""
    svc, f = PortfolioService({}, run_id=RUN), Feed(validate=False)
    svc.handle(f.fill("AAA", 0, "BUY", 100, "100.5", "1.00"))
    bars = [f.bar("AAA", 1 + i // 24, 100 + i % 7, hour=i % 24) for i in range(5000)]
    started = time.perf_counter()
    for bar in bars:
        svc.handle(bar)
    assert time.perf_counter() - started < 2.5
    assert svc.get_state().market_value == D(100) * (100 + 4999 % 7)
