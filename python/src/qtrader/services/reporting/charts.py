"""Plotly figure specs (plain dicts, rendered in the page by the inlined plotly.js) and the numbers behind them.

Figures are built as JSON-ready dicts rather than through plotly's Python objects: cheaper, and the page is a
pure function of the data. Long series are decimated (each bucket keeps its first, lowest, highest and last
point, so peaks and troughs survive) and histograms are binned here, so the page stays small for any run.
"""

from __future__ import annotations

import itertools
import math
from array import array
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from qtrader.services.reporting.curve import datetime_of

#: Most points one line chart carries; a run with more bars is decimated for display only.
MAX_POINTS = 4000

_GREEN, _RED, _BLUE, _GREY = "#2ca02c", "#d62728", "#1f77b4", "#7f7f7f"
_NAN = float("nan")  # "no value" in a float series (_num never gives NaN: it gives None for non-finite values)


def _num_or_nan(x: Decimal | float) -> float:
    """A float for the chart, 10 significant digits (display only: exports keep exact decimals); NaN if not
    finite."""
    f = float(x)
    return float(f"{f:.10g}") if math.isfinite(f) else _NAN


def _num(x: Decimal | float | None) -> float | None:
    """``_num_or_nan``, with None for no value (JSON has no NaN)."""
    if x is None:
        return None
    f = _num_or_nan(x)
    return None if f != f else f


def time_labels(times: Sequence[datetime]) -> list[str]:
    """UTC wall-clock text plotly reads as dates; the date alone when every timestamp is midnight."""
    utc = [t.astimezone(UTC) for t in times]
    if all(t.hour == t.minute == t.second == t.microsecond == 0 for t in utc):
        return [t.strftime("%Y-%m-%d") for t in utc]
    return [t.strftime("%Y-%m-%d %H:%M:%S") for t in utc]


def decimate(values: Sequence[float | None], max_points: int = MAX_POINTS) -> list[int]:
    """Indices to plot: all of them when few enough, else per bucket the first, min, max and last point."""
    n = len(values)
    if n <= max_points:
        return list(range(n))
    size = math.ceil(n / (max_points // 4))
    keep: set[int] = set()
    known = cast("Sequence[float]", values)  # read only at the indices in ``present``, where it is not None
    for start in range(0, n, size):
        idx = range(start, min(start + size, n))
        present = [i for i in idx if values[i] is not None]
        keep.update((idx[0], idx[-1]))
        if present:
            keep.add(min(present, key=lambda i: known[i]))
            keep.add(max(present, key=lambda i: known[i]))
    return sorted(keep)


def decimate_array(values: np.ndarray, max_points: int = MAX_POINTS) -> list[int]:
    """``decimate`` of a float array without NaN (the same indices, computed per bucket by numpy)."""
    n = len(values)
    if n <= max_points:
        return list(range(n))
    if np.isnan(values).any():
        return decimate([None if v != v else v for v in values.tolist()], max_points)
    size = math.ceil(n / (max_points // 4))
    keep: set[int] = set()
    for start in range(0, n, size):
        end = min(start + size, n)
        bucket = values[start:end]
        # argmin / argmax take the first of equal values, as min / max over the indices do
        keep.update((start, end - 1, start + int(bucket.argmin()), start + int(bucket.argmax())))
    return sorted(keep)


class CurveSeries:
    """The curve as the page draws it, gathered piece by piece: per point the equity and the drawdown (in
    percent) as display floats (``_num``), the benchmark's buy-and-hold value (NaN where there is none), the
    period returns and a way to get the timestamps of the few points a chart keeps."""

    def __init__(self) -> None:
        self.n = 0
        self._equity = array("d")
        self._drawdown = array("d")
        self._bench = array("d")
        self.has_benchmark = False
        self.returns: np.ndarray = np.zeros(0, dtype=np.float64)
        self.month_table: dict[int, dict[int | str, float | None]] = {}
        self._times: list[datetime] | None = []
        self._micros = array("q")
        self._gross: list[np.ndarray] = []
        self._net: list[np.ndarray] = []
        self.positions = bytearray()  # open positions per point (see rows.state_point)
        #: Filled at the end of the gathering (tearsheet.py reads them): the benchmark's return per period (NaN
        #: where it has none), the worst drawdown episodes, the benchmark's own curve statistics.
        self.benchmark_returns: np.ndarray | None = None
        self.worst_drawdowns: list[Any] = []
        self.benchmark_stats: Any = None

    def add(self, equity: Sequence[Decimal], drawdown: Sequence[Decimal],
            times: Sequence[datetime] | None = None, micros: array[int] | None = None,
            gross: Sequence[str] | None = None, net: Sequence[str] | None = None,
            positions: bytes | None = None) -> None:
        """The next points: equity and drawdown decimals, and their times (datetimes, or UTC micro stamps); the
        gross and net exposure (decimal texts) and the open positions, when known."""
        if gross is not None and net is not None:
            self._gross.append(np.array(gross, dtype=np.float64))
            self._net.append(np.array(net, dtype=np.float64))
        if positions is not None:
            self.positions += positions
        self._equity.extend([_num_or_nan(v) for v in equity])
        self._drawdown.extend([_num_or_nan(float(v) * 100) for v in drawdown])
        self._bench.extend([_NAN] * len(equity))
        if micros is not None:
            self._times = None
            self._micros.extend(micros)
        else:
            if TYPE_CHECKING:  # without micros the times come as datetimes, and the series was never switched to micros
                assert self._times is not None and times is not None
            self._times.extend(times)
        self.n += len(equity)

    def set_benchmark(self, index: int, value: Decimal | None) -> None:
        """The benchmark's value at point ``index`` (None: none there)."""
        if value is not None:
            self.has_benchmark = True
            self._bench[index] = _num_or_nan(value)

    def times_at(self, indices: Sequence[int]) -> list[datetime]:
        if self._times is not None:
            return [self._times[i] for i in indices]
        return [datetime_of(self._micros[i]) for i in indices]

    def equity(self) -> np.ndarray:
        return np.frombuffer(self._equity, dtype=np.float64)

    def drawdown(self) -> np.ndarray:
        return np.frombuffer(self._drawdown, dtype=np.float64)

    def benchmark(self) -> np.ndarray:
        return np.frombuffer(self._bench, dtype=np.float64)

    def exposures(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(gross, net) exposure per point, None when not gathered."""
        if not self._gross:
            return None
        return np.concatenate(self._gross), np.concatenate(self._net)


def _floats(values: np.ndarray, idx: list[int]) -> list[float | None]:
    return [None if v != v else v for v in values[idx].tolist()]


def equity_figure(series: CurveSeries, benchmark_label: str | None) -> dict[str, Any]:
    """The equity curve, and the benchmark's buy-and-hold value from the same starting equity."""
    eq = series.equity()
    idx = decimate_array(eq)
    labels = time_labels(series.times_at(idx))
    data: list[dict[str, Any]] = [{
        "type": "scatter", "mode": "lines", "name": "Strategy equity", "x": labels, "y": _floats(eq, idx),
        "line": {"color": _BLUE, "width": 2},
    }]
    if series.has_benchmark:
        data.append({
            "type": "scatter", "mode": "lines", "name": f"Benchmark: {benchmark_label} (buy and hold)",
            "x": labels, "y": _floats(series.benchmark(), idx), "connectgaps": True,
            "line": {"color": _GREY, "width": 1.5, "dash": "dot"},
        })
    return {"data": data, "layout": _layout("Equity", "Equity", xaxis={"type": "date"})}


def drawdown_figure(series: CurveSeries) -> dict[str, Any]:
    """The underwater chart: drawdown from the running peak, in percent."""
    dd = series.drawdown()
    idx = decimate_array(dd)
    data = [{
        "type": "scatter", "mode": "lines", "name": "Drawdown", "x": time_labels(series.times_at(idx)),
        "y": _floats(dd, idx), "fill": "tozeroy", "line": {"color": _RED, "width": 1},
        "fillcolor": "rgba(214,39,40,0.3)",
    }]
    return {"data": data, "layout": _layout("Underwater (drawdown)", "Drawdown (%)", xaxis={"type": "date"},
                                            showlegend=False)}


def _layout(title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    layout = {
        "title": {"text": title, "x": 0.01, "xanchor": "left"},
        "height": 380,
        "margin": {"l": 70, "r": 20, "t": 50, "b": 50},
        "hovermode": "x unified",
        "yaxis": {"title": {"text": y_title}, "automargin": True},
        "legend": {"orientation": "h", "x": 0, "y": 1.12},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#fafafa",
    }
    layout.update(extra)
    return layout


def histogram_bins(values: Sequence[float] | np.ndarray, max_bins: int = 50) -> tuple[list[float], list[float], list[int]]:
    """(bin centers, bin widths, counts); a single distinct value gets one narrow bin around it."""
    arr = np.asarray(values, dtype=np.float64)
    lo, hi = float(arr.min()), float(arr.max())
    if lo == hi:
        half = max(abs(lo) * 0.01, 1e-9)
        return [lo], [2 * half], [len(arr)]
    bins = int(min(max_bins, max(5, math.ceil(math.sqrt(len(arr))))))
    counts, edges = np.histogram(arr, bins=bins, range=(lo, hi))
    centers = [float((a + b) / 2) for a, b in itertools.pairwise(edges)]
    widths = [float(b - a) for a, b in itertools.pairwise(edges)]
    return centers, widths, [int(c) for c in counts]


def histogram_figure(values: Sequence[float] | np.ndarray, title: str, x_title: str, y_title: str) -> dict[str, Any]:
    """A bar per bin; bins left of zero red, right of zero green."""
    centers, widths, counts = histogram_bins(values)
    colors = [_RED if c < 0 else _GREEN for c in centers]
    data = [{
        "type": "bar", "name": title, "x": [_num(c) for c in centers], "y": counts,
        "width": [_num(w) for w in widths], "marker": {"color": colors, "line": {"color": "#ffffff", "width": 0.5}},
        "hovertemplate": "%{x}: %{y}<extra></extra>",
    }]
    return {"data": data, "layout": _layout(title, y_title, xaxis={"title": {"text": x_title}}, showlegend=False,
                                            bargap=0, hovermode="closest")}
