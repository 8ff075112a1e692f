"""Exponential moving average, seeded with the simple mean so its start does not depend on bar 1.

Convention (n = period, alpha = 2/(n+1)):

* bars 1..n-1 return None; bar n returns the seed ``INDICATOR_CONTEXT.divide(sum(x_1..x_n), n)``
  (the SMA of the first n values);
* every later bar returns ``INDICATOR_CONTEXT.divide(2*x + (n-1)*prev, n+1)`` with an exact
  numerator: one rounding per bar, alpha itself is never rounded.

This is pandas ``s.ewm(span=n, adjust=False).mean()`` applied to the series that starts with the
seed at bar n and continues with x_{n+1}, x_{n+2}, ...
"""

from __future__ import annotations

from decimal import Decimal

from ._smoothing import SeededSmoother, Smoothed
from ._validation import check_input, check_period


class EMA(Smoothed):
    """SMA-seeded EMA with alpha = 2/(period+1); O(1) per update."""

    __slots__ = ()

    def __init__(self, period: int) -> None:
        self._period = check_period(period)
        self._smoother = SeededSmoother(self._period, 2, self._period + 1)

    def reset(self) -> None:
        """Forget all inputs."""
        self._smoother.reset()

    def update(self, x: Decimal) -> Decimal | None:
        """Feed one value; return the EMA, or None for the first ``period - 1`` values."""
        return self._smoother.update(check_input(x, "x"))
