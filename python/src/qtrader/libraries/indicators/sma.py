"""Simple moving average with an exact window sum, so crossovers can be decided exactly.

Why ``total``: ``value`` is rounded to 28 digits, so two different means can round to the same
``value`` and two equal means computed from different windows must not be told apart by float
noise. Crossover (and any other "is mean A above mean B") logic MUST use ``compare_means``,
which compares ``a.total / a.period`` with ``b.total / b.period`` by exact cross-multiplication.
"""

from __future__ import annotations

from collections import deque
from decimal import Decimal

from ._context import _EXACT as _EXACT_CONTEXT
from ._context import INDICATOR_CONTEXT, ZERO, exact_add, exact_mul, exact_sub
from ._validation import check_input, check_period


class SMA:
    """Mean of the last ``period`` inputs; O(1) per update via a deque and an exact running sum.

    ``value`` = ``INDICATOR_CONTEXT.divide(total, period)`` once ``period`` inputs were seen,
    None before (so ``update`` returns None for exactly ``period - 1`` bars).
    """

    __slots__ = ("_period", "_total", "_value", "_window")

    def __init__(self, period: int) -> None:
        self._period = check_period(period)
        self._window: deque[Decimal] = deque()
        self.reset()

    def reset(self) -> None:
        """Forget all inputs."""
        self._window.clear()
        self._total = ZERO
        self._value: Decimal | None = None

    @property
    def period(self) -> int:
        return self._period

    @property
    def total(self) -> Decimal:
        """Exact sum of the values currently in the window (fewer than ``period`` while warming up)."""
        return self._total

    @property
    def ready(self) -> bool:
        return len(self._window) == self._period

    @property
    def value(self) -> Decimal | None:
        """The mean rounded in INDICATOR_CONTEXT; for display and arithmetic, not for crossovers.

        Divided when first asked after an input, not on every input: crossovers use only the exact totals.
        """
        value = self._value
        if value is None and len(self._window) == self._period:
            value = self._value = INDICATOR_CONTEXT.divide(self._total, self._period)
        return value

    def push(self, x: Decimal) -> None:
        """Add one value (dropping the oldest once full), without dividing: for callers that read ``total``."""
        if type(x) is not Decimal or not x.is_finite():
            check_input(x, "x")  # raises with the reason
        window = self._window
        total = self._total
        if len(window) == self._period:
            total = exact_sub(total, window.popleft())
        window.append(x)
        self._total = exact_add(total, x)
        self._value = None

    def update(self, x: Decimal) -> Decimal | None:
        """Add one value (dropping the oldest once full) and return the mean, or None while warming up."""
        self.push(x)
        return self.value


def compare_means(a: SMA, b: SMA) -> int:
    """Exactly compare the means of two ready SMAs: -1 if a < b, 0 if equal, 1 if a > b.

    Cross-multiplies (``a.total * b.period`` vs ``b.total * a.period``) with no rounding, so a
    tie is a tie and no two different means compare equal. Use this for crossover decisions.
    """
    a_period, b_period = a._period, b._period
    if len(a._window) != a_period or len(b._window) != b_period:
        raise ValueError("compare_means needs two ready SMAs (each has seen at least `period` values)")
    lhs = exact_mul(a._total, b_period)
    rhs = exact_mul(b._total, a_period)
    return (lhs > rhs) - (lhs < rhs)


class MeanCross:
    """Two simple moving averages of one series and the exact sign of their difference: the crossover signal.

    ``update(x)`` returns ``sign(mean of the last fast inputs - mean of the last slow inputs)`` (-1, 0 or 1) once
    both windows are full, None before. It is ``compare_means`` of two SMAs fed the same inputs, in one call:
    one window of max(fast, slow) inputs serves both sums, and the comparison cross-multiplies them, so a tie is
    a tie. O(1) per update (the fast window's oldest input is read inside the window).

    Why integers: every input is held as an exact integer count of 10**-scale (``as_integer_ratio``; a decimal's
    denominator divides a power of ten), so the sums and the comparison are Python int arithmetic, exact by
    nature and a fraction of the cost of exact-context decimal calls. An input with more fraction digits than
    the scale so far rescales the window once (exactly).
    """

    __slots__ = ("_fast", "_slow", "_longest", "_window", "_fast_total", "_slow_total", "_scale", "_units")

    def __init__(self, fast: int, slow: int) -> None:
        self._fast = check_period(fast, "fast")
        self._slow = check_period(slow, "slow")
        self._longest = max(self._fast, self._slow)
        self._window: deque[int] = deque()
        self.reset()

    def reset(self) -> None:
        """Forget all inputs."""
        self._window.clear()
        self._fast_total = 0
        self._slow_total = 0
        self._scale = 0  # window values are integer multiples of 10 ** -scale
        self._units: dict[int, int] = {1: 1}  # denominator -> 10 ** scale // denominator

    @property
    def ready(self) -> bool:
        return len(self._window) == self._longest

    @property
    def fast_total(self) -> Decimal:
        """Exact sum of the last ``fast`` inputs (of fewer while warming up)."""
        return _scaled(self._fast_total, self._scale)

    @property
    def slow_total(self) -> Decimal:
        """Exact sum of the last ``slow`` inputs (of fewer while warming up)."""
        return _scaled(self._slow_total, self._scale)

    def update(self, x: Decimal) -> int | None:
        if type(x) is not Decimal or not x.is_finite():
            check_input(x, "x")  # raises with the reason
        numerator, denominator = x.as_integer_ratio()
        unit = self._units.get(denominator)
        if unit is None:
            unit = self._rescale(denominator)
        value = numerator * unit
        window = self._window
        n = len(window)
        fast, slow = self._fast, self._slow
        fast_total = self._fast_total + value
        slow_total = self._slow_total + value
        if n >= fast:
            fast_total -= window[n - fast]
        if n >= slow:
            slow_total -= window[n - slow]
        if n == self._longest:
            window.popleft()
        else:
            n += 1
        window.append(value)
        self._fast_total, self._slow_total = fast_total, slow_total
        if n < self._longest:
            return None
        lhs = fast_total * slow
        rhs = slow_total * fast
        return (lhs > rhs) - (lhs < rhs)

    def _rescale(self, denominator: int) -> int:
        """Grow the scale until 10 ** scale is a multiple of ``denominator`` (a product of 2s and 5s); rescale the
        window and the sums exactly; return the denominator's unit."""
        scale = self._scale
        while (10 ** scale) % denominator:
            scale += 1
        if scale != self._scale:
            factor = 10 ** (scale - self._scale)
            self._window = deque(v * factor for v in self._window)
            self._fast_total *= factor
            self._slow_total *= factor
            self._scale = scale
            self._units = {}
        unit: int  # scale >= 0: an int power of ten
        unit = self._units[denominator] = 10 ** scale // denominator
        return unit


def _scaled(units: int, scale: int) -> Decimal:
    """units * 10 ** -scale as an exact Decimal."""
    return Decimal(units).scaleb(-scale, _EXACT_CONTEXT)
