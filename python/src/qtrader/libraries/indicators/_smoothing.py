"""Seeded exponential smoothing with a rational weight, shared by EMA and Wilder smoothing.

Why one class: EMA (weight 2/(n+1)) and Wilder (weight 1/n) differ only in the weight, so the
seeding and rounding conventions are written, and ported to Go, exactly once.

Convention (n = period, weight a = num/den):

* The first n inputs are summed exactly; after the n-th the value is the seed
  ``INDICATOR_CONTEXT.divide(sum, n)`` (their simple mean).
* Every later input x gives ``INDICATOR_CONTEXT.divide(num*x + (den-num)*prev, den)``: the
  numerator is exact, so each update rounds exactly once (``a`` itself is never rounded).
  This equals ``prev + a*(x - prev)``, i.e. pandas ``ewm(alpha=a, adjust=False)`` run on the
  series whose first element is the seed.
"""

from __future__ import annotations

from decimal import Decimal

from ._context import INDICATOR_CONTEXT, ZERO, exact_add, exact_mul


class SeededSmoother:
    """O(1) seeded smoother; ``update`` returns None until ``period`` inputs were seen."""

    __slots__ = ("_count", "_den", "_keep", "_num", "_period", "_seed_total", "_value")

    def __init__(self, period: int, num: int, den: int) -> None:
        if not 0 < num <= den:
            raise ValueError(f"smoothing weight must be in (0, 1], got {num}/{den}")
        self._period = period
        self._num = num
        self._keep = den - num
        self._den = den
        self.reset()

    def reset(self) -> None:
        """Forget all inputs."""
        self._count = 0
        self._seed_total = ZERO
        self._value: Decimal | None = None

    @property
    def value(self) -> Decimal | None:
        return self._value

    def update(self, x: Decimal) -> Decimal | None:
        """Feed one (already validated) input and return the smoothed value, or None while seeding."""
        if self._value is None:
            self._seed_total = exact_add(self._seed_total, x)
            self._count += 1
            if self._count == self._period:
                self._value = INDICATOR_CONTEXT.divide(self._seed_total, self._period)
            return self._value
        numerator = exact_add(exact_mul(self._num, x), exact_mul(self._keep, self._value))
        self._value = INDICATOR_CONTEXT.divide(numerator, self._den)
        return self._value


class Smoothed:
    """Base of the indicators whose value is a SeededSmoother's (EMA, ATR): period, readiness and value."""

    __slots__ = ("_period", "_smoother")

    _period: int
    _smoother: SeededSmoother

    @property
    def period(self) -> int:
        return self._period

    @property
    def ready(self) -> bool:
        return self._smoother.value is not None

    @property
    def value(self) -> Decimal | None:
        return self._smoother.value
