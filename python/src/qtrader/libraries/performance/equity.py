"""Metrics of the equity curve itself: period returns, total return, CAGR, drawdowns, Calmar.

An equity curve is a sequence of ``(timestamp, equity)`` points in strictly increasing time order.
Timestamps are ``date`` or ``datetime`` (anything ordered works; calendar durations then are None).
Equity is a Decimal (ints and floats are accepted and converted exactly). See docs/metrics.md.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from ._common import DEC, ZERO, check_periods_per_year, elapsed_days, to_decimal

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
    curve = as_equity_curve(equity_curve)
    v = curve.values
    out: list[float] = []
    for prev, cur in itertools.pairwise(v):
        if prev <= ZERO:
            out.append(0.0)
        else:
            out.append(float(DEC.divide(DEC.subtract(cur, prev), prev)))
    return out


def total_return(equity_curve: Iterable[EquityPoint] | EquityCurve) -> float | None:
    """``E_last / E_first - 1``; 0.0 for a single point; None if empty or the first equity is <= 0."""
    curve = as_equity_curve(equity_curve)
    if not curve.values or curve.values[0] <= ZERO:
        return None
    first, last = curve.values[0], curve.values[-1]
    return float(DEC.divide(DEC.subtract(last, first), first))


def cagr(equity_curve: Iterable[EquityPoint] | EquityCurve, periods_per_year: float = 252) -> float | None:
    """Compound annual growth rate ``(E_last / E_first) ** (ppy / n) - 1`` with n = number of returns.

    Time is counted in periods, not calendar days (as empyrical ``annual_return``). None when there
    is no return (fewer than two points), the first equity is <= 0, the final equity is negative
    (no real compound rate) or the result overflows a float. A final equity of exactly 0 gives -1.0.
    """
    ppy = check_periods_per_year(periods_per_year)
    curve = as_equity_curve(equity_curve)
    n = len(curve) - 1
    if n < 1 or curve.values[0] <= ZERO:
        return None
    first, last = curve.values[0], curve.values[-1]
    if last < ZERO:
        return None
    if last == ZERO:
        return -1.0
    # expm1(log1p(.)) keeps full precision near zero, where float(growth) ** x - 1 would cancel.
    tr = float(DEC.divide(DEC.subtract(last, first), first))
    try:
        g = math.expm1(math.log1p(tr) * ppy / n)
    except (OverflowError, ValueError):
        return None
    return g if math.isfinite(g) else None


@dataclass(frozen=True, slots=True)
class DrawdownEpisode:
    """One drawdown: from the last point at the running peak until equity is back at or above it.

    ``depth`` is ``E_trough / E_peak - 1`` (negative). ``recovery_*`` is None when the curve ends
    before equity regains the peak; durations then run to the last point of the curve.
    ``duration_periods`` counts bars from peak to recovery (or to the end); ``duration_days`` is
    the calendar time between the same two points, None if timestamps are not dates.
    """

    depth: float
    peak_index: int
    trough_index: int
    recovery_index: int | None
    peak_time: Any
    trough_time: Any
    recovery_time: Any
    duration_periods: int
    duration_days: float | None
    peak_equity: Decimal
    trough_equity: Decimal

    @property
    def recovered(self) -> bool:
        return self.recovery_index is not None


def _episodes_exact(curve: EquityCurve) -> list[tuple[Decimal, DrawdownEpisode]]:
    values, times = curve.values, curve.times
    if not values or values[0] <= ZERO:
        return []
    last = len(values) - 1
    found: list[tuple[Decimal, DrawdownEpisode]] = []

    def close(peak_i: int, trough_i: int, depth: Decimal, recovery_i: int | None) -> None:
        end_i = last if recovery_i is None else recovery_i
        found.append(
            (
                depth,
                DrawdownEpisode(
                    depth=float(depth),
                    peak_index=peak_i,
                    trough_index=trough_i,
                    recovery_index=recovery_i,
                    peak_time=times[peak_i],
                    trough_time=times[trough_i],
                    recovery_time=None if recovery_i is None else times[recovery_i],
                    duration_periods=end_i - peak_i,
                    duration_days=elapsed_days(times[peak_i], times[end_i]),
                    peak_equity=values[peak_i],
                    trough_equity=values[trough_i],
                ),
            )
        )

    peak_i = 0
    in_dd = False
    trough_i = 0
    depth = ZERO
    for i, e in enumerate(values):
        peak = values[peak_i]
        if e >= peak:
            if in_dd:
                close(peak_i, trough_i, depth, i)
                in_dd = False
            peak_i = i  # the peak is the *last* point at the running maximum
        else:
            dd = DEC.subtract(DEC.divide(e, peak), 1)
            if not in_dd:
                in_dd, trough_i, depth = True, i, dd
            elif dd < depth:  # strict: the earliest of equal troughs is kept
                trough_i, depth = i, dd
    if in_dd:
        close(peak_i, trough_i, depth, None)
    return found


def drawdown_episodes(equity_curve: Iterable[EquityPoint] | EquityCurve) -> list[DrawdownEpisode]:
    """Every drawdown episode in time order; empty if the curve never falls below its running peak
    (or is empty, or starts at equity <= 0, where drawdowns are undefined)."""
    return [ep for _, ep in _episodes_exact(as_equity_curve(equity_curve))]


def drawdown_series(equity_curve: Iterable[EquityPoint] | EquityCurve) -> list[float]:
    """``E_t / max_{s<=t} E_s - 1`` for every point (0.0 at new highs); empty if E_0 <= 0."""
    curve = as_equity_curve(equity_curve)
    if not curve.values or curve.values[0] <= ZERO:
        return []
    out: list[float] = []
    peak = curve.values[0]
    for e in curve.values:
        if e >= peak:
            peak = e
            out.append(0.0)
        else:
            out.append(float(DEC.subtract(DEC.divide(e, peak), 1)))
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
    curve = as_equity_curve(equity_curve)
    if not curve.values or curve.values[0] <= ZERO:
        return None
    eps = _episodes_exact(curve)
    if not eps:
        return MaxDrawdown(0.0, None, None, None, 0, 0.0, None)
    best_depth, best = eps[0]
    for d, ep in eps[1:]:
        if d < best_depth:
            best_depth, best = d, ep
    return MaxDrawdown(
        depth=best.depth,
        peak_time=best.peak_time,
        trough_time=best.trough_time,
        recovery_time=best.recovery_time,
        duration_periods=best.duration_periods,
        duration_days=best.duration_days,
        episode=best,
    )


def average_drawdown(equity_curve: Iterable[EquityPoint] | EquityCurve) -> float | None:
    """Arithmetic mean of the depths of all drawdown episodes (recovered or not).

    0.0 when there is no episode; None when drawdowns are undefined (empty curve, E_0 <= 0).
    """
    curve = as_equity_curve(equity_curve)
    if not curve.values or curve.values[0] <= ZERO:
        return None
    eps = _episodes_exact(curve)
    if not eps:
        return 0.0
    total = ZERO
    for d, _ in eps:
        total = DEC.add(total, d)
    return float(DEC.divide(total, len(eps)))


def calmar_ratio(
    equity_curve: Iterable[EquityPoint] | EquityCurve, periods_per_year: float = 252
) -> float | None:
    """``CAGR / |max drawdown|``; None when CAGR is undefined or there is no drawdown (as empyrical)."""
    curve = as_equity_curve(equity_curve)
    growth = cagr(curve, periods_per_year)
    mdd = max_drawdown(curve)
    if growth is None or mdd is None or mdd.depth >= 0.0:
        return None
    return growth / abs(mdd.depth)


class CurveStats:
    """Everything :func:`~qtrader.libraries.performance.compute_metrics` needs of an equity curve, gathered in one
    pass over the curve given in pieces (``add``), so a long curve never has to be held whole.

    It computes exactly what the list-based functions compute (the same Decimal operations in the same order):
    period returns (a float64 array), total return, CAGR, every drawdown episode (kept as a count, the Decimal sum
    of the depths and the deepest one, not a list), the mean equity. Times are kept only with ``keep_times``
    (needed to match a benchmark given by timestamp); without it, :meth:`return_times` is the period indices
    1..n-1 instead, so a benchmark keyed by index matches the same periods.
    """

    def __init__(self, keep_times: bool = True) -> None:
        self.n = 0
        self.first_time: Any = None
        self.last_time: Any = None
        self.first_value: Decimal | None = None
        self.last_value: Decimal | None = None
        self._total = ZERO
        self._returns: list[np.ndarray] = []
        self._times: list[Any] | None = [] if keep_times else None
        # drawdown episodes (only while the first equity is > 0, as _episodes_exact)
        self._episodes = 0
        self._depth_sum = ZERO
        self._best: tuple[Decimal, tuple] | None = None  # (depth, (peak_i, trough_i, recovery_i, times, values))
        self._peak_i = 0
        self._peak: Any = None  # (time, value) of the running peak: the last point at the running maximum
        self._in_dd = False
        self._trough: tuple[int, Any, Decimal] | None = None
        self._depth = ZERO

    def add(self, times: Sequence[Any], values: Sequence[Any], *, validate: bool = True) -> None:
        """The next points of the curve, in time order (strictly increasing across calls too). ``validate=False``
        skips the checks of :func:`as_equity_curve` for points already known good (Decimal equity, sorted)."""
        if len(times) != len(values):
            raise ValueError(f"times and values differ in length ({len(times)} vs {len(values)})")
        i0 = self.n
        prev_t = self.last_time
        prev_v = self.last_value
        rets: list[float] = []
        track = self.first_value is None or self.first_value > ZERO
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
            if i == 0:
                self.first_time, self.first_value = t, v
                track = v > ZERO
                self._peak = (t, v)
            else:
                rets.append(0.0 if prev_v <= ZERO else float(DEC.divide(DEC.subtract(v, prev_v), prev_v)))
            total = DEC.add(total, v)
            if track:
                self._step(i, t, v)
            prev_t, prev_v = t, v
        self._total = total
        self.n = i0 + len(times)
        if self.n:
            self.last_time, self.last_value = prev_t, prev_v
        if rets:
            self._returns.append(np.asarray(rets, dtype=np.float64))
        if self._times is not None:
            self._times.extend(times)

    def _step(self, i: int, t: Any, e: Decimal) -> None:
        # as _episodes_exact, one point at a time
        peak_t, peak = self._peak
        if e >= peak:
            if self._in_dd:
                self._close(recovery=(i, t))
                self._in_dd = False
            self._peak_i, self._peak = i, (t, e)
        else:
            dd = DEC.subtract(DEC.divide(e, peak), 1)
            if not self._in_dd:
                self._in_dd, self._trough, self._depth = True, (i, t, e), dd
            elif dd < self._depth:  # strict: the earliest of equal troughs is kept
                self._trough, self._depth = (i, t, e), dd

    def _close(self, recovery: tuple[int, Any] | None) -> None:
        depth = self._depth
        self._episodes += 1
        self._depth_sum = DEC.add(self._depth_sum, depth)
        if self._best is None or depth < self._best[0]:  # ties: the earliest episode
            self._best = (depth, (self._peak_i, self._peak, self._trough, recovery))

    def _finish_episodes(self) -> None:
        if self._in_dd:
            self._close(recovery=None)
            self._in_dd = False

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
        if not self.n or self.first_value <= ZERO:
            return None
        first, last = self.first_value, self.last_value
        return float(DEC.divide(DEC.subtract(last, first), first))

    def cagr(self, periods_per_year: float = 252) -> float | None:
        """As :func:`cagr`."""
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
        self._finish_episodes()
        return self._episodes if self.drawdowns_defined else 0

    def max_drawdown(self) -> MaxDrawdown | None:
        """As :func:`max_drawdown`."""
        if not self.drawdowns_defined:
            return None
        self._finish_episodes()
        if self._best is None:
            return MaxDrawdown(0.0, None, None, None, 0, 0.0, None)
        depth, (peak_i, (peak_t, peak_e), (trough_i, trough_t, trough_e), recovery) = self._best
        end_i, end_t = (self.n - 1, self.last_time) if recovery is None else recovery
        episode = DrawdownEpisode(
            depth=float(depth),
            peak_index=peak_i,
            trough_index=trough_i,
            recovery_index=None if recovery is None else recovery[0],
            peak_time=peak_t,
            trough_time=trough_t,
            recovery_time=None if recovery is None else recovery[1],
            duration_periods=end_i - peak_i,
            duration_days=elapsed_days(peak_t, end_t),
            peak_equity=peak_e,
            trough_equity=trough_e,
        )
        return MaxDrawdown(
            depth=episode.depth,
            peak_time=episode.peak_time,
            trough_time=episode.trough_time,
            recovery_time=episode.recovery_time,
            duration_periods=episode.duration_periods,
            duration_days=episode.duration_days,
            episode=episode,
        )

    def average_drawdown(self) -> float | None:
        """As :func:`average_drawdown`."""
        if not self.drawdowns_defined:
            return None
        self._finish_episodes()
        if not self._episodes:
            return 0.0
        return float(DEC.divide(self._depth_sum, self._episodes))

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
    def of(cls, equity_curve: Iterable[EquityPoint] | EquityCurve) -> CurveStats:
        """The stats of a whole curve (validated as :func:`as_equity_curve` does)."""
        curve = as_equity_curve(equity_curve)
        stats = cls()
        stats.add(curve.times, curve.values, validate=False)
        return stats
