"""Relative Strength Index with Wilder smoothing (Wilder, 1978), the definition charting tools use.

Convention (n = period):

* bar 1 only records the close (a change needs a prior close), so bars 1..n return None;
* change = close - prev_close; gain = max(change, 0); loss = max(-change, 0) (exact);
* avg_gain/avg_loss are seeded at bar n+1 with the simple mean of the first n gains/losses and
  then follow Wilder: ``INDICATOR_CONTEXT.divide((n-1)*avg + x, n)`` (one rounding each);
* RSI = ``INDICATOR_CONTEXT.divide(100*avg_gain, avg_gain + avg_loss)``, algebraically equal to
  100 - 100/(1 + avg_gain/avg_loss) but rounded once instead of three times;
* when avg_loss == 0, RSI = 100 exactly (this includes a perfectly flat window, where both
  averages are 0: we follow the common "no losses means maximal strength" rule, not 50).
"""

from __future__ import annotations

from decimal import Decimal

from ._context import HUNDRED, INDICATOR_CONTEXT, ZERO, exact_add, exact_mul, exact_sub
from ._smoothing import SeededSmoother
from ._validation import check_input, check_period


class RSI:
    """Wilder RSI on closes, in [0, 100]; O(1) per update."""

    __slots__ = ("_gain", "_loss", "_period", "_prev_close", "_value")

    def __init__(self, period: int) -> None:
        self._period = check_period(period)
        self._gain = SeededSmoother(self._period, 1, self._period)
        self._loss = SeededSmoother(self._period, 1, self._period)
        self.reset()

    def reset(self) -> None:
        """Forget all inputs."""
        self._gain.reset()
        self._loss.reset()
        self._prev_close: Decimal | None = None
        self._value: Decimal | None = None

    @property
    def period(self) -> int:
        return self._period

    @property
    def ready(self) -> bool:
        return self._value is not None

    @property
    def value(self) -> Decimal | None:
        return self._value

    @property
    def avg_gain(self) -> Decimal | None:
        return self._gain.value

    @property
    def avg_loss(self) -> Decimal | None:
        return self._loss.value

    def update(self, close: Decimal) -> Decimal | None:
        """Feed one close; return the RSI, or None for the first ``period`` closes."""
        check_input(close, "close")
        prev, self._prev_close = self._prev_close, close
        if prev is None:
            return None
        gain = exact_sub(close, prev) if close > prev else ZERO
        loss = exact_sub(prev, close) if close < prev else ZERO
        avg_gain = self._gain.update(gain)
        avg_loss = self._loss.update(loss)
        if avg_gain is None or avg_loss is None:
            return None
        if avg_loss == 0:
            self._value = HUNDRED
        else:
            self._value = INDICATOR_CONTEXT.divide(exact_mul(100, avg_gain), exact_add(avg_gain, avg_loss))
        return self._value
