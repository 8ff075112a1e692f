"""Statistics of a series of simple period returns (floats): volatility, Sharpe, Sortino, PSR,
historical VaR / CVaR, and benchmark-relative alpha, beta, tracking error, information ratio.

Conventions follow empyrical (empyrical-reloaded) wherever it has the metric; see docs/metrics.md.
Every function returns a Python float, or None where the metric is undefined — never NaN or inf.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ._common import as_float_array, check_periods_per_year, finite_or_none, safe_pow

Returns = Iterable[Any]


def periodic_risk_free(annual_rate: float, periods_per_year: float = 252) -> float:
    """Per-period rate equivalent to an annual risk-free rate, by compounding:
    ``(1 + annual_rate) ** (1 / periods_per_year) - 1``. Exactly 0.0 for a rate of 0."""
    ppy = check_periods_per_year(periods_per_year)
    rate = float(annual_rate)
    if not math.isfinite(rate) or rate <= -1.0:
        raise ValueError(f"risk_free_rate must be a finite annual rate > -1, got {annual_rate!r}")
    if rate == 0.0:
        return 0.0
    return math.expm1(math.log1p(rate) / ppy)


def _constant(x: np.ndarray) -> bool:
    """True when every value is identical: the sample deviation is then exactly zero (empyrical's
    ``_zero_dispersion_std``), whatever rounding residue ``np.std`` would leave."""
    return bool(x.max() == x.min())


def annual_volatility(returns: Returns, periods_per_year: float = 252) -> float | None:
    """Sample standard deviation (ddof=1) times ``sqrt(periods_per_year)``; None for < 2 returns."""
    ppy = check_periods_per_year(periods_per_year)
    r = as_float_array(returns, "returns")
    if r.size < 2:
        return None
    if _constant(r):
        return 0.0
    return finite_or_none(np.std(r, ddof=1) * math.sqrt(ppy))


def sharpe_ratio(
    returns: Returns, risk_free_rate: float = 0.0, periods_per_year: float = 252
) -> float | None:
    """``mean(r - rf_p) / std(r - rf_p, ddof=1) * sqrt(ppy)`` with ``rf_p = periodic_risk_free(rf)``.

    None for fewer than 2 returns or zero dispersion (e.g. a flat equity curve).
    """
    ppy = check_periods_per_year(periods_per_year)
    rf_p = periodic_risk_free(risk_free_rate, ppy)
    r = as_float_array(returns, "returns")
    if r.size < 2:
        return None
    x = r - rf_p
    if _constant(x):
        return None
    return finite_or_none(np.mean(x) / np.std(x, ddof=1) * math.sqrt(ppy))


def downside_risk(
    returns: Returns, risk_free_rate: float = 0.0, periods_per_year: float = 252
) -> float | None:
    """Annualised downside deviation below the per-period risk-free rate (empyrical convention):
    ``sqrt(mean(min(r - rf_p, 0) ** 2)) * sqrt(ppy)`` — the mean is over *all* periods, ddof=0.
    None for an empty series."""
    ppy = check_periods_per_year(periods_per_year)
    rf_p = periodic_risk_free(risk_free_rate, ppy)
    r = as_float_array(returns, "returns")
    if r.size < 1:
        return None
    d = np.minimum(r - rf_p, 0.0)
    return finite_or_none(math.sqrt(float(np.mean(d * d))) * math.sqrt(ppy))


def sortino_ratio(
    returns: Returns, risk_free_rate: float = 0.0, periods_per_year: float = 252
) -> float | None:
    """``mean(r - rf_p) * ppy / downside_risk`` (empyrical ``sortino_ratio`` with required_return=rf_p).

    None for fewer than 2 returns or a zero downside deviation (no period below rf_p), where
    empyrical would answer +inf or NaN.
    """
    ppy = check_periods_per_year(periods_per_year)
    rf_p = periodic_risk_free(risk_free_rate, ppy)
    r = as_float_array(returns, "returns")
    if r.size < 2:
        return None
    dr = downside_risk(r, risk_free_rate, ppy)
    if not dr:
        return None
    return finite_or_none(float(np.mean(r - rf_p)) * ppy / dr)


def _normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def probabilistic_sharpe_ratio(
    returns: Returns,
    benchmark_sharpe: float = 0.0,
    risk_free_rate: float = 0.0,
    periods_per_year: float = 252,
) -> float | None:
    """Bailey & López de Prado (2012) probability that the true Sharpe exceeds ``benchmark_sharpe``.

    ``PSR = Phi((SR - SR*) * sqrt(n - 1) / sqrt(1 - g3 * SR + (g4 - 1) / 4 * SR ** 2))`` where SR is
    the *per-period* (non-annualised) Sharpe of the excess returns (std ddof=1), SR* is
    ``benchmark_sharpe / sqrt(ppy)`` (the benchmark is given annualised, like ``sharpe_ratio``),
    n the number of returns, g3 the skewness and g4 the (non-excess, normal = 3) kurtosis, both the
    biased moment estimators ``m3 / m2**1.5`` and ``m4 / m2**2`` (scipy's defaults).
    None for < 2 returns, zero dispersion, or a non-positive variance term.
    """
    ppy = check_periods_per_year(periods_per_year)
    rf_p = periodic_risk_free(risk_free_rate, ppy)
    r = as_float_array(returns, "returns")
    n = r.size
    if n < 2:
        return None
    x = r - rf_p
    if _constant(x):
        return None
    sr = float(np.mean(x) / np.std(x, ddof=1))
    dev = x - np.mean(x)
    m2 = float(np.mean(dev**2))
    if m2 <= 0.0:
        return None
    g3 = float(np.mean(dev**3)) / m2**1.5
    g4 = float(np.mean(dev**4)) / m2**2
    var_term = 1.0 - g3 * sr + (g4 - 1.0) / 4.0 * sr * sr
    if not var_term > 0.0:
        return None
    sr_star = float(benchmark_sharpe) / math.sqrt(ppy)
    z = (sr - sr_star) * math.sqrt(n - 1) / math.sqrt(var_term)
    return finite_or_none(_normal_cdf(z))


def _check_cutoff(cutoff: float) -> float:
    c = float(cutoff)
    if not 0.0 < c < 1.0:
        raise ValueError(f"cutoff must be in (0, 1), e.g. 0.05 for 95% VaR; got {cutoff!r}")
    return c


def value_at_risk(returns: Returns, cutoff: float = 0.05) -> float | None:
    """Historical VaR: the ``cutoff`` quantile of the returns with linear interpolation between
    order statistics (``numpy.percentile`` default, as empyrical ``value_at_risk``).
    Reported as a return, so a loss is negative. cutoff 0.05 is "95% VaR". None if empty."""
    c = _check_cutoff(cutoff)
    r = as_float_array(returns, "returns")
    if r.size < 1:
        return None
    return finite_or_none(np.percentile(r, 100 * c))


def conditional_value_at_risk(returns: Returns, cutoff: float = 0.05) -> float | None:
    """Historical CVaR / expected shortfall: mean of the ``k + 1`` lowest returns with
    ``k = int((n - 1) * cutoff)`` (as empyrical ``conditional_value_at_risk``). None if empty."""
    c = _check_cutoff(cutoff)
    r = as_float_array(returns, "returns")
    if r.size < 1:
        return None
    k = int((r.size - 1) * c)
    return finite_or_none(np.mean(np.sort(r)[: k + 1]))


def _pair(returns: Returns, benchmark_returns: Returns) -> tuple[np.ndarray, np.ndarray]:
    r = as_float_array(returns, "returns")
    b = as_float_array(benchmark_returns, "benchmark_returns")
    if r.size != b.size:
        raise ValueError(
            f"returns and benchmark_returns differ in length ({r.size} vs {b.size}); align them first"
        )
    return r, b


def beta(returns: Returns, benchmark_returns: Returns) -> float | None:
    """``cov(r, b) / var(b)`` with population moments (empyrical ``beta``). None for < 2 points or a
    benchmark variance below 1e-30 (empyrical's threshold)."""
    r, b = _pair(returns, benchmark_returns)
    if r.size < 2:
        return None
    b_res = b - np.mean(b)
    var_b = float(np.mean(b_res * b_res))
    if var_b < 1.0e-30:
        return None
    return finite_or_none(float(np.mean(b_res * r)) / var_b)


def alpha_beta(
    returns: Returns,
    benchmark_returns: Returns,
    risk_free_rate: float = 0.0,
    periods_per_year: float = 252,
) -> tuple[float | None, float | None]:
    """``(alpha, beta)`` as empyrical ``alpha_beta`` with ``risk_free = rf_p``:
    ``alpha = (1 + mean((r - rf_p) - beta * (b - rf_p))) ** ppy - 1`` (annualised by compounding).
    Both None when beta is undefined; alpha None if the power is not a finite real."""
    ppy = check_periods_per_year(periods_per_year)
    rf_p = periodic_risk_free(risk_free_rate, ppy)
    r, b = _pair(returns, benchmark_returns)
    bt = beta(r, b)
    if bt is None:
        return None, None
    mean_alpha = float(np.mean((r - rf_p) - bt * (b - rf_p)))
    base = 1.0 + mean_alpha
    a = safe_pow(base, ppy) if base >= 0.0 else None
    return (None if a is None else a - 1.0), bt


def tracking_error(
    returns: Returns, benchmark_returns: Returns, periods_per_year: float = 252
) -> float | None:
    """Annualised tracking error: ``std(r - b, ddof=1) * sqrt(ppy)``; None for < 2 points."""
    ppy = check_periods_per_year(periods_per_year)
    r, b = _pair(returns, benchmark_returns)
    return annual_volatility(r - b, ppy)


def information_ratio(
    returns: Returns, benchmark_returns: Returns, periods_per_year: float = 252
) -> float | None:
    """Annualised information ratio ``mean(r - b) / std(r - b, ddof=1) * sqrt(ppy)``, i.e. empyrical
    ``excess_sharpe`` (which is per period) times ``sqrt(ppy)``. None for < 2 points or zero
    tracking error."""
    ppy = check_periods_per_year(periods_per_year)
    r, b = _pair(returns, benchmark_returns)
    if r.size < 2:
        return None
    active = r - b
    if _constant(active):
        return None
    return finite_or_none(np.mean(active) / np.std(active, ddof=1) * math.sqrt(ppy))
