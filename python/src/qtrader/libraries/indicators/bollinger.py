"""Bollinger Bands: SMA middle band ± k population standard deviations of the same window.

Why population (ddof=0): Bollinger defines the bands with the standard deviation of the window
itself (the window is the whole population being described, not a sample of a larger one), and
TA-Lib and common charting tools do the same. Note pandas ``rolling().std()`` defaults to ddof=1.

Convention (n = period, S = exact sum, Q = exact sum of squares of the window):

* middle = ``INDICATOR_CONTEXT.divide(S, n)`` (identical to ``SMA(n).value``);
* variance = ``INDICATOR_CONTEXT.divide(n*Q - S*S, n*n)``; the numerator is exact, hence never
  negative (no float cancellation, no sqrt of -1e-17);
* stddev = ``INDICATOR_CONTEXT.sqrt(variance)`` (correctly rounded);
* offset = ``INDICATOR_CONTEXT.multiply(k, stddev)``;
  upper = ``INDICATOR_CONTEXT.add(middle, offset)``; lower = ``INDICATOR_CONTEXT.subtract(middle, offset)``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from decimal import Decimal

from ._context import INDICATOR_CONTEXT, ZERO, exact_add, exact_mul, exact_sub
from ._validation import check_input, check_period, check_positive_decimal


@dataclass(frozen=True, slots=True)
class Bands:
    """One Bollinger reading."""

    middle: Decimal
    upper: Decimal
    lower: Decimal
    stddev: Decimal


class BollingerBands:
    """Bollinger Bands over the last ``period`` values; O(1) per update via running S and Q."""

    __slots__ = ("_k", "_period", "_sum", "_sum_sq", "_value", "_window")

    def __init__(self, period: int, k: Decimal) -> None:
        self._period = check_period(period)
        self._k = check_positive_decimal(k, "k")
        self._window: deque[Decimal] = deque()
        self.reset()

    def reset(self) -> None:
        """Forget all inputs."""
        self._window.clear()
        self._sum = ZERO
        self._sum_sq = ZERO
        self._value: Bands | None = None

    @property
    def period(self) -> int:
        return self._period

    @property
    def k(self) -> Decimal:
        return self._k

    @property
    def ready(self) -> bool:
        return self._value is not None

    @property
    def value(self) -> Bands | None:
        return self._value

    def update(self, x: Decimal) -> Bands | None:
        """Add one value; return the bands, or None for the first ``period - 1`` values."""
        check_input(x, "x")
        if len(self._window) == self._period:
            old = self._window.popleft()
            self._sum = exact_sub(self._sum, old)
            self._sum_sq = exact_sub(self._sum_sq, exact_mul(old, old))
        self._window.append(x)
        self._sum = exact_add(self._sum, x)
        self._sum_sq = exact_add(self._sum_sq, exact_mul(x, x))
        if len(self._window) < self._period:
            return None
        n = self._period
        ctx = INDICATOR_CONTEXT
        middle = ctx.divide(self._sum, n)
        spread = exact_sub(exact_mul(n, self._sum_sq), exact_mul(self._sum, self._sum))
        stddev = ctx.sqrt(ctx.divide(spread, n * n))
        offset = ctx.multiply(self._k, stddev)
        self._value = Bands(
            middle=middle,
            upper=ctx.add(middle, offset),
            lower=ctx.subtract(middle, offset),
            stddev=stddev,
        )
        return self._value
