"""Tests of qtrader.libraries.performance (definitions: docs/metrics.md).

Three kinds of checks:

* against empyrical (empyrical-reloaded) on the *same* daily returns, to 1e-9 relative, for every
  metric empyrical has. Where the libraries' conventions differ, the test says which one is used;
* hand-worked tiny examples, every figure derived in the comments;
* the edge cases: no trades, flat curve, a single bar, an empty curve, all winners, a drawdown that
  never recovers, a bust account — always a defined, JSON-safe answer.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import empyrical as ep
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from qtrader.libraries import performance as perf
from qtrader.libraries.performance import METRIC_KEYS, Trade, compute_metrics

REL = 1e-9
GOOG = Path(__file__).resolve().parents[2] / "examples" / "data" / "GOOG.csv"
ROWS = 300


def approx(x: float) -> object:
    return pytest.approx(x, rel=REL, abs=0.0)


def days(n: int) -> list[date]:
    return [date(2024, 1, 1) + timedelta(days=i) for i in range(n)]


def curve_of(*values: str | int) -> list[tuple[date, D]]:
    return list(zip(days(len(values)), (D(str(v)) for v in values)))


def assert_json_safe(m: dict) -> None:
    assert tuple(m) == METRIC_KEYS
    json.dumps(m, allow_nan=False)  # raises on NaN / inf / Decimal / datetime
    for k, v in m.items():
        assert v is None or isinstance(v, (bool, int, float, str)), (k, v)
        if isinstance(v, float):
            assert math.isfinite(v), k


# --------------------------------------------------------------------------------------------
# Real data: 100 GOOG shares bought at the first close, held, plus cash; benchmark = the same
# file's open-to-open returns (a different but strongly correlated series).
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def goog() -> SimpleNamespace:
    with GOOG.open(newline="") as fh:
        rows = list(csv.DictReader(fh))[:ROWS]
    dates = [date.fromisoformat(r[""]) for r in rows]
    closes = [D(r["Close"]) for r in rows]
    opens = [D(r["Open"]) for r in rows]
    cash = D(20000) - 100 * closes[0]
    curve = [(d, cash + 100 * c) for d, c in zip(dates, closes)]
    rets = perf.period_returns(curve)
    bench = [float((o1 - o0) / o0) for o0, o1 in itertools.pairwise(opens)]
    return SimpleNamespace(
        curve=curve, dates=dates, r=np.asarray(rets), b=np.asarray(bench), rets=rets, bench=bench
    )


def test_goog_fixture_is_sane(goog):
    assert len(goog.curve) == ROWS and len(goog.rets) == ROWS - 1 == len(goog.bench)
    # period_returns is the plain pct_change of the equity values
    eq = np.array([float(v) for _, v in goog.curve])
    # (ours is computed in Decimal and rounded once, so it can differ from float division in the last bits)
    np.testing.assert_allclose(goog.r, eq[1:] / eq[:-1] - 1, rtol=1e-9, atol=1e-15)


def test_total_return_and_cagr_match_empyrical(goog):
    assert perf.total_return(goog.curve) == approx(ep.cum_returns_final(goog.r))
    assert perf.cagr(goog.curve) == approx(ep.annual_return(goog.r))
    assert perf.cagr(goog.curve) == approx(ep.cagr(goog.r))
    # annualisation is by periods, not calendar time: weekly-style factor
    assert perf.cagr(goog.curve, periods_per_year=52) == approx(ep.annual_return(goog.r, annualization=52))


def test_volatility_matches_empyrical(goog):
    # both: sample std, ddof=1, times sqrt(periods_per_year)
    assert perf.annual_volatility(goog.r) == approx(ep.annual_volatility(goog.r))
    assert perf.annual_volatility(goog.r, 12) == approx(ep.annual_volatility(goog.r, annualization=12))


def test_sharpe_matches_empyrical(goog):
    assert perf.sharpe_ratio(goog.r) == approx(ep.sharpe_ratio(goog.r))
    # Convention: our risk_free_rate is annual and converted per period by compounding;
    # empyrical's risk_free is already per period, so it is given the converted rate.
    rf_p = perf.periodic_risk_free(0.03)
    assert rf_p == approx((1.03) ** (1 / 252) - 1)
    assert perf.sharpe_ratio(goog.r, 0.03) == approx(ep.sharpe_ratio(goog.r, risk_free=rf_p))


def test_sortino_and_downside_risk_match_empyrical(goog):
    # empyrical: downside deviation = sqrt(mean over ALL periods of min(r - MAR, 0)^2) * sqrt(ppy)
    assert perf.downside_risk(goog.r) == approx(ep.downside_risk(goog.r))
    assert perf.sortino_ratio(goog.r) == approx(ep.sortino_ratio(goog.r))
    # MAR = the per-period risk-free rate
    rf_p = perf.periodic_risk_free(0.03)
    assert perf.sortino_ratio(goog.r, 0.03) == approx(ep.sortino_ratio(goog.r, required_return=rf_p))


def test_drawdown_and_calmar_match_empyrical(goog):
    # ours works on the Decimal equity, empyrical on compounded returns: same numbers
    mdd = perf.max_drawdown(goog.curve)
    assert mdd.depth == approx(ep.max_drawdown(goog.r))
    # empyrical's series has one value per return; ours one per point (the first is 0.0)
    ours = perf.drawdown_series(goog.curve)
    assert ours[0] == 0.0
    np.testing.assert_allclose(ours[1:], ep.stats.drawdown_series(goog.r), rtol=REL, atol=1e-15)
    assert perf.calmar_ratio(goog.curve) == approx(ep.calmar_ratio(goog.r))
    # peak / trough agree with the drawdown series
    dd = np.asarray(ours)
    trough = int(np.argmin(dd))
    assert mdd.trough_time == goog.dates[trough]
    eq = [v for _, v in goog.curve]
    assert eq[goog.dates.index(mdd.peak_time)] == max(eq[: trough + 1])


@pytest.mark.parametrize("cutoff", [0.05, 0.01])
def test_var_cvar_match_empyrical(goog, cutoff):
    # VaR: numpy.percentile with linear interpolation; CVaR: mean of the int((n-1)*cutoff)+1 lowest
    assert perf.value_at_risk(goog.r, cutoff) == approx(ep.value_at_risk(goog.r, cutoff))
    assert perf.conditional_value_at_risk(goog.r, cutoff) == approx(
        ep.conditional_value_at_risk(goog.r, cutoff)
    )


@pytest.mark.parametrize("rf", [0.0, 0.03])
def test_alpha_beta_match_empyrical(goog, rf):
    rf_p = perf.periodic_risk_free(rf)
    a, b = perf.alpha_beta(goog.r, goog.b, risk_free_rate=rf)
    ea, eb = ep.alpha_beta(goog.r, goog.b, risk_free=rf_p)
    assert a == approx(ea)
    assert b == approx(eb)
    assert perf.beta(goog.r, goog.b) == approx(ep.beta(goog.r, goog.b))
    assert 0.1 < b < 1.5  # open-to-open vs close-to-close returns of the same stock


def test_tracking_error_and_information_ratio(goog):
    # empyrical has no tracking error; ours is the annual volatility of the active returns
    assert perf.tracking_error(goog.r, goog.b) == approx(ep.annual_volatility(goog.r - goog.b))
    # empyrical's excess_sharpe is the per-period IR; ours is annualised by sqrt(ppy)
    assert perf.information_ratio(goog.r, goog.b) == approx(ep.excess_sharpe(goog.r, goog.b) * math.sqrt(252))


def test_psr_matches_independent_scipy_formula(goog):
    # empyrical has no PSR: check the Bailey & Lopez de Prado formula with scipy's moments
    for r in (goog.r, -goog.r, goog.b):
        sr = r.mean() / r.std(ddof=1)
        g3 = sps.skew(r)  # biased (population) estimator
        g4 = sps.kurtosis(r, fisher=False)  # non-excess kurtosis, normal = 3
        z = sr * math.sqrt(len(r) - 1) / math.sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr**2)
        assert perf.probabilistic_sharpe_ratio(r) == approx(sps.norm.cdf(z))
    # against a non-zero benchmark Sharpe, given annualised like sharpe_ratio
    r = goog.r
    sr, sr_star = r.mean() / r.std(ddof=1), 0.5 / math.sqrt(252)
    g3, g4 = sps.skew(r), sps.kurtosis(r, fisher=False)
    z = (sr - sr_star) * math.sqrt(len(r) - 1) / math.sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr**2)
    assert perf.probabilistic_sharpe_ratio(r, benchmark_sharpe=0.5) == approx(sps.norm.cdf(z))


def test_compute_metrics_on_real_data(goog):
    m = compute_metrics(
        goog.curve,
        [],
        benchmark_returns=goog.bench,
        exposure=[True] * len(goog.rets),
        traded_notional=100 * goog.curve[0][1],
    )
    assert_json_safe(m)
    r, b = goog.r, goog.b
    assert m["periods"] == ROWS - 1 and m["bars"] == ROWS
    assert m["start"] == goog.dates[0].isoformat() and m["end"] == goog.dates[-1].isoformat()
    assert m["total_return"] == approx(ep.cum_returns_final(r))
    assert m["cagr"] == approx(ep.annual_return(r))
    assert m["annual_volatility"] == approx(ep.annual_volatility(r))
    assert m["sharpe_ratio"] == approx(ep.sharpe_ratio(r))
    assert m["sortino_ratio"] == approx(ep.sortino_ratio(r))
    assert m["calmar_ratio"] == approx(ep.calmar_ratio(r))
    assert m["max_drawdown"] == approx(ep.max_drawdown(r))
    assert m["var_95"] == approx(ep.value_at_risk(r, 0.05))
    assert m["cvar_99"] == approx(ep.conditional_value_at_risk(r, 0.01))
    ea, eb = ep.alpha_beta(r, b)
    assert m["alpha"] == approx(ea) and m["beta"] == approx(eb)
    assert m["benchmark_periods"] == ROWS - 1
    assert m["exposure"] == 1.0
    assert 0.0 < m["probabilistic_sharpe_ratio"] < 1.0
    assert m["max_drawdown_peak"] < m["max_drawdown_trough"]
    assert m["drawdown_count"] >= 1 and m["average_drawdown"] >= m["max_drawdown"]


def test_benchmark_by_timestamp_is_an_inner_join(goog):
    # (timestamp, return) pairs are matched on the date that ends each period; missing days drop out
    pairs = [(d, x) for i, (d, x) in enumerate(zip(goog.dates[1:], goog.bench)) if i % 7]
    m = compute_metrics(goog.curve, None, benchmark_returns=pairs)
    keep = [i for i in range(len(goog.bench)) if i % 7]
    r, b = goog.r[keep], goog.b[keep]
    assert m["benchmark_periods"] == len(keep)
    assert m["beta"] == approx(ep.beta(r, b))
    assert m["tracking_error"] == approx(ep.annual_volatility(r - b))
    assert compute_metrics(goog.curve, None, benchmark_returns=dict(pairs))["alpha"] == m["alpha"]


# --------------------------------------------------------------------------------------------
# Hand-worked examples. Main curve: 100 -> 110 -> 99 -> 118.8 with periods_per_year = 3.
#   returns r = [+0.10, -0.10, +0.20]        (110/100-1, 99/110-1, 118.8/99-1)
#   mean = 0.2/3 = 1/15; deviations 1/30, -1/6, 2/15; squares 1/900, 25/900, 16/900 = 42/900
#   sample variance = (42/900)/2 = 7/300;  std = sqrt(7/300)
# --------------------------------------------------------------------------------------------

HAND = curve_of(100, 110, "99", "118.8")
PPY = 3


def test_hand_returns_total_return_cagr():
    assert perf.period_returns(HAND) == [0.1, -0.1, 0.2]
    assert perf.total_return(HAND) == 0.188  # 118.8/100 - 1
    # 3 returns at 3 per year = exactly one year: CAGR = total return
    assert perf.cagr(HAND, PPY) == pytest.approx(0.188, rel=1e-15)
    # at 6 per year it is half a year: 1.188**2 - 1 = 0.411344
    assert perf.cagr(HAND, 6) == pytest.approx(0.411344, rel=1e-14)
    # at 1 per year it is three years: 1.188**(1/3) - 1
    assert perf.cagr(HAND, 1) == pytest.approx(1.188 ** (1 / 3) - 1, rel=1e-14)


def test_hand_volatility_sharpe_sortino():
    r = perf.period_returns(HAND)
    # vol = sqrt(7/300) * sqrt(3) = sqrt(7/100) = 0.264575...
    assert perf.annual_volatility(r, PPY) == pytest.approx(math.sqrt(0.07), rel=1e-14)
    # Sharpe = (1/15) / sqrt(7/300) * sqrt(3) = (1/15) * 30/sqrt(7) = 2/sqrt(7) = 0.755929...
    assert perf.sharpe_ratio(r, 0, PPY) == pytest.approx(2 / math.sqrt(7), rel=1e-14)
    # annual rf 1.01**3 - 1 = 0.030301 -> 0.01 per period; excess [0.09, -0.11, 0.19]:
    # mean 0.17/3, same std -> (0.17/3) * 30/sqrt(7) = 1.7/sqrt(7)
    assert perf.periodic_risk_free(0.030301, PPY) == pytest.approx(0.01, rel=1e-13)
    assert perf.sharpe_ratio(r, 0.030301, PPY) == pytest.approx(1.7 / math.sqrt(7), rel=1e-12)
    # downside: min(r,0)^2 = [0, 0.01, 0], mean 0.01/3; sqrt(0.01/3) * sqrt(3) = 0.1
    assert perf.downside_risk(r, 0, PPY) == pytest.approx(0.1, rel=1e-14)
    # Sortino = mean * ppy / downside = (1/15 * 3) / 0.1 = 0.2 / 0.1 = 2
    assert perf.sortino_ratio(r, 0, PPY) == pytest.approx(2.0, rel=1e-14)


def test_hand_drawdown_calmar():
    mdd = perf.max_drawdown(HAND)
    # peak 110 on day 2, trough 99 on day 3 (99/110 - 1 = -0.1), back to >= 110 on day 4
    assert mdd.depth == -0.1
    assert (mdd.peak_time, mdd.trough_time, mdd.recovery_time) == tuple(days(4)[1:])
    assert mdd.duration_periods == 2 and mdd.duration_days == 2.0
    assert perf.average_drawdown(HAND) == -0.1  # a single episode
    # Calmar = CAGR / |MDD| = 0.188 / 0.1 = 1.88
    assert perf.calmar_ratio(HAND, PPY) == pytest.approx(1.88, rel=1e-14)


def test_hand_average_drawdown_and_unrecovered_episode():
    # 100, 90, 100, 120, 90, 96:
    #   episode 1: peak 100 (day 1), trough 90 (day 2) = -0.10, recovered day 3 (100 >= 100)
    #   episode 2: peak 120 (day 4), trough 90 (day 5) = -0.25, never back to 120
    # average drawdown = (-0.10 - 0.25) / 2 = -0.175
    c = curve_of(100, 90, 100, 120, 90, 96)
    eps = perf.drawdown_episodes(c)
    assert [e.depth for e in eps] == [-0.1, -0.25]
    assert [e.recovered for e in eps] == [True, False]
    assert perf.average_drawdown(c) == pytest.approx(-0.175, rel=1e-15)
    mdd = perf.max_drawdown(c)
    d = days(6)
    assert (mdd.depth, mdd.peak_time, mdd.trough_time, mdd.recovery_time) == (-0.25, d[3], d[4], None)
    # duration runs to the end of the curve: day 4 -> day 6 = 2 periods, 2 days
    assert mdd.duration_periods == 2 and mdd.duration_days == 2.0
    assert perf.drawdown_series(c) == [0.0, -0.1, 0.0, 0.0, -0.25, -0.2]


def test_curve_stats_in_pieces_keeps_the_same_episodes_as_the_whole_curve():
    c = curve_of(100, 90, 100, 120, 90, 96, 130, 70)
    whole = perf.drawdown_episodes(c)
    stats = perf.CurveStats(keep_episodes=True)
    for start in range(0, len(c), 3):
        piece = c[start:start + 3]
        stats.add([t for t, _ in piece], [v for _, v in piece])
    assert stats.episodes() == whole and len(whole) == 3
    assert stats.max_drawdown() == perf.max_drawdown(c)
    with pytest.raises(ValueError, match="keep_episodes"):
        perf.CurveStats().episodes()


def test_curve_stats_read_part_way_then_continued_equals_the_whole_curve():
    # 100, 90, 80 | read | 95, 110: one drawdown (peak day 0, trough day 2, recovered day 4) of -20%
    c = curve_of(100, 90, 80, 95, 110)
    stats = perf.CurveStats(keep_episodes=True)
    stats.add([t for t, _ in c[:3]], [v for _, v in c[:3]])
    assert stats.max_drawdown().depth == pytest.approx(-0.2) and stats.drawdown_count() == 1
    assert [e.recovered for e in stats.episodes()] == [False]
    stats.add([t for t, _ in c[3:]], [v for _, v in c[3:]])
    assert stats.drawdown_count() == 1 and stats.average_drawdown() == pytest.approx(-0.2)
    assert [(e.peak_index, e.trough_index, e.recovery_index) for e in stats.episodes()] == [(0, 2, 4)]
    assert stats.max_drawdown() == perf.max_drawdown(c)


def _naive_episodes(values: list[D]) -> list[tuple[int, int, int | None, Fraction]]:
    """An independent statement of the rule: a drawdown is a maximal run of points below the running maximum;
    its peak is the last point at that maximum before the run, its trough the earliest lowest point of the run,
    its recovery the first point after the run (None at the end), its depth trough / peak - 1, exact."""
    out = []
    peak, i, n = 0, 0, len(values)
    while i < n:
        if values[i] >= values[peak]:
            peak, i = i, i + 1
            continue
        start = i
        while i < n and values[i] < values[peak]:
            i += 1
        trough = min(range(start, i), key=lambda k: (values[k], k))
        out.append((peak, trough, i if i < n else None, Fraction(values[trough]) / Fraction(values[peak]) - 1))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_drawdown_episodes_equal_an_independent_run_by_run_computation(seed: int):
    rng = random.Random(seed)
    values = [D(rng.choice(["100", "100.5", "99", "101", str(rng.randint(50, 150))])) for _ in range(rng.randint(1, 60))]
    c = list(zip(days(len(values)), values))
    naive = _naive_episodes(values)
    eps = perf.drawdown_episodes(c)
    assert [(e.peak_index, e.trough_index, e.recovery_index) for e in eps] == [n[:3] for n in naive]
    assert [e.depth for e in eps] == pytest.approx([float(n[3]) for n in naive], rel=1e-15)
    mdd, avg = perf.max_drawdown(c), perf.average_drawdown(c)
    if not naive:
        assert mdd.depth == 0.0 and avg == 0.0
    else:
        deepest = min(naive, key=lambda n: n[3])  # min keeps the earliest of equal depths
        assert (mdd.episode.peak_index, mdd.episode.trough_index) == deepest[:2]
        assert avg == pytest.approx(float(sum(n[3] for n in naive) / len(naive)), rel=1e-15)


def test_hand_drawdown_peak_is_last_point_at_the_high_and_ties_go_to_earliest():
    # 100, 90, 100, 80, 100, 80: the 2nd episode starts at day 3 (the last time at 100), not day 1;
    # episodes 2 and 3 are both -20%: the earliest is the maximum drawdown
    c = curve_of(100, 90, 100, 80, 100, 80)
    eps = perf.drawdown_episodes(c)
    assert [(e.peak_index, e.trough_index, e.recovery_index) for e in eps] == [
        (0, 1, 2),
        (2, 3, 4),
        (4, 5, None),
    ]
    mdd = perf.max_drawdown(c)
    assert mdd.episode == eps[1] and mdd.recovery_time == days(6)[4]


def test_hand_var_cvar():
    # 21 returns: -0.05, -0.03 and nineteen of +0.01; sorted positions 0..20
    r = [0.01] * 10 + [-0.05] + [0.01] * 9 + [-0.03]
    # 95%: position (21-1)*0.05 = 1 -> sorted[1] = -0.03; CVaR: k = int(1.0) = 1 -> mean(-0.05, -0.03)
    assert perf.value_at_risk(r, 0.05) == pytest.approx(-0.03, rel=1e-14)
    assert perf.conditional_value_at_risk(r, 0.05) == pytest.approx(-0.04, rel=1e-14)
    # 99%: position 0.2 -> -0.05 + 0.2 * (-0.03 - -0.05) = -0.046; CVaR: k = int(0.2) = 0 -> -0.05
    assert perf.value_at_risk(r, 0.01) == pytest.approx(-0.046, rel=1e-13)
    assert perf.conditional_value_at_risk(r, 0.01) == -0.05
    # main hand curve, r = [0.1, -0.1, 0.2]: position 2*0.05 = 0.1 -> -0.1 + 0.1*0.2 = -0.08
    assert perf.value_at_risk([0.1, -0.1, 0.2]) == pytest.approx(-0.08, rel=1e-13)


def test_hand_alpha_beta_tracking_error_information_ratio():
    r = [0.1, -0.1, 0.2]
    b = [0.045, -0.055, 0.095]  # chosen so that r = 2*b + 0.01 exactly
    a, bt = perf.alpha_beta(r, b, 0, PPY)
    # beta = cov(b, 2b + c) / var(b) = 2; alpha = (1 + mean(r - 2b))**3 - 1 = 1.01**3 - 1 = 0.030301
    assert bt == pytest.approx(2.0, rel=1e-12)
    assert a == pytest.approx(0.030301, rel=1e-10)
    # active = r - b = [0.055, -0.045, 0.105]; mean 0.115/3; deviations 1/60, -1/12, 1/15
    # squares (1 + 25 + 16)/3600 = 42/3600; sample var 21/3600 = 7/1200
    # TE = sqrt(7/1200 * 3) = sqrt(7/400) = sqrt(7)/20
    assert perf.tracking_error(r, b, PPY) == pytest.approx(math.sqrt(7) / 20, rel=1e-12)
    # IR = (0.115/3) / sqrt(7/1200) * sqrt(3) = (0.115/3) * 60/sqrt(7) = 2.3/sqrt(7)
    assert perf.information_ratio(r, b, PPY) == pytest.approx(2.3 / math.sqrt(7), rel=1e-12)


def test_hand_probabilistic_sharpe_ratio():
    # r = [0.01, -0.01, 0.02, 0.00]: mean 0.005, deviations .005 -.015 .015 -.005
    # sum sq = 500e-6 -> sample var 500e-6/3; SR^2 = 25e-6 / (500e-6/3) = 0.15
    # m2 = 125e-6; m3 = 0 (symmetric) -> skew 0; m4 = (2*625 + 2*50625)e-12/4 = 25625e-12
    # kurtosis = 25625e-12 / (125e-6)^2 = 1.64
    # variance term = 1 - 0*SR + (1.64 - 1)/4 * 0.15 = 1.024
    # z^2 = SR^2 * (n - 1) / 1.024 = 0.15 * 3 / 1.024 = 0.439453125 -> PSR = Phi(0.66291...) = 0.7463
    r = [0.01, -0.01, 0.02, 0.0]
    phi = 0.5 * (1 + math.erf(math.sqrt(0.439453125) / math.sqrt(2)))
    assert perf.probabilistic_sharpe_ratio(r) == pytest.approx(phi, rel=1e-12)
    assert round(phi, 4) == 0.7463
    # a benchmark equal to the observed Sharpe gives exactly even odds: annualised with ppy=4,
    # SR* = sqrt(0.15) * sqrt(4)
    assert perf.probabilistic_sharpe_ratio(r, 2 * math.sqrt(0.15), 0, 4) == pytest.approx(0.5, rel=1e-12)


def _trade(pnl, day, held, side="long", **kw):
    t0 = datetime(2024, 1, day, 10, 0)
    return Trade("ABC", t0, t0 + timedelta(days=held), D(1), D(10), D(10), D(str(pnl)), side, **kw)


# pnl +30, -10, +20, 0, -20 held 1, 2, 3, 4, 5 days
HAND_TRADES = [
    _trade(30, 1, 1),
    _trade(-10, 2, 2),
    _trade(20, 3, 3),
    _trade(0, 4, 4),
    _trade(-20, 5, 5, "short"),
]


def test_hand_trade_metrics():
    t = HAND_TRADES
    assert perf.win_rate(t) == 0.4  # 2 winners / 5 trades (the break-even counts in the denominator)
    assert perf.gross_profit(t) == D(50) and perf.gross_loss(t) == D(-30)
    pf = perf.profit_factor(t)
    assert pf.value == pytest.approx(5 / 3, rel=1e-15) and pf.infinite is False  # 50 / 30
    assert perf.total_pnl(t) == D(20)
    # expectancy = 0.4 * 25 + 0.4 * (-15) + 0.2 * 0 = 4 = 20 / 5 = average trade
    assert perf.expectancy(t) == D(4) == perf.average_trade_pnl(t)
    assert perf.median_trade_pnl(t) == D(0)  # sorted -20 -10 0 20 30
    assert perf.average_win(t) == D(25) and perf.average_loss(t) == D(-15)
    assert perf.largest_win(t) == D(30) and perf.largest_loss(t) == D(-20)
    assert perf.average_holding_period(t) == timedelta(days=3)  # (1+2+3+4+5)/5


def test_hand_median_even_count():
    # pnl +30, -10, +20, -20 -> sorted -20, -10, 20, 30 -> (-10 + 20) / 2 = 5
    t = [HAND_TRADES[0], HAND_TRADES[1], HAND_TRADES[2], HAND_TRADES[4]]
    assert perf.median_trade_pnl(t) == D(5)


def test_hand_exposure_and_turnover():
    assert perf.exposure([True, False, True, True]) == 0.75
    assert perf.exposure([0, D(10), -5, 0.0]) == 0.5  # non-zero position, either sign
    # average equity (100 + 110 + 99 + 118.8) / 4 = 106.95; traded |100| + |-113.9| = 213.9 -> 2.0
    assert perf.average_equity(HAND) == D("106.95")
    assert perf.turnover([D(100), D("-113.9")], HAND) == 2.0
    assert perf.turnover(D("213.9"), HAND) == 2.0


def test_hand_compute_metrics_agrees_with_the_parts():
    m = compute_metrics(
        HAND,
        HAND_TRADES,
        benchmark_returns=[0.045, -0.055, 0.095],
        periods_per_year=PPY,
        exposure=[True, False, True],
        traded_notional=D("213.9"),
    )
    assert_json_safe(m)
    assert m["initial_equity"] == "100" and m["final_equity"] == "118.8"
    assert m["sharpe_ratio"] == pytest.approx(2 / math.sqrt(7), rel=1e-14)
    assert m["sortino_ratio"] == pytest.approx(2.0, rel=1e-14)
    assert m["max_drawdown"] == -0.1
    assert (m["max_drawdown_peak"], m["max_drawdown_trough"], m["max_drawdown_recovery"]) == (
        "2024-01-02",
        "2024-01-03",
        "2024-01-04",
    )
    assert m["beta"] == pytest.approx(2.0, rel=1e-12)
    assert m["exposure"] == pytest.approx(2 / 3, rel=1e-15) and m["turnover"] == 2.0
    assert m["trade_count"] == 5 and m["winning_trades"] == 2 and m["losing_trades"] == 2
    assert m["total_pnl"] == "20" and m["expectancy"] == "4" and m["median_trade_pnl"] == "0"
    assert m["largest_loss"] == "-20" and m["average_holding_period_days"] == 3.0
    assert m["profit_factor"] == pytest.approx(5 / 3) and m["profit_factor_infinite"] is False


def test_any_object_with_trade_attributes_is_accepted():
    @dataclass
    class Fill:  # not a Trade; same attribute names
        symbol: str
        entry_time: date
        exit_time: date
        quantity: int
        entry_price: float
        exit_price: float
        pnl: D
        side: str

    ts = [
        Fill("X", date(2024, 1, 1), date(2024, 1, 3), 1, 1.0, 2.0, D("1.5"), "long"),
        SimpleNamespace(entry_time=date(2024, 1, 2), exit_time=date(2024, 1, 2), pnl=-0.5),
    ]
    m = compute_metrics(HAND, ts, periods_per_year=PPY)
    assert m["total_pnl"] == "1.0" and m["win_rate"] == 0.5 and m["profit_factor"] == 3.0
    assert m["average_holding_period_days"] == 1.0  # (2 + 0) / 2, dates count as midnight


# --------------------------------------------------------------------------------------------
# Edge cases: defined answers, no exception, no NaN.
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("trades", [[], None])
def test_no_trades(trades):
    m = compute_metrics(HAND, trades, periods_per_year=PPY)
    assert_json_safe(m)
    assert m["trade_count"] == 0 and m["win_rate"] is None
    assert m["profit_factor"] is None and m["profit_factor_infinite"] is False
    assert m["total_pnl"] == "0" and m["gross_loss"] == "0"
    for k in ("expectancy", "average_trade_pnl", "median_trade_pnl", "largest_win", "largest_loss"):
        assert m[k] is None
    assert m["average_holding_period_days"] is None
    assert m["sharpe_ratio"] is not None  # curve metrics are unaffected


def test_flat_equity_curve():
    c = curve_of(*([1000] * 6))
    m = compute_metrics(c, [], benchmark_returns=[0.01, -0.01, 0.0, 0.02, 0.0])
    assert_json_safe(m)
    assert m["total_return"] == 0.0 and m["cagr"] == 0.0
    assert m["annual_volatility"] == 0.0
    assert m["sharpe_ratio"] is None  # zero volatility
    assert m["sortino_ratio"] is None and m["probabilistic_sharpe_ratio"] is None
    assert m["max_drawdown"] == 0.0 and m["max_drawdown_peak"] is None and m["max_drawdown_recovery"] is None
    assert m["max_drawdown_duration_periods"] == 0 and m["drawdown_count"] == 0
    assert m["average_drawdown"] == 0.0 and m["calmar_ratio"] is None
    assert m["var_95"] == 0.0 and m["cvar_99"] == 0.0
    assert m["beta"] == 0.0 and m["alpha"] == 0.0  # flat returns have zero covariance with anything
    assert m["information_ratio"] is not None
    # with a non-zero risk-free rate the excess return is constant: still no Sharpe
    assert compute_metrics(c, [], risk_free_rate=0.05)["sharpe_ratio"] is None


def test_single_bar():
    c = curve_of(1000)
    m = compute_metrics(c, HAND_TRADES, benchmark_returns=[], exposure=[], traded_notional=0)
    assert_json_safe(m)
    assert m["bars"] == 1 and m["periods"] == 0
    assert m["total_return"] == 0.0 and m["cagr"] is None
    for k in (
        "annual_volatility",
        "sharpe_ratio",
        "sortino_ratio",
        "probabilistic_sharpe_ratio",
        "var_95",
        "cvar_95",
    ):
        assert m[k] is None, k
    assert m["max_drawdown"] == 0.0 and m["calmar_ratio"] is None
    assert (
        m["alpha"] is None
        and m["beta"] is None
        and m["tracking_error"] is None
        and m["benchmark_periods"] == 0
    )
    assert m["exposure"] is None and m["turnover"] == 0.0
    assert m["trade_count"] == 5  # trade metrics do not depend on the curve


def test_two_bars_has_returns_but_no_dispersion_statistics():
    m = compute_metrics(curve_of(100, 105), [], benchmark_returns=[0.01])
    assert_json_safe(m)
    assert m["total_return"] == pytest.approx(0.05) and m["cagr"] == pytest.approx(1.05**252 - 1)
    assert m["annual_volatility"] is None and m["sharpe_ratio"] is None and m["beta"] is None
    assert m["var_95"] == pytest.approx(0.05)


def test_empty_curve():
    m = compute_metrics([], HAND_TRADES)
    assert_json_safe(m)
    assert m["bars"] == 0 and m["start"] is None and m["initial_equity"] is None
    assert m["total_return"] is None and m["max_drawdown"] is None and m["drawdown_count"] is None
    assert m["trade_count"] == 5


def test_all_winning_trades():
    t = [_trade(5, 1, 1), _trade(7, 2, 1)]
    pf = perf.profit_factor(t)
    assert pf.value is None and pf.infinite is True  # +inf gross profit / 0 gross loss
    m = compute_metrics(HAND, t, periods_per_year=PPY)
    assert_json_safe(m)
    assert m["profit_factor"] is None and m["profit_factor_infinite"] is True
    assert m["win_rate"] == 1.0 and m["largest_loss"] is None and m["average_loss"] is None
    # break-even only: no profit, no loss -> undefined, not infinite
    assert perf.profit_factor([_trade(0, 1, 1)]) == perf.ProfitFactor(None, False)
    # all losers: profit factor 0
    assert perf.profit_factor([_trade(-3, 1, 1)]).value == 0.0


def test_drawdown_never_recovered():
    c = curve_of(100, 120, 90, 100, 110)  # peak 120 on day 2, never regained
    m = compute_metrics(c, [])
    assert_json_safe(m)
    assert m["max_drawdown"] == pytest.approx(-0.25)
    assert m["max_drawdown_peak"] == "2024-01-02" and m["max_drawdown_trough"] == "2024-01-03"
    assert m["max_drawdown_recovery"] is None
    # duration up to the last point: day 2 -> day 5
    assert m["max_drawdown_duration_periods"] == 3 and m["max_drawdown_duration_days"] == 3.0


def test_bust_account():
    # equity reaches 0: the -100% period counts, later periods from a 0 base are 0.0
    c = curve_of(100, 50, 0, 0)
    assert perf.period_returns(c) == [-0.5, -1.0, 0.0]
    m = compute_metrics(c, [])
    assert_json_safe(m)
    assert m["cagr"] == -1.0 and m["max_drawdown"] == -1.0 and m["total_return"] == -1.0
    # negative final equity: no real compound growth rate
    m = compute_metrics(curve_of(100, 50, -20), [])
    assert_json_safe(m)
    assert m["cagr"] is None and m["max_drawdown"] == pytest.approx(-1.2)
    # a curve that starts at 0 has no return or drawdown at all
    m = compute_metrics(curve_of(0, 10, 20), [])
    assert_json_safe(m)
    assert m["total_return"] is None and m["max_drawdown"] is None and m["calmar_ratio"] is None


def test_benchmark_degenerate_cases():
    r = [0.1, -0.1, 0.2]
    # constant benchmark: no variance -> beta, alpha undefined
    assert perf.alpha_beta(r, [0.01, 0.01, 0.01]) == (None, None)
    # benchmark == strategy: zero tracking error, information ratio undefined
    assert perf.tracking_error(r, r) == 0.0 and perf.information_ratio(r, r) is None


def test_no_downside_gives_no_sortino():
    r = [0.01, 0.02, 0.0]
    assert perf.downside_risk(r) == 0.0 and perf.sortino_ratio(r) is None  # empyrical: +inf


def test_huge_growth_overflow_is_none():
    # 1e6x in one day annualised over 252 periods overflows a float: None, not inf
    assert perf.cagr(curve_of(1, 1000000)) is None
    # 1e8x over two days (with a 90% drawdown): 1e8 ** 126 overflows too
    assert perf.calmar_ratio(curve_of(1, 10**9, 10**8)) is None


def test_invalid_inputs_raise_value_error():
    with pytest.raises(ValueError, match="does not come after"):
        perf.period_returns([(date(2024, 1, 2), D(1)), (date(2024, 1, 1), D(2))])
    with pytest.raises(ValueError, match="not finite"):
        perf.period_returns([(date(2024, 1, 1), D("NaN"))])
    with pytest.raises(ValueError, match="benchmark_returns has 4 values"):
        compute_metrics(HAND, [], benchmark_returns=[0.0] * 4)
    with pytest.raises(ValueError, match="periods_per_year"):
        compute_metrics(HAND, [], periods_per_year=0)
    with pytest.raises(ValueError, match="not finite"):
        perf.sharpe_ratio([0.1, float("nan")])
    with pytest.raises(ValueError, match="cutoff"):
        perf.value_at_risk([0.1], 1.5)


def test_result_is_deterministic_and_independent_of_decimal_context():
    import decimal

    a = compute_metrics(HAND, HAND_TRADES, periods_per_year=PPY)
    with decimal.localcontext() as ctx:
        ctx.prec = 5
        ctx.rounding = decimal.ROUND_DOWN
        b = compute_metrics(HAND, HAND_TRADES, periods_per_year=PPY)
    assert json.dumps(a) == json.dumps(b)


equity_values = st.lists(
    st.decimals(min_value=D("0.01"), max_value=D(1000000), places=2, allow_nan=False, allow_infinity=False),
    min_size=0,
    max_size=40,
)
pnl_values = st.lists(st.decimals(min_value=-1000, max_value=1000, places=2), max_size=10)


@settings(max_examples=75, deadline=None)
@given(values=equity_values, pnls=pnl_values, rf=st.sampled_from([0, 0.02]))
def test_property_always_json_safe(values, pnls, rf):
    c = list(zip(days(len(values)), values))
    trades = [_trade(p, 1, 1) for p in pnls]
    bench = [float(i % 3) / 100 for i in range(max(len(values) - 1, 0))]
    m = compute_metrics(c, trades, benchmark_returns=bench, risk_free_rate=rf, exposure=[1, 0])
    assert_json_safe(m)
    if values:
        assert -1.0 <= m["max_drawdown"] <= 0.0
        assert m["average_drawdown"] >= m["max_drawdown"]
    if m["probabilistic_sharpe_ratio"] is not None:
        assert 0.0 <= m["probabilistic_sharpe_ratio"] <= 1.0
    if m["var_95"] is not None:
        assert m["cvar_95"] <= m["var_95"] + 1e-15


def test_curve_stats_without_times_refuses_a_benchmark_keyed_by_timestamp():
    c = curve_of(100, 101, 102)
    stats = perf.CurveStats(keep_times=False)
    stats.add([t for t, _ in c], [v for _, v in c])
    with pytest.raises(ValueError, match="keep_times=False"):
        perf.compute_metrics(stats, None, benchmark_returns={c[1][0]: 0.01, c[2][0]: 0.0})
    by_index = perf.compute_metrics(stats, None, benchmark_returns={1: 0.01, 2: 0.0})
    assert by_index["benchmark_periods"] == 2


# -- the one drawdown rule (drawdown.py) ------------------------------------------------------------------------


def test_tracker_rule_equal_equity_is_at_the_peak_and_recovers():
    from qtrader.libraries.performance import DrawdownTracker

    t = DrawdownTracker(keep=None)
    t.add(list(range(7)), [D(100), D(100), D(90), D(80), D(80), D(100), D(95)])
    first, second = t.episodes()
    # peak: the last point at the high (index 1); trough: the earliest of the equal lows; recovery at equal equity
    assert (first.peak_index, first.trough_index, first.recovery_index, first.depth) == (1, 3, 5, -0.2)
    assert (second.peak_index, second.trough_index, second.recovered) == (5, 6, False)
    assert t.count() == 2 and t.peak == D(100)


def test_tracker_keeps_the_n_deepest_ties_to_the_earliest():
    from qtrader.libraries.performance import DrawdownTracker

    values = [D(100), D(90), D(100), D(80), D(100), D(90), D(100), D(95), D(101)]
    t = DrawdownTracker(keep=2)
    for i in range(0, len(values), 3):  # in pieces
        t.add(list(range(i, min(i + 3, len(values)))), values[i:i + 3])
    assert [(e.peak_index, e.depth) for e in t.worst(2)] == [(2, -0.2), (0, -0.1)]  # the -10% at 4 is later
    everything = DrawdownTracker(keep=None)
    everything.add(list(range(len(values))), values)
    assert [e.peak_index for e in everything.worst(2)] == [e.peak_index for e in t.worst(2)]


def test_no_drawdown_below_a_non_positive_peak():
    from qtrader.libraries.performance import DrawdownTracker, in_drawdown, next_peak

    assert next_peak(None, D(-5)) == D(-5) and not in_drawdown(D(-10), D(-5)) and not in_drawdown(D(0), D(0))
    t = DrawdownTracker(keep=None)
    t.add([0, 1, 2, 3], [D(-5), D(-10), D(10), D(5)])
    assert [(e.peak_index, e.trough_index) for e in t.episodes()] == [(2, 3)]


def test_rolling_statistics_leave_the_first_window_empty_and_match_a_plain_loop():
    from qtrader.libraries.performance import rolling_beta, rolling_sharpe, rolling_volatility

    rng = np.random.default_rng(7)
    r = rng.normal(0.0005, 0.01, 300)
    b = rng.normal(0.0003, 0.012, 300)
    r[100:120] = 0.0  # a flat stretch: no dispersion in the windows inside it
    w = 10
    sharpe, vol, beta = rolling_sharpe(r, w), rolling_volatility(r, w), rolling_beta(r, b, w)
    assert np.isnan(sharpe[: w - 1]).all() and np.isnan(vol[: w - 1]).all() and np.isnan(beta[: w - 1]).all()
    for k in range(w - 1, 300):
        x, y = r[k - w + 1: k + 1], b[k - w + 1: k + 1]
        flat = x.max() == x.min()
        assert vol[k] == (0.0 if flat else pytest.approx(x.std(ddof=1) * np.sqrt(252), rel=1e-12))
        if flat:
            assert np.isnan(sharpe[k])
        else:
            assert sharpe[k] == pytest.approx(x.mean() / x.std(ddof=1) * np.sqrt(252), rel=1e-12)
        assert beta[k] == pytest.approx(np.cov(x, y, ddof=0)[0, 1] / y.var(), rel=1e-12)
    with pytest.raises(ValueError):
        rolling_sharpe(r, 1)
