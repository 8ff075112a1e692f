"""Buy on the first bar of each symbol (after warm-up) and hold to the end: the baseline to compare with."""

from __future__ import annotations

from qtrader.contracts.generated.models.data.price_bar_v1 import PriceBar
from qtrader.services.strategy.protocol import StrategyContext


class BuyAndHold:
    def __init__(self) -> None:
        self._bought: set[str] = set()

    def on_bar(self, bar: PriceBar, ctx: StrategyContext) -> None:
        if bar.symbol not in self._bought and not ctx.warming_up:
            self._bought.add(bar.symbol)
            ctx.emit_signal("OPEN_LONG")
