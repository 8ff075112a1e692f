"""Buy on the first bar of each symbol and hold to the end: the baseline every strategy is compared with."""

from __future__ import annotations

from qtrader.services.strategy.protocol import StrategyContext


class BuyAndHold:
    def __init__(self) -> None:
        self._bought: set[str] = set()

    def on_bar(self, bar, ctx: StrategyContext) -> None:
        if bar.symbol not in self._bought:
            self._bought.add(bar.symbol)
            ctx.emit_signal("OPEN_LONG")
