"""ManagerService: sizing from the cached PortfolioState, every limit, rejections with all reasons, brackets,
idempotency, and projected positions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from qtrader.contracts.validation import contract_errors
from qtrader.errors import ConfigError
from qtrader.libraries.risk import LIMITS
from qtrader.services.manager import ManagerService
from qtrader.services.manager.policy import LimitsPolicy

from ..helpers import bar, order_update, portfolio_state, signal


def manager(policy) -> ManagerService:
    return ManagerService({"policy": policy})


def test_fixed_fraction_sizes_from_portfolio_equity_not_the_signal():
    m = manager({"sizing": {"method": "fixed_fraction", "fraction": "0.1"}})
    m.handle(portfolio_state(0, "50000"))
    (order,) = m.handle(signal(1, "OPEN_LONG", price="33"))
    # 10% of 50,000 = 5,000; 5,000 / 33 = 151.5 -> 151 shares (rounded down)
    assert order.event_type == "Order" and order.quantity == Decimal(151) and order.side.value == "BUY"
    assert order.order_type.value == "MARKET" and order.time_in_force.value == "DAY"


def test_audit_trail_fields():
    m = manager("fixed_100")
    m.handle(portfolio_state(0, "100000"))
    sig = signal(1, "OPEN_LONG")
    (order,) = m.handle(sig)
    assert order.intent_id == sig.event_id and order.causation_id == sig.event_id
    assert order.idempotency_key == f"s-{sig.event_id}-2024-01-02T00:00:00Z"


def test_duplicate_signal_gives_no_second_order():
    m = manager("fixed_100")
    m.handle(portfolio_state(0, "100000"))
    sig = signal(1, "OPEN_LONG")
    assert len(m.handle(sig)) == 1
    assert m.handle(sig) == []


def test_each_sizing_method_by_hand():
    cases = [
        ({"method": "fixed_quantity", "quantity": "25"}, Decimal(25)),
        ({"method": "equal_weight", "slots": 4}, Decimal(2500)),  # 100,000 / 4 / 10 = 2,500
        # kelly: p=0.6, b=1 -> f = 0.6 - 0.4/1 = 0.2; half Kelly 0.1 -> 10,000 / 10 = 1,000
        ({"method": "kelly", "win_probability": "0.6", "win_loss_ratio": "1", "fraction_of_kelly": "0.5"}, Decimal(1000)),
        ({"method": "fixed_fraction", "fraction": "0.05", "lot_size": "100"}, Decimal(500)),  # 5,000/10 = 500 (5 lots)
    ]
    for sizing, expected in cases:
        m = manager({"sizing": sizing})
        m.handle(portfolio_state(0, "100000"))
        (order,) = m.handle(signal(1, "OPEN_LONG", price="10"))
        assert order.quantity == expected, sizing


def test_volatility_target_uses_return_volatility_of_bars():
    m = manager({"sizing": {"method": "volatility_target", "target_annual_vol": "0.1", "lookback": 2,
                            "periods_per_year": 4}})
    # closes 100, 110, 99 -> returns +0.1, -0.1 -> population std 0.1
    for i, close in enumerate(["100", "110", "99"]):
        m.handle(bar(i, close))
    m.handle(portfolio_state(3, "100000"))
    (order,) = m.handle(signal(3, "OPEN_LONG", price="99"))
    # target dollar vol 0.1 * 100,000 = 10,000; per share 99 * 0.1 * sqrt(4) = 19.8 -> floor(505.05) = 505
    assert order.quantity == Decimal(505)


def test_volatility_target_without_history_is_rejected():
    m = manager({"sizing": {"method": "volatility_target", "target_annual_vol": "0.1"}})
    m.handle(portfolio_state(0, "100000"))
    (rejected,) = m.handle(signal(1, "OPEN_LONG"))
    assert [r.code for r in rejected.reasons] == ["SIZE_ZERO"]


def test_every_limit_reason_is_reported_not_only_the_first():
    policy = {"sizing": {"method": "fixed_quantity", "quantity": "5000"},
              "limits": {"max_weight": "0.25", "max_leverage": "1", "max_positions": 1, "max_drawdown": "0.1"}}
    m = manager(policy)
    m.handle(portfolio_state(0, "100000", {"A": ("100", "10")}))   # equity 101,000 = peak
    m.handle(portfolio_state(1, "80000", {"A": ("100", "10")}, peak="101000"))  # 81,000: 19.8% below the peak
    (rejected,) = m.handle(signal(2, "OPEN_LONG", symbol="X", price="20"))
    # 5,000 x 20 = 100,000: 123% of equity (> 25%), gross 101,000/81,000 = 1.25x (> 1x),
    # a second position (limit 1), drawdown 19.8% >= 10%
    assert rejected.event_type == "SignalRejected"
    assert [r.code for r in rejected.reasons] == ["CONCENTRATION", "GROSS_LEVERAGE", "MAX_POSITIONS", "DRAWDOWN_THROTTLE"]
    assert "X would be" in rejected.reasons[0].message
    assert list(contract_errors(rejected.to_dict())) == []  # every code is one of the contract's RejectionCode


def test_every_policy_limit_is_a_limit_record():
    """A policy key without a record would be refused at the first signal; a record without a key never runs."""
    assert list(LimitsPolicy.model_fields) == list(LIMITS)


def test_reductions_pass_the_limits():
    m = manager({"sizing": {"method": "fixed_quantity", "quantity": "1"}, "limits": {"max_weight": "0.01"}})
    m.handle(portfolio_state(0, "1000", {"X": ("100", "10")}))
    (order,) = m.handle(signal(1, "CLOSE_LONG"))
    assert (order.side.value, order.quantity) == ("SELL", Decimal(100))


@pytest.mark.parametrize("intention, positions, policy, code", [
    ("CLOSE_LONG", {}, "fixed_100", "NO_POSITION"),
    ("CLOSE_SHORT", {"X": ("100", "10")}, "fixed_100", "NO_POSITION"),
    ("OPEN_SHORT", {}, "default", "SHORT_NOT_ALLOWED"),
    ("OPEN_LONG", {"X": ("-100", "10")}, "fixed_100", "OPPOSITE_POSITION"),
    ("OPEN_LONG", {"X": ("100", "10")}, "fixed_100", "ALREADY_OPEN"),
])
def test_rejections(intention, positions, policy, code):
    m = manager(policy)
    m.handle(portfolio_state(0, "100000", positions))
    (rejected,) = m.handle(signal(1, intention))
    assert code in [r.code for r in rejected.reasons]
    assert rejected.signal_id and rejected.intention.value == intention


def test_no_portfolio_state_yet_is_a_rejection():
    (rejected,) = manager("fixed_100").handle(signal(1, "OPEN_LONG"))
    assert rejected.reasons[0].code == "NO_PORTFOLIO_STATE"


def test_working_orders_count_in_the_projected_position():
    m = manager("fixed_100")
    m.handle(portfolio_state(0, "100000"))
    (order,) = m.handle(signal(1, "OPEN_LONG"))
    (rejected,) = m.handle(signal(2, "OPEN_LONG"))
    assert rejected.reasons[0].code == "ALREADY_OPEN"
    m.handle(order_update(3, order.order_id, "CANCELED", "0", "100"))
    assert m.handle(signal(4, "OPEN_LONG"))[0].event_type == "Order"


def test_short_round_trip_with_fixed_100():
    m = manager("fixed_100")
    m.handle(portfolio_state(0, "100000"))
    (short,) = m.handle(signal(1, "OPEN_SHORT"))
    assert (short.side.value, short.quantity) == ("SELL", Decimal(100))
    m.handle(order_update(2, short.order_id, "FILLED", "100", "0"))
    m.handle(portfolio_state(2, "101000", {"X": ("-100", "10")}))
    (cover,) = m.handle(signal(3, "CLOSE_SHORT"))
    assert (cover.side.value, cover.quantity) == ("BUY", Decimal(100))


def test_bracket_signal_gives_entry_and_two_oco_exits_and_close_cancels_them():
    m = manager("fixed_100")
    m.handle(portfolio_state(0, "100000"))
    entry, stop, target = m.handle(signal(1, "OPEN_LONG", stop_loss="9", take_profit="12", entry_type="LIMIT",
                                          limit_price="9.9", time_in_force="GTC"))
    assert (entry.order_type.value, entry.limit_price, entry.bracket_role.value) == ("LIMIT", Decimal("9.9"), "ENTRY")
    assert (stop.order_type.value, stop.stop_price, stop.side.value, stop.parent_order_id) == (
        "STOP", Decimal(9), "SELL", entry.order_id)
    assert (target.order_type.value, target.limit_price, target.bracket_role.value) == ("LIMIT", Decimal(12), "TAKE_PROFIT")
    assert stop.oco_group_id == target.oco_group_id == f"oco-{entry.order_id}"
    assert len({entry.order_id, stop.order_id, target.order_id}) == 3
    m.handle(order_update(2, entry.order_id, "FILLED", "100", "0"))
    m.handle(portfolio_state(2, "90000", {"X": ("100", "10")}))
    cancel_stop, cancel_target, close = m.handle(signal(3, "CLOSE_LONG"))
    assert {cancel_stop.order_id, cancel_target.order_id} == {stop.order_id, target.order_id}
    assert cancel_stop.event_type == "CancelOrder" and close.event_type == "Order" and close.order_type.value == "MARKET"


@pytest.mark.parametrize("intention, exits, side, role, kind, field", [
    ("OPEN_SHORT", {"stop_loss": "11"}, "BUY", "STOP_LOSS", "STOP", "stop_price"),
    ("OPEN_LONG", {"take_profit": "12"}, "SELL", "TAKE_PROFIT", "LIMIT", "limit_price"),
])
def test_bracket_with_a_single_exit_has_no_oco_group(intention, exits, side, role, kind, field):
    m = manager("fixed_100")
    m.handle(portfolio_state(0, "100000"))
    entry, exit_ = m.handle(signal(1, intention, **exits))
    assert entry.bracket_role.value == "ENTRY" and entry.oco_group_id is None
    assert (exit_.side.value, exit_.bracket_role.value, exit_.order_type.value, exit_.parent_order_id) == (
        side, role, kind, entry.order_id)
    assert getattr(exit_, field) == Decimal(next(iter(exits.values())))
    assert exit_.oco_group_id is None and exit_.time_in_force.value == "GTC"


def test_policy_files_and_errors(tmp_path: Path):
    (tmp_path / "mine.yaml").write_text("sizing: {method: fixed_quantity, quantity: '7'}\n")
    m = ManagerService({"policy": "mine.yaml", "base_dir": str(tmp_path)})
    m.handle(portfolio_state(0, "100000"))
    assert m.handle(signal(1, "OPEN_LONG"))[0].quantity == Decimal(7)
    with pytest.raises(ConfigError, match="neither a built-in"):
        ManagerService({"policy": "missing.yaml"})
    with pytest.raises(ConfigError, match=r"sizing.colour: unknown key"):
        ManagerService({"policy": {"sizing": {"method": "fixed_quantity", "quantity": "1", "colour": 1}}})
    with pytest.raises(ConfigError, match="needs quantity"):
        ManagerService({"policy": {"sizing": {"method": "fixed_quantity"}}})
    for name in ("default", "fixed_100", "conservative"):
        ManagerService({"policy": name})


def test_the_throttle_reads_the_peak_from_the_state_not_from_the_states_it_saw():
    """The manager keeps no peak of its own: a state (e.g. after a restore) whose peak is above every equity the
    manager has seen throttles; a state at its peak lets the same trade through."""
    m = manager({"sizing": {"method": "fixed_quantity", "quantity": "10"}, "limits": {"max_drawdown": "0.1"}})
    m.handle(portfolio_state(0, "90000", peak="100000"))  # 10% below a peak this manager never saw
    (rejected,) = m.handle(signal(1, "OPEN_LONG"))
    assert [r.code for r in rejected.reasons] == ["DRAWDOWN_THROTTLE"]
    assert "below peak 100000" in rejected.reasons[0].message
    m.handle(portfolio_state(2, "90000"))  # the same equity, now at its peak
    (order,) = m.handle(signal(3, "OPEN_LONG"))
    assert order.event_type == "Order"
