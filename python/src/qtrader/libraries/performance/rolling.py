"""Rolling statistics of a return series: Sharpe, volatility and beta over a trailing window (docs/metrics.md).

Value ``k`` of each result belongs to return ``k`` and uses returns ``k - window + 1 .. k``; the first
``window - 1`` values have no full window and are NaN (the report draws nothing there), as pandas' ``rolling``
gives. Each window is computed on its own values (no running sums, so no cancellation error on a long run), in
blocks so memory stays bounded: numpy only, vectorised.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._common import check_periods_per_year
from .returns import periodic_risk_free

#: Windows handled per block (a block holds BLOCK x window floats at a time).
BLOCK = 8192


def _check(returns: np.ndarray, window: int) -> np.ndarray:
    if isinstance(window, bool) or not isinstance(window, int) or window < 2:
        raise ValueError(f"a rolling window must be an int >= 2 periods, got {window!r}")
    r = np.asarray(returns, dtype=np.float64)
    if r.ndim != 1:
        raise ValueError("returns must be one-dimensional")
    return r


def _constant(windows: np.ndarray) -> np.ndarray:
    """Windows whose values are all identical: their deviation is exactly 0 (no rounding residue)."""
    return np.asarray(windows.max(axis=1) == windows.min(axis=1))


def _per_window(columns: list[np.ndarray], window: int, compute: Callable[..., np.ndarray]) -> np.ndarray:
    """``compute`` on every full window of the columns (each an array of shape (windows, window)), a block of
    windows at a time; NaN before the first full window."""
    n = columns[0].size
    out = np.full(n, np.nan)
    if n < window:
        return out
    views = [sliding_window_view(c, window) for c in columns]
    for start in range(0, len(views[0]), BLOCK):
        blocks = [v[start:start + BLOCK] for v in views]
        out[window - 1 + start:window - 1 + start + len(blocks[0])] = compute(*blocks)
    return out


def rolling_volatility(returns: np.ndarray, window: int, periods_per_year: float = 252) -> np.ndarray:
    """``std(window, ddof=1) * sqrt(ppy)`` for every full window; NaN before the first."""
    scale = math.sqrt(check_periods_per_year(periods_per_year))

    def compute(w: np.ndarray) -> np.ndarray:
        std = w.std(axis=1, ddof=1)
        std[_constant(w)] = 0.0
        return np.asarray(std * scale)

    return _per_window([_check(returns, window)], window, compute)


def rolling_sharpe(returns: np.ndarray, window: int, risk_free_rate: float = 0.0,
                   periods_per_year: float = 252) -> np.ndarray:
    """``mean(x) / std(x, ddof=1) * sqrt(ppy)`` of the excess returns ``x = r - rf_p`` in every full window;
    NaN before the first and where the window has no dispersion (all its returns equal: Sharpe undefined)."""
    ppy = check_periods_per_year(periods_per_year)
    rf_p = periodic_risk_free(risk_free_rate, ppy)
    scale = math.sqrt(ppy)

    def compute(w: np.ndarray) -> np.ndarray:
        std = w.std(axis=1, ddof=1)
        std[_constant(w)] = np.nan
        return np.asarray(w.mean(axis=1) / std * scale)

    return _per_window([_check(returns, window) - rf_p], window, compute)


def rolling_beta(returns: np.ndarray, benchmark_returns: np.ndarray, window: int) -> np.ndarray:
    """``cov(r, b) / var(b)`` in every full window (population moments, as :func:`~.returns.beta`); NaN before
    the first window, where a benchmark return is missing (NaN) in the window, and where ``var(b) < 1e-30``."""
    r = _check(returns, window)
    b = _check(benchmark_returns, window)
    if r.size != b.size:
        raise ValueError(f"returns and benchmark_returns differ in length ({r.size} vs {b.size})")

    def compute(wr: np.ndarray, wb: np.ndarray) -> np.ndarray:
        b_res = wb - wb.mean(axis=1, keepdims=True)
        var_b = (b_res * b_res).mean(axis=1)
        cov = (b_res * wr).mean(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(var_b < 1.0e-30, np.nan, cov / np.where(var_b == 0, 1.0, var_b))

    return _per_window([r, b], window, compute)
