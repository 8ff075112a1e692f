"""SMA crossover: long (and optionally short) when the fast mean crosses the slow one.

The comparison is exact (``MeanCross`` cross-multiplies the window sums), so a tie is a tie on every machine.
A cross is a change of the sign of fast - slow between the last bar where it was non-zero and now; a bar where
the means are equal belongs to neither side and triggers nothing. The first bar where both means are ready only
records the side: a position is opened on a cross, not because the strategy starts above.

- long_only: cross up -> OPEN_LONG; cross down -> CLOSE_LONG (when long).
- long_short: cross up -> CLOSE_SHORT (when short) then OPEN_LONG; cross down -> CLOSE_LONG (when long) then
  OPEN_SHORT.
"""

from __future__ import annotations

from typing import Literal

from qtrader.contracts.generated.models.data.price_bar_v1 import PriceBar
from qtrader.libraries.indicators import MeanCross
from qtrader.services.strategy.protocol import StrategyContext


class _SymbolState:
    __slots__ = ("cross", "side", "position")

    def __init__(self, fast: int, slow: int) -> None:
        self.cross = MeanCross(fast, slow)
        self.side = 0  # sign of fast - slow at the last bar where it was non-zero
        self.position = 0  # what this strategy asked for: 1 long, -1 short, 0 flat


class SMACrossover:
    def __init__(self, fast: int = 10, slow: int = 30, mode: Literal["long_only", "long_short"] = "long_only") -> None:
        if not (isinstance(fast, int) and isinstance(slow, int) and 1 <= fast < slow):
            raise ValueError(f"SMACrossover needs integer periods 1 <= fast < slow, got fast={fast!r} slow={slow!r}")
        if mode not in ("long_only", "long_short"):
            raise ValueError(f"SMACrossover mode must be long_only or long_short, got {mode!r}")
        self.fast, self.slow, self.mode = fast, slow, mode
        self._states: dict[str, _SymbolState] = {}

    def on_bar(self, bar: PriceBar, ctx: StrategyContext) -> None:
        state = self._states.get(bar.symbol)
        if state is None:
            state = self._states[bar.symbol] = _SymbolState(self.fast, self.slow)
        sign = state.cross.update(bar.close)
        if not sign:  # None while warming up, 0 on a tie
            return
        previous, state.side = state.side, sign
        if previous == 0 or previous == sign or ctx.warming_up:
            return  # warm-up bars track the side but open nothing, so no position is assumed that was never sent
        if sign > 0:
            if state.position < 0:
                ctx.emit_signal("CLOSE_SHORT")
                state.position = 0
            if state.position == 0:
                ctx.emit_signal("OPEN_LONG")
                state.position = 1
        else:
            if state.position > 0:
                ctx.emit_signal("CLOSE_LONG")
                state.position = 0
            if self.mode == "long_short" and state.position == 0:
                ctx.emit_signal("OPEN_SHORT")
                state.position = -1
