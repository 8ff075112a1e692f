"""Order intake: rejections with reasons (and the run goes on), idempotency, cancels, duplicate ids."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from qtrader.contracts.generated.models.common.types_v1 import OrderStatus as S
from qtrader.contracts.generated.models.execution.fill_v1 import Fill
from qtrader.contracts.generated.models.manager.order_v1 import Order
from qtrader.contracts.ids import derive_id
from qtrader.errors import ContractError

from .helpers import Harness, bar, brief, cancel, day, fills, order, updates

D = Decimal


def harness(config: dict | None = None) -> Harness:
    h = Harness(config)
    h.send(bar(day(2), "100", "101", "99"))
    return h


INVALID = {
    "quantity zero": ({"quantity": "0"}, "quantity must be > 0, got 0"),
    "quantity negative": ({"quantity": "-5"}, "quantity must be > 0, got -5"),
    "limit without limit_price": ({"order_type": "LIMIT"}, "LIMIT order requires limit_price"),
    "stop-limit without limit_price": ({"order_type": "STOP_LIMIT", "stop_price": "105"},
                                       "STOP_LIMIT order requires limit_price"),
    "stop without stop_price": ({"order_type": "STOP"}, "STOP order requires stop_price"),
    "stop-limit without stop_price": ({"order_type": "STOP_LIMIT", "limit_price": "105"},
                                      "STOP_LIMIT order requires stop_price"),
    "trailing without trail": ({"order_type": "TRAILING_STOP"}, "requires trail_amount or trail_percent"),
    "trailing with both": ({"order_type": "TRAILING_STOP", "trail_amount": "1", "trail_percent": "1"},
                           "not both"),
    "trailing percent 100": ({"order_type": "TRAILING_STOP", "trail_percent": "100"}, "trail_percent must be < 100"),
    "limit price zero": ({"order_type": "LIMIT", "limit_price": "0"}, "limit_price must be > 0, got 0"),
    "stop price negative": ({"order_type": "STOP", "stop_price": "-3"}, "stop_price must be > 0, got -3"),
    "unused price": ({"order_type": "MARKET", "limit_price": "100"}, "limit_price is not used by MARKET orders"),
    "unknown symbol": ({"symbol": "MSFT"}, "unknown symbol 'MSFT'"),
    "unknown parent": ({"parent_order_id": "00000000-0000-5000-8000-000000000999"}, "unknown parent order"),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_order_is_rejected_with_its_reason_and_the_run_goes_on(name: str) -> None:
    fields, reason = INVALID[name]
    h = harness()
    bad = order(day(2), **fields)
    out = h.send(bad)
    assert [u.status for u in out] == [S.NEW, S.REJECTED]
    assert out[1].previous_status == S.NEW
    assert reason in out[1].reason
    assert h.state(bad.order_id).status == S.REJECTED
    good = order(day(2))
    h.send(good)
    assert [f.order_id for f in fills(h.send(bar(day(3), "100", "101", "99")))] == [good.order_id]


def test_rejected_keeps_the_quantity_as_remaining() -> None:
    out = harness().send(order(day(2), quantity="-5"))
    assert (out[1].filled_quantity, out[1].remaining_quantity) == (D(0), D(-5))


def test_all_problems_are_listed() -> None:
    out = harness().send(order(day(2), quantity="0", order_type="LIMIT", symbol="MSFT"))
    assert out[1].reason == ("quantity must be > 0, got 0; LIMIT order requires limit_price; unknown symbol 'MSFT': "
                             "no bar of it was seen and it is not in execution.symbols")


def constructed(**changes: object) -> Order:
    """An Order built with model_construct: it may carry values the contract would refuse."""
    base = order(day(2), order_type="LIMIT", limit_price="100")
    return Order.model_construct(**{**dict(base), **changes})


@pytest.mark.parametrize(("changes", "reason"), [
    ({"quantity": D("NaN")}, "quantity must be a finite decimal, got Decimal('NaN')"),
    ({"quantity": 100.0}, "quantity must be a finite decimal, got 100.0"),
    ({"limit_price": D("Infinity")}, "limit_price must be a finite decimal"),
    ({"limit_price": 99.5}, "limit_price must be a finite decimal, got 99.5"),
    ({"side": "HOLD"}, "side must be BUY or SELL, got 'HOLD'"),
    ({"order_type": "ICEBERG"}, "order_type must be one of"),
    ({"time_in_force": "GTD"}, "time_in_force must be one of"),
])
def test_non_contract_values_are_rejected(changes: dict, reason: str) -> None:
    out = harness().send(constructed(**changes))
    assert [u.status for u in out] == [S.NEW, S.REJECTED]
    assert reason in out[1].reason


def test_plain_string_enums_from_model_construct_are_accepted() -> None:
    h = harness()
    o = constructed(side="BUY", order_type="LIMIT", time_in_force="GTC")
    assert [u.status for u in h.send(o)] == [S.NEW, S.ACCEPTED]
    assert fills(h.send(bar(day(3), "99", "100", "98")))[0].price == D(99)


def test_configured_symbols_are_the_known_ones() -> None:
    h = Harness({"symbols": ["GOOG", "AAPL"]})
    # no bar seen yet, but AAPL is configured
    assert [u.status for u in h.send(order(day(2), symbol="AAPL"))] == [S.NEW, S.ACCEPTED]
    h.send(bar(day(2), "10", "11", "9", symbol="MSFT"))
    assert updates(h.send(order(day(2), symbol="MSFT")))[-1].status == S.REJECTED


class TestIdempotency:
    def test_repeated_key_emits_and_changes_nothing(self) -> None:
        h = harness()
        first = order(day(2), quantity="100")
        h.send(first)
        before = h.service.result_for_key(first.idempotency_key)
        again = order(day(2), quantity="500", idempotency_key=first.idempotency_key)
        assert h.send(again) == []
        assert h.send(first) == []  # the very same event twice
        assert h.state(again.order_id) is None
        assert h.service.result_for_key(first.idempotency_key) == before
        assert before.status == S.ACCEPTED and before.quantity == D(100)
        # only the original order fills
        assert brief(h.send(bar(day(3), "100", "101", "99"))) == [("Fill", first.order_id, D(100), D(100)),
                                                                   ("OrderUpdate", first.order_id, "FILLED")]
        assert h.service.result_for_key(first.idempotency_key).status == S.FILLED

    def test_a_rejected_key_stays_rejected(self) -> None:
        h = harness()
        bad = order(day(2), quantity="0")
        h.send(bad)
        assert h.send(order(day(2), idempotency_key=bad.idempotency_key)) == []
        assert h.service.result_for_key(bad.idempotency_key).status == S.REJECTED

    def test_unknown_key_has_no_result(self) -> None:
        assert harness().service.result_for_key("nope") is None

    def test_reused_order_id_with_a_new_key_is_a_contract_error(self) -> None:
        h = harness()
        first = order(day(2))
        h.send(first)
        with pytest.raises(ContractError, match="order_id"):
            h.send(order(day(2), order_id=first.order_id, idempotency_key="other-key"))


class TestCancel:
    def test_working_order_is_canceled_with_the_reason(self) -> None:
        h = harness()
        o = order(day(2), order_type="LIMIT", limit_price="90")
        h.send(o)
        out = h.send(cancel(day(3, 10), o.order_id, "signal reversed"))
        assert brief(out) == [("OrderUpdate", o.order_id, "CANCELED")]
        assert (out[0].previous_status, out[0].reason) == (S.ACCEPTED, "cancel requested: signal reversed")
        assert h.send(bar(day(3), "85", "86", "84")) == []

    def test_partially_filled_order_is_canceled_with_its_remainder(self) -> None:
        h = harness({"participation": "0.1"})
        o = order(day(2))
        h.send(o)
        h.send(bar(day(3), "100", "101", "99", v="400"))  # 40 filled
        out = h.send(cancel(day(3, 22), o.order_id))
        assert (out[0].previous_status, out[0].filled_quantity, out[0].remaining_quantity) == (
            S.PARTIALLY_FILLED, D(40), D(60))
        assert out[0].average_fill_price == D(100)

    def test_unknown_or_finished_orders_emit_nothing(self) -> None:
        h = harness()
        assert h.send(cancel(day(2, 22), "00000000-0000-5000-8000-000000000999")) == []
        o = order(day(2))
        h.send(o)
        h.send(bar(day(3), "100", "101", "99"))
        assert h.send(cancel(day(3, 22), o.order_id)) == []
        assert h.state(o.order_id).status == S.FILLED


def test_lot_ids_are_copied_to_the_fill() -> None:
    h = harness()
    o = order(day(2), side="SELL", lot_ids=["lot-1", "lot-2"])
    h.send(o)
    assert fills(h.send(bar(day(3), "100", "101", "99")))[0].lot_ids == ["lot-1", "lot-2"]


def test_same_inputs_give_byte_identical_outputs_and_derived_fill_ids() -> None:
    events = [bar(day(2), "100", "101", "99"), order(day(2)), bar(day(3), "100", "101", "99", v="100")]

    def run() -> list[str]:
        h = Harness({"participation": "0.5", "slippage": {"model": "random", "bps": "5", "seed": 3}})
        return [e.to_json() for event in events for e in h.send(event)]

    first = run()
    assert first == run()
    fill = Fill.model_validate_json(first[2])
    assert fill.fill_id == derive_id(events[2].event_id, "execution", "fill", 0)
    assert [json.loads(line)["event_type"] for line in first] == ["OrderUpdate", "OrderUpdate", "Fill", "OrderUpdate"]


def test_contract_example_orders_are_accepted(repo: Path) -> None:
    examples = sorted((repo / "contracts" / "examples" / "manager").glob("order.v1.*.json"))
    assert examples
    for path in examples:
        h = Harness()
        h.send(bar("2024-01-02T21:00:00Z", "100", "101", "99"))
        example = Order.model_validate_json(path.read_text(encoding="utf-8"))
        statuses = [u.status for u in h.send(example)]
        if example.parent_order_id is None:
            assert statuses == [S.NEW, S.ACCEPTED], path.name
        else:  # a bracket child whose entry this service never saw
            assert statuses == [S.NEW, S.REJECTED], path.name
