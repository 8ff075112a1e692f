"""ExecutionService: works orders against bars and reports every state change and fill.

Per input:
- ``Order``: NEW, then ACCEPTED or REJECTED (with every reason). A repeated idempotency_key changes nothing.
- ``CancelOrder``: a working (or dormant) order becomes CANCELED; an unknown or finished order: nothing.
- ``PriceBar``: for the working orders of the bar's symbol, first every DAY expiry (EXPIRED), then fills in
  arrival order (members of one OCO group are taken together, stop-loss first: the conservative assumption when
  a bar could reach both exits). For each fill the Fill comes first, then its OrderUpdate.

Nothing fills on the bar during which an order arrived: an order works only on bars of its symbol strictly later
than its occurred_at. docs/execution.md is the user's description of every rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

from qtrader.contracts.generated.models.common.types_v1 import (
    BracketRole,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)
from qtrader.contracts.generated.models.data.price_bar_v1 import PriceBar
from qtrader.contracts.generated.models.execution.fill_v1 import Fill
from qtrader.contracts.generated.models.execution.order_update_v1 import OrderUpdate
from qtrader.contracts.generated.models.manager.cancel_order_v1 import CancelOrder
from qtrader.contracts.generated.models.manager.order_v1 import Order
from qtrader.errors import ContractError
from qtrader.libraries.numbers import plain
from qtrader.services.base import Service, parse_config
from qtrader.services.execution.arith import ZERO, is_finite_decimal, mul, quantize
from qtrader.services.execution.commission import commission
from qtrader.services.execution.config import ExecutionConfig
from qtrader.services.execution.fill_rules import (
    BarPrices,
    FillDecision,
    better_extreme,
    evaluate,
    ratchet,
    trailing_level,
)
from qtrader.services.execution.orders import OrderRecord, OrderSnapshot, as_enum, problems
from qtrader.services.execution.slippage import SlippageModel, apply_slippage
from qtrader.services.execution.state_machine import check_transition, is_terminal

S = OrderStatus
_STOP_TYPES = frozenset({OrderType.STOP, OrderType.STOP_LIMIT, OrderType.TRAILING_STOP})


class ExecutionService(Service):
    """Simulated broker: order state machine, fill rules, slippage, commission, participation cap."""

    name = "execution"
    consumes = ("PriceBar", "Order", "CancelOrder")
    emits = ("OrderUpdate", "Fill")

    def reset(self, config: Mapping[str, Any] | None, run_id: str) -> None:
        super().reset(config, run_id)
        self.config = parse_config(ExecutionConfig, config, "execution")
        self._slippage = SlippageModel(self.config.slippage)
        self._known = frozenset(self.config.symbols) if self.config.symbols is not None else None
        self._seen_symbols: set[str] = set()
        self._orders: dict[str, OrderRecord] = {}
        self._keys: dict[str, str] = {}
        self._working: dict[str, dict[str, None]] = {}  # symbol -> ids of unfinished orders
        self._children: dict[str, list[str]] = {}
        self._oco: dict[str, list[str]] = {}
        self._seq = 0

    # -- queries (tests, tools) ---------------------------------------------------------------------------------

    def order_state(self, order_id: str) -> OrderSnapshot | None:
        """The current state of an order, or None if it was never received."""
        record = self._orders.get(order_id)
        return record.snapshot() if record is not None else None

    def result_for_key(self, idempotency_key: str) -> OrderSnapshot | None:
        """The cached result of an idempotency key: the current state of the order first sent with it."""
        order_id = self._keys.get(idempotency_key)
        return self.order_state(order_id) if order_id is not None else None

    # -- handlers -----------------------------------------------------------------------------------------------

    def on_order(self, order: Order) -> None:
        if order.idempotency_key in self._keys:
            return  # a repeat: the first order's result stands, nothing is emitted or changed
        if order.order_id in self._orders:
            raise ContractError(
                f"Order event {order.event_id}: field order_id: {order.order_id} was already used by another order "
                f"(idempotency key {self._orders[order.order_id].order.idempotency_key!r}); order ids must be unique"
            )
        side = as_enum(Side, order.side)
        order_type = as_enum(OrderType, order.order_type)
        tif = as_enum(TimeInForce, order.time_in_force)
        quantity = order.quantity if is_finite_decimal(order.quantity) else ZERO
        record = OrderRecord(order=order, seq=self._seq, status=S.NEW, quantity=quantity, side=side,
                             order_type=order_type, tif=tif, eligible_after=order.occurred_at)
        self._seq += 1
        self._keys[order.idempotency_key] = order.order_id
        self._orders[order.order_id] = record
        self._emit_update(record, None, "order received")

        parent = self._orders.get(order.parent_order_id) if order.parent_order_id is not None else None
        found = problems(order, side, order_type, tif, self._symbol_known(order.symbol), parent)
        if found:
            self._transition(record, S.REJECTED, "; ".join(found))
            return

        self._accept(record, parent)

    def _accept(self, record: OrderRecord, parent: OrderRecord | None) -> None:
        """Register a valid order as working (or dormant, for a bracket child whose parent has not filled)."""
        order = record.order
        if record.order_type in _STOP_TYPES:
            record.stop = order.stop_price  # a TRAILING_STOP without one gets it from its first working bar's open
        self._working.setdefault(order.symbol, {})[order.order_id] = None
        if order.oco_group_id is not None:
            self._oco.setdefault(order.oco_group_id, []).append(order.order_id)
        if parent is None:
            self._transition(record, S.ACCEPTED, "order accepted")
            return
        self._children.setdefault(parent.order_id, []).append(order.order_id)
        if parent.status is S.FILLED:
            self._transition(record, S.ACCEPTED, f"bracket child accepted; parent order {parent.order_id} is FILLED")
        elif is_terminal(parent.status):
            self._transition(record, S.ACCEPTED, "bracket child accepted")
            self._transition(record, S.CANCELED, f"parent order {parent.order_id} was {parent.status}")
        else:
            record.active = False
            self._transition(record, S.ACCEPTED,
                             f"bracket child accepted; dormant until parent order {parent.order_id} is FILLED")

    def on_cancel_order(self, request: CancelOrder) -> None:
        record = self._orders.get(request.order_id)
        if record is None or is_terminal(record.status):
            return  # unknown or already finished: nothing to cancel, nothing emitted
        self._transition(record, S.CANCELED, f"cancel requested: {request.reason}")

    def on_price_bar(self, bar: PriceBar) -> None:
        self._seen_symbols.add(bar.symbol)
        ids = self._working.get(bar.symbol)
        if not ids:
            return
        records = sorted((self._orders[order_id] for order_id in ids), key=lambda r: r.seq)
        day = bar.occurred_at.astimezone(UTC).date()
        for record in records:
            if (record.tif is TimeInForce.DAY and record.start_date is not None and day > record.start_date
                    and not is_terminal(record.status)):
                self._transition(record, S.EXPIRED, f"DAY order expired: its trading day {record.start_date} "
                                                    f"ended before bar {bar.occurred_at.isoformat()}")
        prices = BarPrices(bar.open, bar.high, bar.low)
        for record in self._processing_order(records):
            if is_terminal(record.status) or not record.active or bar.occurred_at <= record.eligible_after:
                continue
            self._work(record, bar, prices)

    # -- working one order on one bar ---------------------------------------------------------------------------

    def _processing_order(self, records: list[OrderRecord]) -> list[OrderRecord]:
        """Arrival order, except that an OCO group is worked as one block at its first member's place, stop-loss
        first (bracket_role STOP_LOSS, then stop-type orders, then the rest; ties by arrival)."""
        group_first: dict[str, int] = {}
        for record in records:
            group = record.order.oco_group_id
            if group is not None and not is_terminal(record.status):
                group_first.setdefault(group, record.seq)

        def key(record: OrderRecord) -> tuple[int, int, int]:
            group = record.order.oco_group_id
            if group is None or group not in group_first:
                return (record.seq, 0, record.seq)
            if record.order.bracket_role is not None and as_enum(BracketRole, record.order.bracket_role) \
                    is BracketRole.STOP_LOSS:
                rank = 0
            elif record.order_type in _STOP_TYPES:
                rank = 1
            else:
                rank = 2
            return (group_first[group], rank, record.seq)

        return sorted(records, key=key)

    def _work(self, record: OrderRecord, bar: PriceBar, prices: BarPrices) -> None:
        order = record.order
        if TYPE_CHECKING:  # only accepted orders work: problems() rejects one without a valid side or type
            assert record.side is not None and record.order_type is not None
        if not record.started:
            record.started = True
            record.start_date = bar.occurred_at.astimezone(UTC).date()
            if record.order_type is OrderType.TRAILING_STOP and record.stop is None:
                record.stop = self._trail(record, prices.open)
        decision = evaluate(record.order_type, record.side, prices, limit=order.limit_price, stop=record.stop,
                            triggered=record.triggered)
        record.triggered = decision.triggered
        quantity, why_not = self._fill_quantity(record, bar, decision)
        if quantity > 0:
            self._fill(record, bar, decision, quantity)
        if not is_terminal(record.status) and record.tif in (TimeInForce.IOC, TimeInForce.FOK):
            if record.tif is TimeInForce.FOK:
                remaining = plain(record.remaining, signed_zero=True)
                reason = f"FOK: could not fill all {remaining} on its first bar ({why_not}); canceled"
            elif record.filled > 0:
                reason = f"IOC: unfilled remainder {plain(record.remaining, signed_zero=True)} canceled"
            else:
                reason = f"IOC: nothing filled on its first bar ({why_not}); canceled"
            self._transition(record, S.CANCELED, reason)
        if (not is_terminal(record.status) and record.order_type is OrderType.TRAILING_STOP
                and not record.triggered):
            record.extreme = better_extreme(record.side, record.extreme, prices)
            if TYPE_CHECKING:  # a trailing stop's level is set when it starts working
                assert record.stop is not None
            record.stop = ratchet(record.side, record.stop, self._trail(record, record.extreme))

    def _trail(self, record: OrderRecord, extreme: Decimal) -> Decimal:
        order = record.order
        if TYPE_CHECKING:  # only accepted orders work
            assert record.side is not None
        return trailing_level(record.side, extreme, order.trail_amount, order.trail_percent,
                              self.config.price_decimals)

    def _fill_quantity(self, record: OrderRecord, bar: PriceBar, decision: FillDecision) -> tuple[Decimal, str]:
        """How much fills on this bar, and why not more."""
        if decision.price is None:
            return ZERO, decision.reason
        if decision.price <= 0:
            return ZERO, "no positive fill price on this bar"
        remaining = record.remaining
        cap = self._cap(bar.volume)
        if cap is None or cap >= remaining:
            return remaining, ""
        why = f"participation cap {plain(cap, signed_zero=True)} of bar volume {plain(bar.volume, signed_zero=True)}"
        if record.tif is TimeInForce.FOK:
            return ZERO, why
        return cap, why

    def _cap(self, volume: Decimal) -> Decimal | None:
        """floor(participation * volume), in whole units; None without a participation cap."""
        if self.config.participation is None:
            return None
        return quantize(mul(self.config.participation, volume), 0, ROUND_FLOOR)

    def _fill(self, record: OrderRecord, bar: PriceBar, decision: FillDecision, quantity: Decimal) -> None:
        order = record.order
        if TYPE_CHECKING:  # only accepted orders fill, and only at a decided price
            assert record.side is not None and decision.price is not None
        bps = self._slippage.bps(quantity, bar.volume)
        price, slippage = apply_slippage(record.side, decision.price, bps, self.config.price_decimals)
        fee = commission(self.config.commission, quantity, price, first_fill=record.fills == 0)
        record.add_fill(quantity, price)
        remaining = record.remaining
        fields: dict[str, Any] = {
            "fill_id": self.new_id("fill"), "order_id": order.order_id, "intent_id": order.intent_id,
            "strategy_id": order.strategy_id, "symbol": order.symbol, "side": record.side, "quantity": quantity,
            "price": price, "commission": fee, "slippage": slippage, "is_partial": remaining > 0,
        }
        if order.lot_ids:
            fields["lot_ids"] = list(order.lot_ids)
        self.emit(Fill, **fields)
        status = S.FILLED if remaining == 0 else S.PARTIALLY_FILLED
        filled = f"filled {plain(quantity, signed_zero=True)} at {plain(price, signed_zero=True)}"
        self._transition(record, status, f"{decision.reason}; {filled}")
        self._cancel_oco_siblings(record)

    def _cancel_oco_siblings(self, record: OrderRecord) -> None:
        """One-cancels-other: the first fill (even partial) of a group member cancels the other members, except
        the filler's own bracket children."""
        group = record.order.oco_group_id
        if group is None:
            return
        for order_id in self._oco.get(group, ()):
            other = self._orders[order_id]
            if other is record or is_terminal(other.status) or other.order.parent_order_id == record.order_id:
                continue
            self._transition(other, S.CANCELED,
                             f"one-cancels-other: order {record.order_id} of OCO group {group} filled")

    # -- state changes ------------------------------------------------------------------------------------------

    def _transition(self, record: OrderRecord, status: OrderStatus, reason: str) -> None:
        """Move an order through the state machine, emit its OrderUpdate and apply the consequences."""
        check_transition(record.status, status, record.order_id)
        previous, record.status = record.status, status
        self._emit_update(record, previous, reason)
        if not is_terminal(status):
            return
        working = self._working.get(record.order.symbol)
        if working is not None:
            working.pop(record.order_id, None)
        for child_id in self._children.get(record.order_id, ()):
            child = self._orders[child_id]
            if is_terminal(child.status):
                continue
            if status is S.FILLED:
                child.active = True
                child.eligible_after = self.cause.occurred_at  # works from the next bar on
            else:
                self._transition(child, S.CANCELED, f"parent order {record.order_id} was {status}")

    def _emit_update(self, record: OrderRecord, previous: OrderStatus | None, reason: str) -> None:
        order = record.order
        fields: dict[str, Any] = {
            "order_id": order.order_id, "symbol": order.symbol, "status": record.status, "reason": reason,
            "filled_quantity": record.filled, "remaining_quantity": record.remaining,
        }
        if previous is not None:
            fields["previous_status"] = previous
        average = record.average_price
        if average is not None:
            fields["average_fill_price"] = average
        if order.intent_id is not None:
            fields["intent_id"] = order.intent_id
        if order.idempotency_key is not None:
            fields["idempotency_key"] = order.idempotency_key
        self.emit(OrderUpdate, **fields)

    def _symbol_known(self, symbol: str) -> bool:
        if self._known is not None:
            return symbol in self._known
        return symbol in self._seen_symbols
