"""Builders and a harness for the execution tests: valid events from a few fields, every output contract-checked."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from qtrader.contracts.base import ContractModel
from qtrader.contracts.generated.models.data.price_bar_v1 import PriceBar
from qtrader.contracts.generated.models.execution.fill_v1 import Fill
from qtrader.contracts.generated.models.execution.order_update_v1 import OrderUpdate
from qtrader.contracts.generated.models.manager.cancel_order_v1 import CancelOrder
from qtrader.contracts.generated.models.manager.order_v1 import Order
from qtrader.contracts.ids import derive_id, run_id
from qtrader.contracts.validation import validate_event
from qtrader.services.execution import ExecutionService

D = Decimal
RUN = run_id("execution-tests")
_ids = itertools.count()


def new_id(kind: str = "id") -> str:
    return derive_id(RUN, kind, next(_ids))


def day(n: int, hour: int = 21) -> str:
    """Timestamp of day n of January 2024 at ``hour`` UTC (daily bars close at 21:00)."""
    return f"2024-01-{n:02d}T{hour:02d}:00:00Z"


def bar(at: str, o: str, h: str, lo: str, c: str | None = None, v: str = "1000000", symbol: str = "GOOG") -> PriceBar:
    return PriceBar.model_validate({
        "event_id": new_id("bar"), "occurred_at": at, "source_service": "data", "correlation_id": RUN,
        "symbol": symbol, "timeframe": "1d", "open": o, "high": h, "low": lo, "close": c or o, "volume": v,
        "adjusted": False,
    })


def order(at: str, **fields: Any) -> Order:
    """A valid Order: MARKET BUY 100 GOOG GTC unless told otherwise."""
    order_id = fields.pop("order_id", None) or new_id("order")
    data = {
        "event_id": new_id("event"), "occurred_at": at, "source_service": "manager", "correlation_id": RUN,
        "order_id": order_id, "intent_id": new_id("signal"), "idempotency_key": f"s1-{order_id}-{at}",
        "strategy_id": "s1", "symbol": "GOOG", "side": "BUY", "quantity": "100", "order_type": "MARKET",
        "time_in_force": "GTC",
    }
    data.update(fields)
    return Order.model_validate(data)


def cancel(at: str, order_id: str, reason: str = "strategy changed its mind") -> CancelOrder:
    return CancelOrder.model_validate({
        "event_id": new_id("cancel"), "occurred_at": at, "source_service": "manager", "correlation_id": RUN,
        "order_id": order_id, "reason": reason,
    })


def brief(events: list[ContractModel]) -> list[tuple]:
    """A compact view of a batch: ("Fill", order_id, quantity, price) and ("OrderUpdate", order_id, status)."""
    out: list[tuple] = []
    for event in events:
        if isinstance(event, Fill):
            out.append(("Fill", event.order_id, event.quantity, event.price))
        else:
            out.append(("OrderUpdate", event.order_id, str(event.status)))
    return out


def fills(events: list[ContractModel]) -> list[Fill]:
    return [e for e in events if isinstance(e, Fill)]


def updates(events: list[ContractModel], order_id: str | None = None) -> list[OrderUpdate]:
    return [e for e in events if isinstance(e, OrderUpdate) and (order_id is None or e.order_id == order_id)]


class Harness:
    """Feeds events to one ExecutionService, checks every output against its contract, keeps the log."""

    def __init__(self, config: dict | None = None) -> None:
        self.service = ExecutionService(config, run_id=RUN)
        self.log: list[ContractModel] = []

    def send(self, event: ContractModel) -> list[ContractModel]:
        out = self.service.handle(event)
        for emitted in out:
            validate_event(emitted.to_dict(), "execution output")
            assert emitted.causation_id == event.event_id
            assert emitted.occurred_at == event.occurred_at
        self.log.extend(out)
        return out

    def state(self, order_id: str) -> Any:
        return self.service.order_state(order_id)
