"""Metrics of the equity curve itself: period returns, total return, CAGR, drawdowns, Calmar.

An equity curve is a sequence of ``(timestamp, equity)`` points in strictly increasing time order.
Timestamps are ``date`` or ``datetime`` (anything ordered works; calendar durations then are None).
Equity is a Decimal (ints and floats are accepted and converted exactly). See docs/metrics.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from ._common import DEC, ZERO, check_periods_per_year, to_decimal
from .drawdown import DrawdownEpisode, DrawdownTracker, depth, in_drawdown, next_peak

EquityPoint = tuple[Any, Decimal]


@dataclass(frozen=True, slots=True)
class EquityCurve:
    """A validated equity curve: parallel tuples of timestamps and Decimal equity values."""

    times: tuple[Any, ...]
    values: tuple[Decimal, ...]

    def __len__(self) -> int:
        return len(self.values)


def as_equity_curve(points: Iterable[EquityPoint] | EquityCurve) -> EquityCurve:
    """Validate and normalise ``(timestamp, equity)`` points.

    Raises ValueError for a malformed point, a non-finite equity or timestamps that do not strictly
    increase: those are caller bugs, not edge cases. An empty curve is allowed.
    """
    if isinstance(points, EquityCurve):
        return points
    times: list[Any] = []
    values: list[Decimal] = []
    for i, point in enumerate(points):
        try:
            t, v = point
        except (TypeError, ValueError):
            raise ValueError(
                f"equity_curve[{i}]: expected a (timestamp, equity) pair, got {point!r}"
            ) from None
        if times and not times[-1] < t:
            raise ValueError(
                f"equity_curve[{i}]: timestamp {t!r} does not come after {times[-1]!r}; "
                "sort the curve and drop duplicate timestamps"
            )
        times.append(t)
        values.append(to_decimal(v, f"equity_curve[{i}] equity"))
    return EquityCurve(tuple(times), tuple(values))


def period_returns(equity_curve: Iterable[EquityPoint] | EquityCurve) -> list[float]:
    """Simple returns ``r_i = (E_i - E_{i-1}) / E_{i-1}`` for i = 1..n-1, as floats.

    The difference and quotient are taken in Decimal and rounded once to float. A period that starts
    from equity <= 0 (a bust account) has no meaningful return and is recorded as 0.0.
    A curve of n points gives n - 1 returns; return i belongs to timestamp ``times[i]``.
    """
    returns: list[float] = CurveStats.of(equity_curve).returns().tolist()
    return returns


def total_return(equity_curve: Iterable[EquityPoint] | EquityCurve) -> float | None:
    """``E_last / E_first - 1``; 0.0 for a single point; None if empty or the first equity is <= 0."""
    return CurveStats.of(equity_curve).total_return()


def cagr(equity_curve: Iterable[EquityPoint] | EquityCurve, periods_per_year: float = 252) -> float | None:
    """Compound annual growth rate ``(E_last / E_first) ** (ppy / n) - 1`` with n = number of returns.

    Time is counted in periods, not calendar days (as empyrical ``annual_return``). None when there
    is no return (fewer than two points), the first equity is <= 0, the final equity is negative
    (no real compound rate) or the result overflows a float. A final equity of exactly 0 gives -1.0.
    """
    return CurveStats.of(equity_curve).cagr(periods_per_year)


def drawdown_episodes(equity_curve: Iterable[EquityPoint] | EquityCurve) -> list[DrawdownEpisode]:
    """Every drawdown episode in time order; empty if the curve never falls below its running peak
    (or is empty, or starts at equity <= 0, where drawdowns are undefined)."""
    return CurveStats.of(equity_curve, keep_episodes=True).episodes()


def drawdown_series(equity_curve: Iterable[EquityPoint] | EquityCurve) -> list[float]:
    """``E_t / max_{s<=t} E_s - 1`` for every point (0.0 at new highs); empty if E_0 <= 0."""
    curve = as_equity_curve(equity_curve)
    if not curve.values or curve.values[0] <= ZERO:
        return []
    out: list[float] = []
    peak = None
    for e in curve.values:
        peak = next_peak(peak, e)
        out.append(float(depth(e, peak)) if in_drawdown(e, peak) else 0.0)
    return out


@dataclass(frozen=True, slots=True)
class MaxDrawdown:
    """The deepest drawdown. With no drawdown at all: depth 0.0, times None, durations 0."""

    depth: float
    peak_time: Any
    trough_time: Any
    recovery_time: Any
    duration_periods: int
    duration_days: float | None
    episode: DrawdownEpisode | None


def max_drawdown(equity_curve: Iterable[EquityPoint] | EquityCurve) -> MaxDrawdown | None:
    """Deepest peak-to-trough fall, ``min_t(E_t / max_{s<=t} E_s) - 1`` (<= 0, as empyrical).

    Ties go to the earliest episode. None only when undefined: empty curve or first equity <= 0.
    """
    return CurveStats.of(equity_curve).max_drawdown()


def average_drawdown(equity_curve: Iterable[EquityPoint] | EquityCurve) -> float | None:
    """Arithmetic mean of the depths of all drawdown episodes (recovered or not).

    0.0 when there is no episode; None when drawdowns are undefined (empty curve, E_0 <= 0).
    """
    return CurveStats.of(equity_curve).average_drawdown()


def calmar_ratio(
    equity_curve: Iterable[EquityPoint] | EquityCurve, periods_per_year: float = 252
) -> float | None:
    """``CAGR / |max drawdown|``; None when CAGR is undefined or there is no drawdown (as empyrical)."""
    return CurveStats.of(equity_curve).calmar_ratio(periods_per_year)


class CurveStats:
    """Everything :func:`~qtrader.libraries.performance.compute_metrics` needs of an equity curve, gathered in one
    pass over the curve given in pieces (``add``), so a long curve never has to be held whole.

    The list-based functions (``period_returns``, ``max_drawdown``, ...) are this class on a whole curve, so
    there is one implementation of each figure: period returns (a float64 array), total return, CAGR, drawdown
    episodes (a count, the Decimal sum of the depths and the deepest one; the full list only with
    ``keep_episodes``), the mean equity. Times are kept only with ``keep_times`` (needed to match a benchmark
    given by timestamp); without it, :meth:`return_times` is the period indices 1..n-1 instead, so a benchmark
    keyed by index matches the same periods. ``worst=N`` keeps the N deepest drawdown episodes whole (the walk is
    ``DrawdownTracker``'s, drawdown.py). A figure may be read at any time: it describes the curve so far.
    """

    def __init__(self, keep_times: bool = True, keep_episodes: bool = False, worst: int = 0) -> None:
        self.n = 0
        self.first_time: Any = None
        self.last_time: Any = None
        self.first_value: Decimal | None = None
        self.last_value: Decimal | None = None
        self._total = ZERO
        self._returns: list[np.ndarray] = []
        self._times: list[Any] | None = [] if keep_times else None
        # drawdown episodes (the one rule, drawdown.py); defined only while the first equity is > 0
        self._dd = DrawdownTracker(keep=None if keep_episodes else worst)
        self._keep_episodes = keep_episodes

    def add(self, times: Sequence[Any], values: Sequence[Any], *, validate: bool = True) -> None:
        """The next points of the curve, in time order (strictly increasing across calls too). ``validate=False``
        skips the checks of :func:`as_equity_curve` for points already known good (Decimal equity, sorted)."""
        if len(times) != len(values):
            raise ValueError(f"times and values differ in length ({len(times)} vs {len(values)})")
        i0 = self.n
        prev_t = self.last_time
        # read only from the second point on: the last point's value (set by then)
        prev_v: Decimal = ZERO if self.last_value is None else self.last_value
        rets: list[float] = []
        checked: list[Decimal] = []
        total = self._total
        for j, t in enumerate(times):
            i = i0 + j
            v = values[j]
            if validate:
                if i and not prev_t < t:
                    raise ValueError(
                        f"equity_curve[{i}]: timestamp {t!r} does not come after {prev_t!r}; "
                        "sort the curve and drop duplicate timestamps"
                    )
                v = to_decimal(v, f"equity_curve[{i}] equity")
                checked.append(v)
            if i == 0:
                self.first_time, self.first_value = t, v
            else:
                rets.append(0.0 if prev_v <= ZERO else float(DEC.divide(DEC.subtract(v, prev_v), prev_v)))
            total = DEC.add(total, v)
            prev_t, prev_v = t, v
        self._total = total
        self.n = i0 + len(times)
        if self.n:
            self.last_time, self.last_value = prev_t, prev_v
        self._dd.add(times, checked if validate else values)
        if rets:
            self._returns.append(np.asarray(rets, dtype=np.float64))
        if self._times is not None:
            self._times.extend(times)

    @property
    def drawdowns_defined(self) -> bool:
        return self.n > 0 and self.first_value is not None and self.first_value > ZERO

    def returns(self) -> np.ndarray:
        """Period returns, as :func:`period_returns` (n - 1 floats)."""
        if not self._returns:
            return np.zeros(0, dtype=np.float64)
        if len(self._returns) > 1:
            self._returns = [np.concatenate(self._returns)]
        return self._returns[0]

    def return_times(self) -> Sequence[Any]:
        """The timestamp ending each period (or its index, 1..n-1, without ``keep_times``)."""
        if self._times is None:
            return range(1, self.n)
        return self._times[1:]

    def total_return(self) -> float | None:
        """As :func:`total_return`."""
        if TYPE_CHECKING:  # both set by the first point; read only when there is one
            assert self.first_value is not None and self.last_value is not None
        if not self.n or self.first_value <= ZERO:
            return None
        first, last = self.first_value, self.last_value
        return float(DEC.divide(DEC.subtract(last, first), first))

    def cagr(self, periods_per_year: float = 252) -> float | None:
        """As :func:`cagr`."""
        if TYPE_CHECKING:  # both set by the first point; read only when there is one
            assert self.first_value is not None and self.last_value is not None
        ppy = check_periods_per_year(periods_per_year)
        n = self.n - 1
        if n < 1 or self.first_value <= ZERO:
            return None
        first, last = self.first_value, self.last_value
        if last < ZERO:
            return None
        if last == ZERO:
            return -1.0
        tr = float(DEC.divide(DEC.subtract(last, first), first))
        try:
            g = math.expm1(math.log1p(tr) * ppy / n)
        except (OverflowError, ValueError):
            return None
        return g if math.isfinite(g) else None

    def drawdown_count(self) -> int:
        """Number of drawdown episodes (0 where drawdowns are undefined)."""
        return self._dd.count() if self.drawdowns_defined else 0

    def max_drawdown(self) -> MaxDrawdown | None:
        """As :func:`max_drawdown`."""
        if not self.drawdowns_defined:
            return None
        episode = self._dd.deepest()
        if episode is None:
            return MaxDrawdown(0.0, None, None, None, 0, 0.0, None)
        return MaxDrawdown(
            depth=episode.depth,
            peak_time=episode.peak_time,
            trough_time=episode.trough_time,
            recovery_time=episode.recovery_time,
            duration_periods=episode.duration_periods,
            duration_days=episode.duration_days,
            episode=episode,
        )

    def episodes(self) -> list[DrawdownEpisode]:
        """Every drawdown episode in time order (needs ``keep_episodes``); empty where drawdowns are undefined."""
        if not self._keep_episodes:
            raise ValueError("CurveStats(keep_episodes=True) keeps the episodes; this one was made without")
        return self._dd.episodes() if self.drawdowns_defined else []

    def worst_drawdowns(self, count: int) -> list[DrawdownEpisode]:
        """The ``count`` deepest episodes, deepest first (ties: the earliest); needs ``worst >= count`` or
        ``keep_episodes``. Empty where drawdowns are undefined."""
        return self._dd.worst(count) if self.drawdowns_defined else []

    def average_drawdown(self) -> float | None:
        """As :func:`average_drawdown`."""
        if not self.drawdowns_defined:
            return None
        count = self._dd.count()
        if not count:
            return 0.0
        return float(DEC.divide(self._dd.depth_sum(), count))

    def calmar_ratio(self, periods_per_year: float = 252) -> float | None:
        """As :func:`calmar_ratio`."""
        growth = self.cagr(periods_per_year)
        mdd = self.max_drawdown()
        if growth is None or mdd is None or mdd.depth >= 0.0:
            return None
        return growth / abs(mdd.depth)

    def average_equity(self) -> Decimal | None:
        """As ``average_equity``: the mean equity, None for an empty curve."""
        if not self.n:
            return None
        return DEC.divide(self._total, self.n)

    @classmethod
    def of(cls, equity_curve: Iterable[EquityPoint] | EquityCurve, keep_episodes: bool = False) -> CurveStats:
        """The stats of a whole curve (validated as :func:`as_equity_curve` does)."""
        curve = as_equity_curve(equity_curve)
        stats = cls(keep_episodes=keep_episodes)
        stats.add(curve.times, curve.values, validate=False)
        return stats
