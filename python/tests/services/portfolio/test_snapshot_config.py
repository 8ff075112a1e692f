"""Config key ``snapshot``: a reset with a PortfolioSnapshot (JSON) continues exactly like the uninterrupted run.

The independent computation each test compares with is the uninterrupted run of the same inputs.
"""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
import yaml

from qtrader.errors import ConfigError
from qtrader.services.portfolio import PortfolioService

from .feed import RUN, D, Feed

# a EUR instrument, a short paying borrow fees, margin interest: the snapshot carries FX books, rates, residuals
CONFIG = {"initial_cash": "20000", "borrow_rate": "0.05", "margin_rate": "0.08", "cash_rate": "0.01",
          "instruments": {"SAP": {"currency": "EUR"}}}


def scenario(f: Feed) -> list:
    """Pending split and dividend, a short, a EUR position and a conversion, all open at the cut after item 8."""
    return [f.bar("EURUSD", 1, "1.10"), f.fill("GOOG", 2, "BUY", 100, "101.01", "1.00"),
            f.fill("SAP", 2, "BUY", 10, 50, "0.50", currency="EUR"), f.fill("XYZ", 2, "SELL", 30, 20, "0.30"),
            f.fill("EURUSD", 2, "BUY", 200, "1.11"), f.dividend("GOOG", 3, "0.20", pay=9),
            f.split("GOOG", 3, 3, 2, ex=5), f.bar("GOOG", 3, "102.5"),
            # -- cut: a snapshot taken here carries the pending split, the dividend and the residuals --
            f.bar("EURUSD", 4, "1.12"), f.bar("XYZ", 4, "19.5"), f.bar("GOOG", 6, "68.40"),
            f.fill("GOOG", 7, "SELL", 40, "69", "1.00"), f.fill("XYZ", 8, "BUY", 30, "19", "0.30"),
            f.bar("SAP", 9, "52", currency="EUR"), f.bar("GOOG", 10, "70")]


CUT = 8


def outputs(svc: PortfolioService, events) -> list[str]:
    return [state.model_dump_json() for event in events for state in svc.handle(event)]


def snapshot_at_cut(config=CONFIG):
    """(JSON dict of the snapshot after CUT inputs, the inputs, the uninterrupted run's outputs after the cut)."""
    events = scenario(Feed())
    whole = PortfolioService(config, run_id=RUN)
    head = outputs(whole, events[:CUT])
    tail = outputs(whole, events[CUT:])
    first = PortfolioService(config, run_id=RUN)
    assert outputs(first, events[:CUT]) == head  # the same inputs give the same outputs (no hidden state)
    return first.snapshot().to_dict(), events, tail


def test_reset_with_a_snapshot_continues_like_the_uninterrupted_run():
    snapshot, events, tail = snapshot_at_cut()
    assert [a["symbol"] for a in snapshot["pending_actions"]] == ["GOOG"]  # the cut really is mid-way
    assert [d["amount"] for d in snapshot["pending_dividends"]] == ["20.00"]  # 100 x 0.20
    resumed = PortfolioService({**CONFIG, "snapshot": snapshot}, run_id=RUN)
    assert resumed.get_state() is None
    assert outputs(resumed, events[CUT:]) == tail
    assert len(tail) > len(events) - CUT  # the tail includes CASH_FLOW and CORPORATE_ACTION states too


def test_snapshot_survives_json_text_and_yaml():
    """Over gRPC the config is JSON text; in a case or a run config it is YAML (dates may be left unquoted)."""
    snapshot, events, tail = snapshot_at_cut()
    via_json = json.loads(json.dumps({**CONFIG, "snapshot": snapshot}))
    assert outputs(PortfolioService(via_json, run_id=RUN), events[CUT:]) == tail
    via_yaml = yaml.safe_load(yaml.safe_dump({**CONFIG, "snapshot": snapshot}, sort_keys=False))
    assert outputs(PortfolioService(via_yaml, run_id=RUN), events[CUT:]) == tail
    unquoted = copy.deepcopy(snapshot)
    unquoted["last_date"] = date.fromisoformat(unquoted["last_date"])  # what YAML makes of last_date: 2024-01-04
    assert outputs(PortfolioService({**CONFIG, "snapshot": unquoted}, run_id=RUN), events[CUT:]) == tail


def test_reset_is_repeatable_and_restore_ignores_the_config_snapshot():
    snapshot, events, tail = snapshot_at_cut()
    svc = PortfolioService({**CONFIG, "snapshot": snapshot}, run_id=RUN)
    assert outputs(svc, events[CUT:]) == tail
    svc.reset({**CONFIG, "snapshot": snapshot}, RUN)  # a second Reset starts from the snapshot again
    assert outputs(svc, events[CUT:]) == tail
    # restore() of an empty portfolio's snapshot: resets with the config minus its snapshot, then loads
    empty = PortfolioService(CONFIG, run_id=RUN).snapshot()
    svc.restore(empty)
    fresh = PortfolioService(CONFIG, run_id=RUN)
    bar = Feed(name="other").bar("EURUSD", 1, "1.10")
    assert outputs(svc, [bar]) == outputs(fresh, [bar])
    assert svc.get_state().equity == D("20000")


def _error(config) -> str:
    with pytest.raises(ConfigError) as info:
        PortfolioService(config, run_id=RUN)
    return str(info.value)


def test_a_bad_snapshot_is_a_config_error_naming_the_field():
    snapshot, _, _ = snapshot_at_cut()
    bad_quantity = copy.deepcopy(snapshot)
    bad_quantity["lots"][0]["quantity"] = "many"
    message = _error({**CONFIG, "snapshot": bad_quantity})
    assert message.startswith("portfolio.snapshot.lots[0].quantity: must match the pattern"), message
    missing = {k: v for k, v in snapshot.items() if k != "ledger"}
    assert "portfolio.snapshot.ledger: is required" == _error({**CONFIG, "snapshot": missing})
    assert "portfolio.snapshot.event_type: must be PortfolioSnapshot, got 'PortfolioState'" in _error(
        {**CONFIG, "snapshot": dict(snapshot, event_type="PortfolioState")})
    assert "portfolio.snapshot: must be a mapping" == _error({**CONFIG, "snapshot": "snapshot.json"})


def test_a_snapshot_of_another_config_or_inconsistent_is_a_config_error():
    snapshot, _, _ = snapshot_at_cut()
    message = _error({**CONFIG, "initial_cash": "10000", "snapshot": snapshot})
    assert message.startswith("portfolio.snapshot ") and "initial_cash 20000" in message
    assert "set portfolio.base_currency and portfolio.initial_cash" in message
    broken = dict(snapshot, cash_balances=[{"currency": "USD", "amount": "1"}])
    message = _error({**CONFIG, "snapshot": broken})
    assert message.startswith("portfolio.snapshot: ") and "cash_balances do not equal the sums of the ledger" in message
