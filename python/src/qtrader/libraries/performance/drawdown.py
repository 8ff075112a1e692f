"""The one drawdown rule of QTrader: the running peak, when a drawdown exists, and its episodes.

Every drawdown figure is derived here: the curve statistics (``CurveStats``), the report's drawdown column and
worst-drawdowns table, and the peak equity the portfolio puts in every PortfolioState (which the manager's
drawdown throttle reads). The rule, also written in docs/metrics.md (Drawdowns):

* **Peak.** The running maximum of the equity seen so far, optionally starting from a seed (the portfolio starts
  from its initial cash). A point whose equity is ``>=`` the peak is *at* the peak: equal equity counts as a new
  peak, so an episode's peak is the *last* point at the high before the fall.
* **Drawdown.** Exists only below a *positive* peak: ``peak > 0 and equity < peak``. Its depth is
  ``equity / peak - 1`` (negative). A non-positive peak has no drawdown (there is nothing to fall from).
* **Episode.** Starts at the first point below the peak (its peak point is the last point at the peak before
  it); its trough is its lowest equity (the earliest, on ties); it *recovers* at the first later point with
  equity ``>=`` the peak (that point is also the next peak). One still open when the curve ends is *not
  recovered*, and its duration runs to the last point.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Any

from ._common import DEC, ZERO, elapsed_days


def next_peak(peak: Decimal | None, equity: Decimal) -> Decimal:
    """The running peak after a point. At equal equity the point is at the peak but the value is unchanged: the
    earlier Decimal is kept, so the peak's text (``100000`` vs ``100000.00``) does not flip with the latest state."""
    return equity if peak is None or equity > peak else peak


def in_drawdown(equity: Decimal, peak: Decimal | None) -> bool:
    """Whether ``equity`` is in a drawdown from ``peak``: below it, and the peak is positive."""
    return peak is not None and peak > ZERO and equity < peak


def depth(equity: Decimal, peak: Decimal, ctx: Context = DEC) -> Decimal:
    """``equity / peak - 1`` in ``ctx`` (call only when :func:`in_drawdown`)."""
    return ctx.subtract(ctx.divide(equity, peak), 1)


def depths(values: Sequence[Decimal], peak: Decimal | None, ctx: Context = DEC
           ) -> tuple[list[Decimal | None], Decimal | None]:
    """The depth of each point below the running peak (None where there is no drawdown), and the peak after them:
    :func:`next_peak`, :func:`in_drawdown` and :func:`depth` over a piece of a curve, in one loop."""
    out: list[Decimal | None] = []
    append = out.append
    divide, subtract = ctx.divide, ctx.subtract
    for e in values:
        if peak is None or e > peak:
            peak = e
        append(subtract(divide(e, peak), 1) if peak > ZERO and e < peak else None)
    return out, peak


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


#: An episode as the tracker keeps it: (depth, (peak index, (peak time, peak equity), (trough index, trough time,
#: trough equity), (recovery index, recovery time) or None)).
Found = tuple[Decimal, tuple[Any, ...]]


class DrawdownTracker:
    """The rule above, walked point by point over a curve given in pieces (``add``).

    ``keep`` says which episodes are kept whole: ``0`` none (only their count, the sum of their depths and the
    deepest), ``None`` every one, ``N > 0`` the N deepest (ties: the earliest). A figure may be read at any time;
    an episode still open is then counted as not recovered without being closed.
    """

    def __init__(self, peak: Decimal | None = None, keep: int | None = 0) -> None:
        if keep is not None and keep < 0:
            raise ValueError(f"keep must be None or >= 0, got {keep}")
        self.peak = peak
        self.n = 0
        self.last_time: Any = None
        self._keep = keep
        self._count = 0
        self._depth_sum = ZERO
        self._best: Found | None = None  # the deepest (ties: the earliest)
        self._kept: list[Any] = []  # every episode (keep None) or a heap of the N deepest (keep N)
        self._peak_at: tuple[int, Any] = (0, None)  # (index, time) of the last point at the peak
        self._trough: tuple[int, Any, Decimal] | None = None  # set while in a drawdown
        self._depth = ZERO

    def update(self, equity: Decimal) -> Decimal:
        """One point, the peak only (no episodes): the new running peak."""
        self.peak = peak = next_peak(self.peak, equity)
        self.n += 1
        return peak

    def add(self, times: Sequence[Any], values: Sequence[Decimal]) -> None:
        """The next points of the curve (Decimal equity, in time order): peaks, episodes, troughs."""
        i = self.n
        peak = self.peak
        trough = self._trough
        divide, subtract = DEC.divide, DEC.subtract  # depth(), inlined: this runs once per point of a long curve
        for t, e in zip(times, values):
            if peak is None or e >= peak:
                if trough is not None:
                    self.peak, self._trough = peak, trough
                    self._close((i, t))
                    trough = None
                peak = e
                self._peak_at = (i, t)
            elif peak > ZERO:
                d = subtract(divide(e, peak), 1)
                if trough is None or d < self._depth:  # strict: the earliest of equal troughs is kept
                    trough, self._depth = (i, t, e), d
            i += 1
        self._trough = trough
        self.peak = peak
        self.n = i
        if times:
            self.last_time = times[-1]

    def _open(self) -> Found | None:
        if self._trough is None:
            return None
        return (self._depth, (self._peak_at[0], (self._peak_at[1], self.peak), self._trough, None))

    def _close(self, recovery: tuple[int, Any]) -> None:
        found = self._open()
        assert found is not None
        found = (found[0], (*found[1][:3], recovery))
        self._trough = None
        self._count += 1
        self._depth_sum = DEC.add(self._depth_sum, found[0])
        if self._best is None or found[0] < self._best[0]:
            self._best = found
        if self._keep is None:
            self._kept.append(found)
        elif self._keep:
            item = (-found[0], -found[1][0], found)  # the shallowest (then the latest) on top, evicted first
            if len(self._kept) < self._keep:
                heapq.heappush(self._kept, item)
            else:
                heapq.heappushpop(self._kept, item)

    def episode(self, found: Found) -> DrawdownEpisode:
        """The DrawdownEpisode of a kept (or open) episode."""
        d, (peak_i, (peak_t, peak_e), (trough_i, trough_t, trough_e), recovery) = found
        end_i, end_t = (self.n - 1, self.last_time) if recovery is None else recovery
        return DrawdownEpisode(
            depth=float(d),
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

    def count(self) -> int:
        """Episodes so far, an open one included."""
        return self._count + (self._trough is not None)

    def depth_sum(self) -> Decimal:
        """Sum of the depths of the episodes so far, an open one included."""
        return self._depth_sum if self._trough is None else DEC.add(self._depth_sum, self._depth)

    def deepest(self) -> DrawdownEpisode | None:
        """The deepest episode so far (ties: the earliest), an open one included; None if there is none."""
        best, found = self._best, self._open()
        if found is not None and (best is None or found[0] < best[0]):
            best = found
        return None if best is None else self.episode(best)

    def episodes(self) -> list[DrawdownEpisode]:
        """The kept episodes in time order, an open one included (if ``keep`` N: it competes for the N)."""
        found = self._open()
        if self._keep is None:
            kept = [*self._kept, found] if found is not None else list(self._kept)
            return [self.episode(f) for f in kept]
        items = [item[2] for item in self._kept]
        if found is not None and self._keep:
            items.append(found)
            items = sorted(items, key=lambda f: (f[0], f[1][0]))[: self._keep]
        return [self.episode(f) for f in sorted(items, key=lambda f: f[1][0])]

    def worst(self, count: int) -> list[DrawdownEpisode]:
        """The ``count`` deepest kept episodes, deepest first (ties: the earliest first)."""
        return sorted(self.episodes(), key=lambda e: (e.depth, e.peak_index))[:count]
