"""Average True Range with Wilder smoothing (Wilder, 1978): volatility that sees overnight gaps.

Convention (n = period):

* TR of the first bar = high - low (there is no previous close);
* later TR = max(high - low, |high - prev_close|, |low - prev_close|) (all exact);
* bars 1..n-1 return None; bar n returns the seed = ``INDICATOR_CONTEXT.divide(sum(TR_1..TR_n), n)``;
* later bars return ``INDICATOR_CONTEXT.divide((n-1)*prev + TR, n)`` (one rounding per bar).
"""

from __future__ import annotations

from decimal import Decimal

from ._context import exact_abs, exact_sub
from ._smoothing import SeededSmoother, Smoothed
from ._validation import check_input, check_period


class ATR(Smoothed):
    """Wilder ATR over (high, low, close) bars; O(1) per update."""

    __slots__ = ("_prev_close",)

    def __init__(self, period: int) -> None:
        self._period = check_period(period)
        self._smoother = SeededSmoother(self._period, 1, self._period)
        self.reset()

    def reset(self) -> None:
        """Forget all inputs."""
        self._smoother.reset()
        self._prev_close: Decimal | None = None

    def update(self, high: Decimal, low: Decimal, close: Decimal) -> Decimal | None:
        """Feed one bar; return the ATR, or None for the first ``period - 1`` bars.

        Raises ValueError if high < low (a corrupt bar would silently inflate the ATR).
        """
        check_input(high, "high")
        check_input(low, "low")
        check_input(close, "close")
        if high < low:
            raise ValueError(f"high must be >= low, got high={high} low={low}")
        true_range = exact_sub(high, low)
        prev = self._prev_close
        if prev is not None:
            true_range = max(true_range, exact_abs(exact_sub(high, prev)), exact_abs(exact_sub(low, prev)))
        self._prev_close = close
        return self._smoother.update(true_range)
