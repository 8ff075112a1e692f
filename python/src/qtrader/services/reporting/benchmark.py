"""The benchmark: a price series (closes) aligned on the equity curve's timestamps.

Two sources: the closes of one symbol's PriceBars in the run (matched on the exact timestamp), or a CSV file
with ``date,close`` columns (matched on the UTC date of each equity timestamp). A missing close leaves a gap;
a return is taken only between two consecutive equity points that both have a close (inner join), so each
benchmark return covers the same period as the strategy's return it is paired with.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np

from qtrader.errors import ConfigError, DataError
from qtrader.libraries.performance import CurveStats
from qtrader.libraries.numbers import RATIO

_ZERO = Decimal(0)
_DATE_HEADERS = ("date", "timestamp", "datetime", "time", "")


def read_benchmark_csv(path: Path) -> dict[date, Decimal]:
    """Closes by date from a CSV with a date column (``date``, or an unnamed first column) and a ``close`` one."""
    if not path.is_file():
        raise ConfigError(f"reporting.benchmark.path: file not found: {path}")
    closes: dict[date, Decimal] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise DataError(f"{path}:1: empty benchmark file; expected a header with date and close columns")
        names = [h.strip().lower() for h in header]
        date_col = next((names.index(n) for n in _DATE_HEADERS if n in names), None)
        close_col = names.index("close") if "close" in names else None
        if date_col is None or close_col is None:
            raise DataError(f"{path}:1: benchmark header {header!r} needs a 'date' and a 'close' column")
        for line, row in enumerate(reader, start=2):
            if not row or all(not cell.strip() for cell in row):
                continue
            try:
                day = _parse_day(row[date_col].strip())
                close = Decimal(row[close_col].strip())
            except (IndexError, ValueError, InvalidOperation):
                raise DataError(
                    f"{path}:{line}: expected a date (YYYY-MM-DD) and a decimal close, got {row!r}"
                ) from None
            if not close.is_finite() or close <= 0:
                raise DataError(f"{path}:{line}: close must be a finite number > 0, got {row[close_col]!r}")
            if day in closes:
                raise DataError(f"{path}:{line}: duplicate date {day.isoformat()}; keep one close per date")
            closes[day] = close
    return closes


def _parse_day(text: str) -> date:
    if len(text) == 10:
        return date.fromisoformat(text)
    stamp = datetime.fromisoformat(text)
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC)
    return stamp.date()


def align_levels(
    times: Sequence[datetime],
    by_time: Mapping[datetime, Decimal] | None = None,
    by_date: Mapping[date, Decimal] | None = None,
) -> list[Decimal | None]:
    """The benchmark close at each equity timestamp, or None where there is none."""
    if by_time is not None:
        return [by_time.get(t) for t in times]
    if by_date is not None:
        return [by_date.get(t.astimezone(UTC).date()) for t in times]
    return [None] * len(times)


class BenchmarkWalk:
    """The benchmark along the equity curve, point by point (the curve may come in pieces, a long run's chunks):

    - ``returns``: {point index i: close_i / close_{i-1} - 1} where points i-1 and i both have a close;
    - the buy-and-hold value: the strategy's equity at the first positive close, put in the benchmark; each
      point with a close gets ``equity_0 x close / close_0`` through ``on_value(index, value)``, those before the
      first positive close too (once it is known);
    - ``any_level``: whether any point had a close.
    """

    def __init__(self, on_value: Callable[[int, Decimal], None] | None = None) -> None:
        self.returns: dict[int, float] = {}
        self.any_level = False
        self.n = 0
        self._on_value = on_value
        self._prev: Decimal | None = None
        self._start: tuple[Decimal, Decimal] | None = None  # (first positive close, equity there)
        self._early: list[tuple[int, Decimal]] = []  # closes before it, valued once it is known

    def add(self, levels: Sequence[Decimal | None], equity: Sequence[Decimal]) -> None:
        """The next points: the benchmark close at each (None where there is none) and the strategy's equity."""
        for level, capital in zip(levels, equity):
            i = self.n
            self.n += 1
            prev, self._prev = self._prev, level
            if level is None:
                continue
            self.any_level = True
            if prev is not None and prev > 0:
                self.returns[i] = float(RATIO.subtract(RATIO.divide(level, prev), 1))
            if self._on_value is None:
                continue
            if self._start is None:
                self._early.append((i, level))
                if level <= 0:
                    continue
                self._start = (level, capital)
                points, self._early = self._early, []
            else:
                points = [(i, level)]
            base, start_capital = self._start
            for k, value in points:
                self._on_value(k, RATIO.divide(RATIO.multiply(start_capital, value), base))


def level_returns(times: Sequence[datetime], levels: Sequence[Decimal | None]) -> dict[datetime, float]:
    """{timestamp ending period i: close_i / close_{i-1} - 1} for consecutive points that both have a close."""
    walk = BenchmarkWalk()
    walk.add(levels, [_ZERO] * len(levels))
    return {times[i]: r for i, r in walk.returns.items()}


def scaled_to_equity(levels: Sequence[Decimal | None], equity: Sequence[Decimal]) -> list[Decimal | None]:
    """Buy-and-hold value of the benchmark, starting with the strategy's equity at its first close."""
    values: list[Decimal | None] = [None] * len(levels)
    BenchmarkWalk(values.__setitem__).add(levels, equity)
    return values


class BenchmarkCurve:
    """The benchmark's buy-and-hold value as a curve of its own (one point per equity point with a close, keyed by
    the point's index), gathered a chunk at a time: its statistics stand beside the strategy's in the report."""

    def __init__(self, on_value: Callable[[int, Decimal], None] | None = None) -> None:
        self.stats = CurveStats(keep_times=False)
        self._on_value = on_value
        self._indices: list[int] = []
        self._values: list[Decimal] = []

    def on_value(self, index: int, value: Decimal) -> None:
        """BenchmarkWalk's callback: the value at point ``index`` (in index order)."""
        if self._on_value is not None:
            self._on_value(index, value)
        self._indices.append(index)
        self._values.append(value)

    def flush(self) -> None:
        """Hand the values gathered so far to the statistics (call after each piece of the curve)."""
        if self._indices:
            self.stats.add(self._indices, self._values, validate=False)
            self._indices, self._values = [], []


def returns_by_period(returns: Mapping[int, float], points: int) -> np.ndarray:
    """{point index i: return} as an array over the periods 1..points-1 (element i-1), NaN where there is none."""
    out = np.full(max(points - 1, 0), np.nan)
    if returns:
        index = np.fromiter(returns.keys(), dtype=np.int64, count=len(returns))
        out[index - 1] = np.fromiter(returns.values(), dtype=np.float64, count=len(returns))
    return out
