"""ManagerService: the only place where signals become orders.

It sizes each signal from its cached PortfolioState (real equity and positions, never the signal's own
figures), runs every configured limit, and emits an Order (with the bracket's exit orders when the signal has a
stop-loss or take-profit) or a SignalRejected with every reason. Positions it acts on are projected: the
portfolio's position plus what its own working orders still have to fill, so two signals in a row never double
an entry. A signal whose idempotency key was already seen gives nothing.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from qtrader.contracts.generated.models.common.types_v1 import (
    BracketRole,
    Intention,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)
from qtrader.contracts.generated.models.manager.cancel_order_v1 import CancelOrder
from qtrader.contracts.generated.models.manager.order_v1 import Order
from qtrader.contracts.generated.models.data.price_bar_v1 import PriceBar
from qtrader.contracts.generated.models.execution.order_update_v1 import OrderUpdate
from qtrader.contracts.generated.models.manager.signal_rejected_v1 import Reason, RejectionCode, SignalRejected
from qtrader.contracts.generated.models.portfolio.portfolio_state_v1 import PortfolioState
from qtrader.contracts.generated.models.strategy.signal_v1 import Signal
from qtrader.contracts.scalars import timestamp_to_str
from qtrader.contracts.generated.config_models import ManagerConfig
from qtrader.libraries.numbers import MONEY
from qtrader.libraries.risk import PortfolioView, ProposedTrade, Violation, run_checks
from qtrader.services.base import Service, parse_config
from qtrader.services.manager.policy import Policy, limits_mapping, load_policy
from qtrader.services.manager.sizing import ReturnVolatility, size

_TERMINAL = {OrderStatus.FILLED, OrderStatus.CANCELED, OrderStatus.REJECTED, OrderStatus.EXPIRED}
_ZERO = Decimal(0)


class ManagerService(Service):
    name = "manager"
    consumes: tuple[str, ...] = ("PriceBar", "PortfolioState", "Signal", "OrderUpdate")
    emits = ("Order", "CancelOrder", "SignalRejected")

    def reset(self, config: Mapping[str, Any] | None, run_id: str) -> None:
        super().reset(config, run_id)
        settings = parse_config(ManagerConfig, config, "manager")
        self.policy: Policy = load_policy(settings.policy, Path(settings.base_dir or "."))
        self._limits = limits_mapping(self.policy.limits)  # the policy is frozen: its limits, once
        # Bars matter only to volatility sizing; otherwise the PortfolioState's marks are all the manager needs.
        needs_bars = self.policy.sizing.method == "volatility_target"
        self.consumes = type(self).consumes if needs_bars else tuple(t for t in type(self).consumes if t != "PriceBar")
        self._state: PortfolioState | None = None
        # the latest state, until its positions and marks are read into the caches below
        self._unsynced: PortfolioState | None = None
        self._positions: dict[str, Decimal] = {}
        self._prices: dict[str, Decimal] = {}
        self._vol: dict[str, ReturnVolatility] = {}
        self._pending: dict[str, tuple[str, Decimal]] = {}  # order_id -> (symbol, signed remaining quantity)
        self._exits: dict[str, str] = {}  # working bracket exit order_id -> symbol
        self._seen_keys: set[str] = set()

    # -- what the manager knows -------------------------------------------------------------------------------

    def on_price_bar(self, bar: PriceBar) -> None:
        self._sync()
        self._prices[bar.symbol] = bar.close
        if self.policy.sizing.method == "volatility_target":
            vol = self._vol.get(bar.symbol)
            if vol is None:
                vol = self._vol[bar.symbol] = ReturnVolatility(self.policy.sizing.lookback)
            vol.update(bar.close)

    def on_portfolio_state(self, state: PortfolioState) -> None:
        self._state = state
        self._unsynced = state  # read lazily: a state arrives every bar, a signal rarely

    def _sync(self) -> None:
        """Read the latest state's positions and marks into the caches (before anything newer is applied)."""
        state = self._unsynced
        if state is None:
            return
        self._unsynced = None
        self._positions = {p.symbol: p.quantity for p in state.positions}
        for p in state.positions:
            self._prices[p.symbol] = p.market_price

    def on_order_update(self, update: OrderUpdate) -> None:
        if update.order_id in self._exits and update.status in _TERMINAL:
            del self._exits[update.order_id]
        pending = self._pending.get(update.order_id)
        if pending is None:
            return
        if update.status in _TERMINAL:
            del self._pending[update.order_id]
        else:
            symbol, signed = pending
            remaining = update.remaining_quantity if signed > 0 else -update.remaining_quantity
            self._pending[update.order_id] = (symbol, remaining)

    def projected_position(self, symbol: str) -> Decimal:
        self._sync()
        working = sum((q for s, q in self._pending.values() if s == symbol), _ZERO)
        return self._positions.get(symbol, _ZERO) + working

    # -- decisions --------------------------------------------------------------------------------------------

    def on_signal(self, signal: Signal) -> None:
        self._sync()
        key = f"{signal.strategy_id}-{signal.event_id}-{timestamp_to_str(signal.occurred_at)}"
        if key in self._seen_keys:
            return
        self._seen_keys.add(key)
        reasons, side, quantity = self._decide(signal)
        if reasons:
            self.emit(SignalRejected, signal_id=signal.event_id, strategy_id=signal.strategy_id, symbol=signal.symbol,
                      intention=signal.intention,
                      reasons=[Reason.model_construct(code=r.code, message=r.message) for r in reasons])
            return
        if Intention(signal.intention) in (Intention.CLOSE_LONG, Intention.CLOSE_SHORT):
            self._cancel_exits(signal.symbol)
        assert side is not None  # a decision without reasons has a side
        self._send(signal, key, side, quantity)

    def _cancel_exits(self, symbol: str) -> None:
        """Closing a position by signal cancels its bracket's working exits, so they cannot reopen it later."""
        for order_id in sorted(o for o, s in self._exits.items() if s == symbol):
            self.emit(CancelOrder, order_id=order_id, reason="position closed by signal")

    def _decide(self, signal: Signal) -> tuple[list[Violation], Side | None, Decimal]:
        intention, symbol = Intention(signal.intention), signal.symbol
        if self._state is None:
            return [Violation(RejectionCode.NO_PORTFOLIO_STATE,
                              "no PortfolioState received yet: equity and positions are unknown")], None, _ZERO
        position = self.projected_position(symbol)
        if intention in (Intention.CLOSE_LONG, Intention.CLOSE_SHORT):
            long = intention is Intention.CLOSE_LONG
            if (position <= 0) if long else (position >= 0):
                return [Violation(RejectionCode.NO_POSITION,
                                  f"{intention.value}: no {'long' if long else 'short'} position in {symbol} "
                                  f"(position including working orders: {position})")], None, _ZERO
            return [], Side.SELL if long else Side.BUY, abs(position)
        long = intention is Intention.OPEN_LONG
        reasons: list[Violation] = []
        if not long and not self.policy.allow_short:
            reasons.append(Violation(RejectionCode.SHORT_NOT_ALLOWED,
                                     "OPEN_SHORT: the policy does not allow short positions (allow_short)"))
        if long and position < 0 or not long and position > 0:
            reasons.append(Violation(RejectionCode.OPPOSITE_POSITION,
                                     f"{intention.value}: {symbol} position is {position}; "
                                     f"close it first ({'CLOSE_SHORT' if long else 'CLOSE_LONG'})"))
        elif position != 0 and not self.policy.allow_pyramiding:
            reasons.append(Violation(RejectionCode.ALREADY_OPEN,
                                     f"{intention.value}: already holding {position} {symbol} (allow_pyramiding is off)"))
        price = signal.price
        if price <= 0:
            reasons.append(Violation(RejectionCode.BAD_PRICE, f"signal price must be > 0 to size an order, got {price}"))
            return reasons, None, _ZERO
        missing = self._missing_prices(signal)
        if missing:
            reasons.append(Violation(RejectionCode.MISSING_PRICE, missing))
        quantity, source = self._quantity(signal, price)
        if quantity <= 0:
            reasons.append(Violation(RejectionCode.SIZE_ZERO,
                                     f"{source} gives 0 {symbol} at {price} with equity {self._state.equity} "
                                     f"(lot size {self.policy.sizing.lot_size})"))
            return reasons, None, _ZERO
        side = Side.BUY if long else Side.SELL
        view = PortfolioView(equity=self._state.equity, cash=self._state.cash, positions=self._positions,
                             prices=self._prices_for_view(), peak_equity=self._state.peak_equity)
        trade = ProposedTrade(symbol=symbol, side=side.value, quantity=quantity, price=price)
        reasons.extend(run_checks(view, trade, self._limits))
        return reasons, side, quantity

    def _quantity(self, signal: Signal, price: Decimal) -> tuple[Decimal, str]:
        """The quantity, rounded down to whole lots, and what decided it (for the SIZE_ZERO message)."""
        lot = self.policy.sizing.lot_size
        state = self._state
        assert state is not None  # _decide returned earlier without a state
        if signal.target_quantity is not None and self.policy.honor_target_quantity:
            lots = MONEY.divide_int(signal.target_quantity, lot)
            return MONEY.multiply(lots, lot), f"the signal's target_quantity {signal.target_quantity}"
        if signal.target_weight is not None and self.policy.honor_target_quantity:
            budget = MONEY.multiply(state.equity, signal.target_weight)
            lots = MONEY.divide_int(budget, MONEY.multiply(price, lot))
            return MONEY.multiply(max(lots, _ZERO), lot), f"the signal's target_weight {signal.target_weight}"
        vol = self._vol.get(signal.symbol)
        quantity = size(self.policy.sizing, state.equity, price, vol.value if vol else None)
        return quantity, f"the sizing policy ({self.policy.sizing.method})"

    @staticmethod
    def _missing_prices(signal: Signal) -> str:
        """A signal that asks for a priced entry type must give its price (policy defaults use the signal price)."""
        entry = signal.entry_type
        if entry is None:
            return ""
        needs = {"LIMIT": ["limit_price"], "STOP": ["stop_price"], "STOP_LIMIT": ["stop_price", "limit_price"]}
        absent = [name for name in needs.get(OrderType(entry).value, []) if getattr(signal, name) is None]
        if OrderType(entry) is OrderType.TRAILING_STOP:
            return "entry_type TRAILING_STOP is not supported for entries (use it for exits)"
        return f"entry_type {OrderType(entry).value} needs {' and '.join(absent)}" if absent else ""

    def _prices_for_view(self) -> dict[str, Decimal]:
        return {s: self._prices[s] for s, q in self._positions.items() if q != 0 and s in self._prices}

    def _send(self, signal: Signal, key: str, side: Side, quantity: Decimal) -> None:
        intention = Intention(signal.intention)
        order_type = OrderType(signal.entry_type or self.policy.order_type)
        if intention in (Intention.CLOSE_LONG, Intention.CLOSE_SHORT) and signal.entry_type is None:
            order_type = OrderType.MARKET
        entry_id = self.new_id("order")
        fields: dict[str, Any] = dict(
            order_id=entry_id, intent_id=signal.event_id, idempotency_key=key, strategy_id=signal.strategy_id,
            symbol=signal.symbol, side=side, quantity=quantity, order_type=order_type,
            time_in_force=TimeInForce(signal.time_in_force or self.policy.time_in_force),
        )
        if signal.limit_price is not None:
            fields["limit_price"] = signal.limit_price
        elif order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT):
            fields["limit_price"] = signal.price  # the policy's default priced type: at the decision price
        if signal.stop_price is not None:
            fields["stop_price"] = signal.stop_price
        elif order_type in (OrderType.STOP, OrderType.STOP_LIMIT):
            fields["stop_price"] = signal.price
        if signal.lot_ids:
            fields["lot_ids"] = list(signal.lot_ids)
        opening = intention in (Intention.OPEN_LONG, Intention.OPEN_SHORT)
        exits = [(BracketRole.STOP_LOSS, OrderType.STOP, "stop_price", signal.stop_loss),
                 (BracketRole.TAKE_PROFIT, OrderType.LIMIT, "limit_price", signal.take_profit)]
        exits = [e for e in exits if e[3] is not None] if opening else []
        if exits:
            fields["bracket_role"] = BracketRole.ENTRY
        self.emit(Order, **fields)
        signed = quantity if side is Side.BUY else -quantity
        self._pending[entry_id] = (signal.symbol, signed)
        exit_side = Side.SELL if side is Side.BUY else Side.BUY
        group = f"oco-{entry_id}" if len(exits) > 1 else None
        for role, child_type, price_field, price in exits:
            child_id = self.new_id("order")
            child: dict[str, Any] = dict(order_id=child_id, intent_id=signal.event_id, idempotency_key=f"{key}-{role.value}",
                         strategy_id=signal.strategy_id, symbol=signal.symbol, side=exit_side, quantity=quantity,
                         order_type=child_type, time_in_force=TimeInForce.GTC, parent_order_id=entry_id,
                         bracket_role=role, **{price_field: price})
            if group:
                child["oco_group_id"] = group
            self.emit(Order, **child)
            self._exits[child_id] = signal.symbol
