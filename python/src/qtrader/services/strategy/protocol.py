"""The Strategy protocol a user implements, and the context it acts through.

A strategy only sees bars and only speaks through ``ctx.emit_signal``: it cannot place orders, size positions or
read the portfolio. The manager turns its signals into orders (or rejections) under the risk policy.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol, runtime_checkable

from qtrader.contracts.generated.models.data.price_bar_v1 import PriceBar


@runtime_checkable
class Strategy(Protocol):
    """Implement ``on_bar``; ``__init__`` receives the ``params`` mapping of the config as keyword arguments."""

    def on_bar(self, bar: PriceBar, ctx: "StrategyContext") -> None: ...


class StrategyContext:
    """What a strategy may do and know while handling a bar."""

    __slots__ = ("strategy_id", "params", "warming_up", "_emit", "_bar", "signals_suppressed")

    def __init__(self, strategy_id: str, params: Mapping[str, Any], emit: Callable[..., None]) -> None:
        self.strategy_id = strategy_id
        self.params = params
        self.warming_up = False
        self.signals_suppressed = 0
        self._emit = emit
        self._bar: PriceBar | None = None

    def emit_signal(self, intention: str, *, symbol: str | None = None, price: Decimal | None = None,
                    confidence: Decimal = Decimal(1), **optional: Any) -> None:
        """Say what you want to do; the manager decides how much (or whether) to trade.

        ``intention``: OPEN_LONG, CLOSE_LONG, OPEN_SHORT or CLOSE_SHORT. ``symbol`` and ``price`` default to the
        current bar's symbol and close. ``optional``: stop_loss, take_profit, target_quantity, target_weight,
        entry_type, limit_price, stop_price, time_in_force, lot_ids (see the Signal contract).
        During warm-up bars signals are not sent (they are counted in ``signals_suppressed``).
        """
        if self.warming_up:
            self.signals_suppressed += 1
            return
        bar = self._bar
        if TYPE_CHECKING:
            assert bar is not None  # the service sets the bar before it calls on_bar
        self._emit(self.strategy_id, symbol or bar.symbol, intention, bar.close if price is None else price,
                   confidence, optional)
