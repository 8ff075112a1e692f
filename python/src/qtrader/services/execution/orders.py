"""The execution service's record of one order, its public snapshot, and the checks an order must pass."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from qtrader.contracts.generated.models.common.types_v1 import (
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)
from qtrader.contracts.generated.models.manager.order_v1 import Order
from qtrader.libraries.numbers import plain
from qtrader.services.execution.arith import (
    HUNDRED,
    ZERO,
    add,
    at_most,
    div,
    is_finite_decimal,
    mul,
    sub,
)
from qtrader.services.execution.state_machine import is_terminal

AVERAGE_PRICE_PLACES = 12  # the contracts' limit on fraction digits

_E = TypeVar("_E", bound=StrEnum)


def as_enum(enum: type[_E], value: Any) -> _E | None:
    """The enum member for a value (a model built with model_construct may carry a plain string or garbage)."""
    try:
        return enum(value)
    except ValueError:
        return None


@dataclass
class OrderRecord:
    """Mutable state of one order inside the service."""

    order: Order
    seq: int
    status: OrderStatus
    quantity: Decimal
    side: Side | None
    order_type: OrderType | None
    tif: TimeInForce | None
    eligible_after: datetime
    active: bool = True
    filled: Decimal = ZERO
    notional: Decimal = ZERO
    fills: int = 0
    started: bool = False
    start_date: date | None = None
    triggered: bool = False
    stop: Decimal | None = None
    extreme: Decimal | None = None

    @property
    def order_id(self) -> str:
        return self.order.order_id

    @property
    def remaining(self) -> Decimal:
        return sub(self.quantity, self.filled)

    @property
    def average_price(self) -> Decimal | None:
        if self.filled <= 0:
            return None
        return at_most(div(self.notional, self.filled), AVERAGE_PRICE_PLACES)

    def add_fill(self, quantity: Decimal, price: Decimal) -> None:
        self.filled = add(self.filled, quantity)
        self.notional = add(self.notional, mul(quantity, price))
        self.fills += 1

    def snapshot(self) -> OrderSnapshot:
        return OrderSnapshot(
            order_id=self.order_id,
            symbol=self.order.symbol,
            status=self.status,
            quantity=self.quantity,
            filled_quantity=self.filled,
            remaining_quantity=self.remaining,
            average_fill_price=self.average_price,
            working=not is_terminal(self.status) and self.status is not OrderStatus.NEW and self.active,
            dormant=not is_terminal(self.status) and not self.active,
            triggered=self.triggered,
            stop_price=self.stop,
            idempotency_key=self.order.idempotency_key,
        )


@dataclass(frozen=True)
class OrderSnapshot:
    """What tests and tools may read about an order: a copy, changing it changes nothing."""

    order_id: str
    symbol: str
    status: OrderStatus
    quantity: Decimal
    filled_quantity: Decimal
    remaining_quantity: Decimal
    average_fill_price: Decimal | None
    working: bool
    dormant: bool
    triggered: bool
    stop_price: Decimal | None
    idempotency_key: str


_PRICE_FIELDS = ("limit_price", "stop_price", "trail_amount", "trail_percent")
_NEEDS = {
    OrderType.MARKET: (),
    OrderType.LIMIT: ("limit_price",),
    OrderType.STOP: ("stop_price",),
    OrderType.STOP_LIMIT: ("stop_price", "limit_price"),
    OrderType.TRAILING_STOP: (),
}
_ALLOWED = {
    OrderType.MARKET: (),
    OrderType.LIMIT: ("limit_price",),
    OrderType.STOP: ("stop_price",),
    OrderType.STOP_LIMIT: ("stop_price", "limit_price"),
    OrderType.TRAILING_STOP: ("stop_price", "trail_amount", "trail_percent"),
}


def problems(order: Order, side: Side | None, order_type: OrderType | None, tif: TimeInForce | None,
             symbol_known: bool, parent: OrderRecord | None) -> list[str]:
    """Every reason to reject an order (empty: the order is valid). Order of the checks is the order of the list."""
    found: list[str] = []
    if side is None:
        found.append(f"side must be BUY or SELL, got {order.side!r}")
    if order_type is None:
        found.append(f"order_type must be one of {', '.join(OrderType)}, got {order.order_type!r}")
    if tif is None:
        found.append(f"time_in_force must be one of {', '.join(TimeInForce)}, got {order.time_in_force!r}")
    quantity = order.quantity
    if not is_finite_decimal(quantity):
        found.append(f"quantity must be a finite decimal, got {quantity!r}")
    elif quantity <= 0:
        found.append(f"quantity must be > 0, got {plain(quantity, signed_zero=True)}")
    for name in _PRICE_FIELDS:
        value = getattr(order, name, None)
        if value is None:
            continue
        if not is_finite_decimal(value):
            found.append(f"{name} must be a finite decimal, got {value!r}")
        elif value <= 0:
            found.append(f"{name} must be > 0, got {plain(value, signed_zero=True)}")
    if order_type is not None:
        for name in _NEEDS[order_type]:
            if getattr(order, name, None) is None:
                found.append(f"{order_type} order requires {name}")
        for name in _PRICE_FIELDS:
            if getattr(order, name, None) is not None and name not in _ALLOWED[order_type]:
                found.append(f"{name} is not used by {order_type} orders; leave it out")
        if order_type is OrderType.TRAILING_STOP:
            amount, percent = order.trail_amount, order.trail_percent
            if amount is None and percent is None:
                found.append("TRAILING_STOP order requires trail_amount or trail_percent")
            elif amount is not None and percent is not None:
                found.append("TRAILING_STOP order takes trail_amount or trail_percent, not both")
            elif is_finite_decimal(percent) and percent >= HUNDRED:
                found.append(f"trail_percent must be < 100, got {plain(percent, signed_zero=True)}")
    if not symbol_known:
        found.append(f"unknown symbol {order.symbol!r}: no bar of it was seen and it is not in execution.symbols")
    if order.parent_order_id is not None:
        found.extend(_bracket_problems(order, parent))
    return found


def _bracket_problems(order: Order, parent: OrderRecord | None) -> list[str]:
    if parent is None:
        return [f"unknown parent order {order.parent_order_id}: send the entry order before its bracket children"]
    found = []
    if parent.order.symbol != order.symbol:
        found.append(f"bracket child trades {order.symbol} but its parent trades {parent.order.symbol}")
    if parent.status is not OrderStatus.REJECTED and is_finite_decimal(order.quantity) \
            and order.quantity > parent.quantity:
        found.append(
            f"bracket child quantity {plain(order.quantity, signed_zero=True)} exceeds its parent's quantity "
            f"{plain(parent.quantity, signed_zero=True)}"
        )
    return found
