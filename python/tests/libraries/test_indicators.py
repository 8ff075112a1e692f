"""Tests for qtrader.libraries.indicators.

Every indicator is checked (1) against an independent pandas/float computation over the whole
GOOG sample to 1e-9 relative, (2) on small examples worked by hand, (3) for its warm-up length,
its argument checks and its independence from the thread's decimal context. SMA also gets
property tests (hypothesis) for exact rounding and exact crossover comparison.
"""

from __future__ import annotations

import csv
import math
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_DOWN,
    Context,
    Decimal,
    Inexact,
    InvalidOperation,
    Rounded,
    localcontext,
)
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qtrader.libraries.indicators import (
    ATR,
    EMA,
    INDICATOR_CONTEXT,
    RSI,
    SMA,
    Bands,
    BollingerBands,
    MeanCross,
    compare_means,
)

D = Decimal
GOOG = Path(__file__).resolve().parents[2] / "examples" / "data" / "GOOG.csv"
REL_TOL = 1e-9
PERIODS = [1, 2, 14, 20, 50]

# A context in which any rounding raises: used to build exact reference sums in the tests.
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, Inexact])


# ---------------------------------------------------------------- data and references


@pytest.fixture(scope="module")
def bars() -> list[dict[str, Decimal]]:
    """GOOG bars read with the csv module; prices parsed from their text, so exactly."""
    with GOOG.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [{k: D(r[k]) for k in ("Open", "High", "Low", "Close")} for r in rows]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """The same file read independently with pandas, as floats, on a positional index."""
    return pd.read_csv(GOOG, index_col=0).reset_index(drop=True)


def seeded_ewm(s: pd.Series, n: int, **ewm_kwargs) -> pd.Series:
    """Mean of the first n valid values at the n-th valid position, then ewm(adjust=False)."""
    valid = s.dropna()
    seeded = valid.iloc[n - 1 :].copy()
    seeded.iloc[0] = valid.iloc[:n].mean()
    out = pd.Series(np.nan, index=s.index)
    out.loc[seeded.index] = seeded.ewm(adjust=False, **ewm_kwargs).mean()
    return out


def assert_matches(got: list[Decimal | None], ref: pd.Series, what: str) -> None:
    """None exactly where the reference is NaN; elsewhere equal to 1e-9 relative."""
    assert len(got) == len(ref)
    bad = []
    for i, (g, r) in enumerate(zip(got, ref.to_numpy(), strict=True)):
        if g is None or math.isnan(r):
            if not (g is None and math.isnan(r)):
                bad.append((i, g, r))
        elif not math.isclose(float(g), r, rel_tol=REL_TOL):
            bad.append((i, g, r))
    assert not bad, f"{what}: {len(bad)} mismatches, first: {bad[:3]}"


# ---------------------------------------------------------------- against pandas, whole series


@pytest.mark.parametrize("n", PERIODS)
def test_sma_matches_pandas_rolling_mean(bars, frame, n):
    sma = SMA(n)
    got = [sma.update(b["Close"]) for b in bars]
    assert_matches(got, frame["Close"].rolling(n).mean(), f"SMA({n})")


@pytest.mark.parametrize("n", PERIODS)
def test_ema_matches_pandas_ewm_span_seeded_with_sma(bars, frame, n):
    ema = EMA(n)
    got = [ema.update(b["Close"]) for b in bars]
    assert_matches(got, seeded_ewm(frame["Close"], n, span=n), f"EMA({n})")


@pytest.mark.parametrize("n", PERIODS)
def test_rsi_matches_pandas_wilder_ewm(bars, frame, n):
    rsi = RSI(n)
    got = [rsi.update(b["Close"]) for b in bars]
    change = frame["Close"].diff()
    avg_gain = seeded_ewm(change.clip(lower=0), n, alpha=1 / n)
    avg_loss = seeded_ewm((-change).clip(lower=0), n, alpha=1 / n)
    ref = 100 - 100 / (1 + avg_gain / avg_loss)
    ref = ref.where(~(avg_loss == 0), 100.0)  # RSI = 100 when there are no losses
    assert_matches(got, ref, f"RSI({n})")


@pytest.mark.parametrize("n", PERIODS)
def test_atr_matches_plain_loop_wilder_on_pandas_true_range(bars, frame, n):
    atr = ATR(n)
    got = [atr.update(b["High"], b["Low"], b["Close"]) for b in bars]
    prev_close = frame["Close"].shift()
    true_range = pd.concat(
        [
            frame["High"] - frame["Low"],
            (frame["High"] - prev_close).abs(),
            (frame["Low"] - prev_close).abs(),
        ],
        axis=1,
    ).max(axis=1)  # skipna: the first bar's TR is high - low
    ref = [math.nan] * len(true_range)
    ref[n - 1] = true_range.iloc[:n].mean()
    for i in range(n, len(true_range)):
        ref[i] = (ref[i - 1] * (n - 1) + true_range.iloc[i]) / n
    assert_matches(got, pd.Series(ref), f"ATR({n})")


@pytest.mark.parametrize("n", [2, 20, 50])
@pytest.mark.parametrize("k", ["2", "1.5"])
def test_bollinger_matches_pandas_rolling_std_ddof0(bars, frame, n, k):
    bb = BollingerBands(n, D(k))
    got = [bb.update(b["Close"]) for b in bars]
    mid = frame["Close"].rolling(n).mean()
    sd = frame["Close"].rolling(n).std(ddof=0)
    for name, ref in [
        ("middle", mid),
        ("stddev", sd),
        ("upper", mid + float(k) * sd),
        ("lower", mid - float(k) * sd),
    ]:
        assert_matches(
            [None if g is None else getattr(g, name) for g in got], ref, f"Bollinger({n},{k}).{name}"
        )


def test_ema_seed_is_the_sma_of_the_first_period_values(bars):
    n = 10
    ema, sma = EMA(n), SMA(n)
    for i, b in enumerate(bars[:n]):
        e, s = ema.update(b["Close"]), sma.update(b["Close"])
        assert (e is None) == (i < n - 1)
    assert e == s == INDICATOR_CONTEXT.divide(sum((b["Close"] for b in bars[:n]), D(0)), n)


def test_results_ignore_the_thread_decimal_context(bars):
    """Same digits under a hostile global context that traps any rounding: nothing reads it."""

    def run() -> list:
        inds = [SMA(20), EMA(20), RSI(14), BollingerBands(20, D("2"))]
        atr = ATR(14)
        out = []
        for b in bars:
            out.append(
                [ind.update(b["Close"]) for ind in inds] + [atr.update(b["High"], b["Low"], b["Close"])]
            )
        return out

    baseline = run()
    hostile = Context(prec=3, rounding=ROUND_DOWN, traps=[InvalidOperation, Inexact, Rounded])
    with localcontext(hostile):
        again = run()
    assert [[str(v) for v in row] for row in again] == [[str(v) for v in row] for row in baseline]


# ---------------------------------------------------------------- warm-up


@pytest.mark.parametrize("n", [1, 2, 3, 14])
def test_warm_up_lengths(bars, n):
    closes = [b["Close"] for b in bars[:40]]
    for ind, nones in [(SMA(n), n - 1), (EMA(n), n - 1), (BollingerBands(n, D(2)), n - 1), (RSI(n), n)]:
        got = [ind.update(c) for c in closes]
        assert all(v is None for v in got[:nones]) and all(v is not None for v in got[nones:]), type(ind)
        assert ind.ready and ind.value is got[-1]
    atr = ATR(n)
    got = [atr.update(b["High"], b["Low"], b["Close"]) for b in bars[:40]]
    assert all(v is None for v in got[: n - 1]) and all(v is not None for v in got[n - 1 :])


def test_not_ready_before_warm_up():
    for ind in (SMA(3), EMA(3), RSI(3), BollingerBands(3, D(2)), ATR(3)):
        assert not ind.ready and ind.value is None


def test_reset_forgets_everything(bars):
    closes = [b["Close"] for b in bars[:60]]
    for make in (lambda: SMA(5), lambda: EMA(5), lambda: RSI(5), lambda: BollingerBands(5, D(2))):
        ind = make()
        first = [ind.update(c) for c in closes]
        ind.reset()
        assert not ind.ready and ind.value is None
        assert [ind.update(c) for c in closes] == first
    atr = ATR(5)
    first = [atr.update(b["High"], b["Low"], b["Close"]) for b in bars[:60]]
    atr.reset()
    assert not atr.ready
    assert [atr.update(b["High"], b["Low"], b["Close"]) for b in bars[:60]] == first


# ---------------------------------------------------------------- hand-worked examples


def feed(ind, values: str) -> list:
    return [ind.update(D(v)) for v in values.split()]


def test_sma_by_hand():
    # SMA(3) of 1 2 3 4 5: (1+2+3)/3 = 2, (2+3+4)/3 = 3, (3+4+5)/3 = 4.
    assert feed(SMA(3), "1 2 3 4 5") == [None, None, D(2), D(3), D(4)]
    # (1+1+2)/3 = 4/3 rounds half-even at 28 significant digits; then (1+2+5)/3 = 8/3.
    assert feed(SMA(3), "1 1 2 5") == [
        None,
        None,
        D("1.333333333333333333333333333"),
        D("2.666666666666666666666666667"),
    ]
    # The running total is exact: 0.1+0.2 then +0.3-0.1 is 0.5, not 0.5000000000000001.
    sma = SMA(2)
    feed(sma, "0.1 0.2 0.3")
    assert sma.total == D("0.5") and sma.value == D("0.25") and sma.period == 2


def test_ema_by_hand():
    # EMA(3): alpha = 2/4 = 0.5. Seed = (2+4+6)/3 = 4; then 4 + 0.5*(8-4) = 6; 6 + 0.5*(3-6) = 4.5.
    assert feed(EMA(3), "2 4 6 8 3") == [None, None, D(4), D(6), D("4.5")]
    # EMA(2): alpha = 2/3. Seed = (1+2)/2 = 1.5; then (2*3 + 1*1.5)/3 = 2.5; (2*0 + 2.5)/3 = 0.8333...
    assert feed(EMA(2), "1 2 3 0") == [None, D("1.5"), D("2.5"), D("0.8333333333333333333333333333")]
    # EMA(1) is the input itself (alpha = 1).
    assert feed(EMA(1), "7 3.25 9") == [D(7), D("3.25"), D(9)]


def test_rsi_by_hand():
    # RSI(2) on closes 10 16 14 18 15 15 -> changes +6 -2 +4 -3 0.
    # Seed after two changes: avg_gain = (6+0)/2 = 3, avg_loss = (0+2)/2 = 1 -> RSI = 100*3/4 = 75.
    # +4: avg_gain = (3*1+4)/2 = 3.5, avg_loss = (1*1+0)/2 = 0.5 -> 100*3.5/4 = 87.5.
    # -3: avg_gain = 3.5/2 = 1.75, avg_loss = (0.5+3)/2 = 1.75 -> 50.
    #  0: avg_gain = 0.875, avg_loss = 0.875 -> 50.
    rsi = RSI(2)
    assert feed(rsi, "10 16 14 18 15 15") == [None, None, D(75), D("87.5"), D(50), D(50)]
    assert rsi.avg_gain == D("0.875") and rsi.avg_loss == D("0.875")
    # Only gains, and a flat series: avg_loss = 0 -> 100 by convention. Only losses -> 0.
    assert feed(RSI(2), "1 2 3 4")[-1] == D(100)
    assert feed(RSI(2), "5 5 5 5")[-1] == D(100)
    assert feed(RSI(2), "4 3 2 1")[-1] == D(0)


def test_atr_by_hand():
    # ATR(2) on (high, low, close):
    # (10, 8, 9):  first TR = 10 - 8 = 2                                  -> None
    # (11, 9, 10): TR = max(2, |11-9| = 2, |9-9| = 0) = 2; seed (2+2)/2   -> 2
    # (14, 12, 13): gap up, TR = max(2, |14-10| = 4, |12-10| = 2) = 4       -> (2*1 + 4)/2 = 3
    # (12, 7, 8):  gap down, TR = max(5, |12-13| = 1, |7-13| = 6) = 6       -> (3*1 + 6)/2 = 4.5
    atr = ATR(2)
    got = [atr.update(D(h), D(lo), D(c)) for h, lo, c in [(10, 8, 9), (11, 9, 10), (14, 12, 13), (12, 7, 8)]]
    assert got == [None, D(2), D(3), D("4.5")]
    # ATR(3): TRs 2, 2, 4 -> seed 8/3, rounded at 28 digits.
    atr = ATR(3)
    got = [atr.update(D(h), D(lo), D(c)) for h, lo, c in [(10, 8, 9), (11, 9, 10), (14, 12, 13)]]
    assert got[-1] == D("2.666666666666666666666666667")


def test_bollinger_by_hand():
    # Window 2 4 4 4 5 5 7 9: mean 5; squared deviations 9 1 1 1 0 0 4 16 sum to 32;
    # population variance 32/8 = 4, sd 2 -> bands 5 ± 2*2 = 9 and 1.
    assert feed(BollingerBands(8, D(2)), "2 4 4 4 5 5 7 9")[-1] == Bands(D(5), D(9), D(1), D(2))
    # Period 2, k = 1.5: [1, 3] mean 2, sd 1 -> 3.5 / 0.5; [3, 3] sd 0 -> bands collapse to 3.
    got = feed(BollingerBands(2, D("1.5")), "1 3 3")
    assert got == [None, Bands(D(2), D("3.5"), D("0.5"), D(1)), Bands(D(3), D(3), D(3), D(0))]
    # [1, 2, 3]: mean 2, variance (1+0+1)/3 = 2/3, sd = sqrt(2/3) = 0.8164965809277260327324280249...
    bands = feed(BollingerBands(3, D(1)), "1 2 3")[-1]
    assert bands.stddev == D("0.8164965809277260327324280249")
    assert bands.upper == D("2.816496580927726032732428025")
    assert bands.lower == D("1.183503419072273967267571975")


# ---------------------------------------------------------------- compare_means


def test_compare_means_tie_is_exact_where_floats_differ():
    a, b, c = SMA(3), SMA(2), SMA(3)
    feed(a, "0.1 0.2 0.3")
    feed(b, "0.1 0.3")
    feed(c, "0.3 0.2 0.1")
    # In binary floats these three means of 0.2 are not all equal ...
    assert sum([0.1, 0.2, 0.3]) / 3 != sum([0.1, 0.3]) / 2
    assert sum([0.1, 0.2, 0.3]) / 3 != sum([0.3, 0.2, 0.1]) / 3
    # ... exactly they are.
    assert compare_means(a, b) == compare_means(b, a) == compare_means(a, c) == 0
    assert compare_means(a, a) == 0


def test_compare_means_separates_means_that_round_to_the_same_value():
    # 1/3 and 0.33333333333333333333333333334 (29 digits) both round to 28 threes.
    third, above = SMA(3), SMA(1)
    feed(third, "1 0 0")
    feed(above, "0.33333333333333333333333333334")
    assert third.value == above.value
    assert compare_means(above, third) == 1
    assert compare_means(third, above) == -1


def test_compare_means_crossover_sequence():
    fast, slow = SMA(2), SMA(4)
    signs = []
    for v in "4 4 4 4 2 6 8 1 1".split():  # noqa: SIM905 - reads like the comment below
        fast.update(D(v))
        slow.update(D(v))
        if slow.ready:
            signs.append(compare_means(fast, slow))
    # windows: fast [4 4] vs slow [4 4 4 4]: tie; [4 2]=3 vs 14/4=3.5: below; [2 6]=4 vs 16/4=4: tie;
    # [6 8]=7 vs 20/4=5: above; [8 1]=4.5 vs 17/4=4.25: above; [1 1]=1 vs 16/4=4: below.
    assert signs == [0, -1, 0, 1, 1, -1]


def test_compare_means_needs_ready_smas():
    a, b = SMA(2), SMA(2)
    a.update(D(1))
    b.update(D(1))
    with pytest.raises(ValueError, match="ready"):
        compare_means(a, b)


# ---------------------------------------------------------------- argument checks


@pytest.mark.parametrize("period", [0, -1, 2.0, True, "3", None, D(3)])
@pytest.mark.parametrize("make", [SMA, EMA, RSI, ATR, lambda p: BollingerBands(p, D(2))])
def test_bad_period(make, period):
    with pytest.raises(ValueError, match="period must be an int >= 1"):
        make(period)


@pytest.mark.parametrize("k", [D(0), D(-1), D("NaN"), D("Infinity"), 2.0, 2, "2", None])
def test_bad_k(k):
    with pytest.raises(ValueError, match="k must be a"):
        BollingerBands(20, k)


def test_bad_update_inputs():
    for ind in (SMA(2), EMA(2), RSI(2), BollingerBands(2, D(2))):
        with pytest.raises(TypeError, match="must be a Decimal"):
            ind.update(1.5)
        with pytest.raises(ValueError, match="finite"):
            ind.update(D("NaN"))
    with pytest.raises(TypeError, match="high must be a Decimal"):
        ATR(2).update(2.0, D(1), D(1))
    with pytest.raises(ValueError, match="high must be >= low"):
        ATR(2).update(D(1), D(2), D(1))


def test_indicator_context_is_the_documented_one():
    assert INDICATOR_CONTEXT.prec == 28
    assert INDICATOR_CONTEXT.rounding == "ROUND_HALF_EVEN"


# ---------------------------------------------------------------- properties


def decimal_exponent(q: Fraction) -> int:
    """floor(log10(|q|)) computed exactly (no float log near powers of ten)."""
    q = abs(q)
    e = len(str(q.numerator)) - len(str(q.denominator))  # floor(log10 q) is e or e - 1
    return e if Fraction(10) ** e <= q else e - 1


decimals = st.builds(lambda m, e: D(f"{m}E{e}"), st.integers(-(10**15), 10**15), st.integers(-12, 3))


@settings(max_examples=150, deadline=None)
@given(values=st.lists(decimals, max_size=40), n=st.integers(1, 10))
def test_sma_value_is_the_exact_mean_rounded_once(values, n):
    sma = SMA(n)
    for i, v in enumerate(values):
        got = sma.update(v)
        window = values[max(0, i + 1 - n) : i + 1]
        exact_sum = EXACT.add(D(0), D(0))
        for w in window:
            exact_sum = EXACT.add(exact_sum, w)
        assert sma.total == exact_sum
        if i < n - 1:
            assert got is None
            continue
        assert got == INDICATOR_CONTEXT.divide(exact_sum, n)
        # Independently: within half a unit in the 28th digit of the true mean.
        true_mean = Fraction(exact_sum) / n
        if true_mean:
            ulp = Fraction(10) ** (decimal_exponent(true_mean) - 27)
            assert abs(Fraction(got) - true_mean) <= ulp / 2
        else:
            assert got == 0


@settings(max_examples=150, deadline=None)
@given(
    xs=st.lists(decimals, min_size=1, max_size=12),
    ys=st.lists(decimals, min_size=1, max_size=12),
)
def test_compare_means_agrees_with_fractions(xs, ys):
    a, b = SMA(len(xs)), SMA(len(ys))
    for x in xs:
        a.update(x)
    for y in ys:
        b.update(y)
    diff = Fraction(sum(map(Fraction, xs))) / len(xs) - Fraction(sum(map(Fraction, ys))) / len(ys)
    assert compare_means(a, b) == (diff > 0) - (diff < 0)


# ---------------------------------------------------------------- MeanCross


def _fraction_cross(xs: list[Decimal], fast: int, slow: int) -> list[int | None]:
    """sign(mean of the last fast - mean of the last slow), with exact rationals, recomputed from scratch."""
    out: list[int | None] = []
    for i in range(len(xs)):
        if i + 1 < max(fast, slow):
            out.append(None)
            continue
        diff = sum(map(Fraction, xs[i + 1 - fast:i + 1])) / fast - sum(map(Fraction, xs[i + 1 - slow:i + 1])) / slow
        out.append((diff > 0) - (diff < 0))
    return out


@pytest.mark.parametrize("fast, slow", [(10, 30), (1, 2), (5, 5), (30, 10), (2, 50)])
def test_mean_cross_matches_exact_rationals_and_pandas_on_goog(bars, frame, fast, slow):
    closes = [b["Close"] for b in bars]
    cross = MeanCross(fast, slow)
    got = [cross.update(c) for c in closes]
    assert got == _fraction_cross(closes, fast, slow)
    # pandas rolling means as floats agree wherever the means are not within float noise of each other
    diff = (frame["Close"].rolling(fast).mean() - frame["Close"].rolling(slow).mean()).to_numpy()
    for g, d in zip(got, diff):
        if math.isnan(d):
            assert g is None
        elif abs(d) > 1e-9:
            assert g == (1 if d > 0 else -1)
    assert cross.ready and cross.fast_total == sum(closes[-fast:], D(0)) and cross.slow_total == sum(closes[-slow:], D(0))


def test_mean_cross_equals_two_smas_and_compare_means(bars):
    fast, slow, cross = SMA(10), SMA(30), MeanCross(10, 30)
    for b in bars:
        fast.update(b["Close"])
        slow.update(b["Close"])
        sign = cross.update(b["Close"])
        assert sign == (compare_means(fast, slow) if slow.ready else None)


def test_mean_cross_tie_by_hand_and_bad_inputs():
    cross = MeanCross(1, 3)
    # last input vs the mean of the last three: 3 > 2, 2 < 7/3, 1.5 < 6.5/3, 2.5 > 2, 2 = 2
    assert [cross.update(D(x)) for x in ("1", "2", "3", "2", "1.5", "2.5", "2")] == [None, None, 1, -1, -1, 1, 0]
    # means 0.2 and 0.2: a tie, where floats tell (0.3 + 0.1) / 2 from (0.2 + 0.3 + 0.1) / 3
    assert (0.3 + 0.1) / 2 != (0.2 + 0.3 + 0.1) / 3
    tie = MeanCross(2, 3)
    assert [tie.update(D(x)) for x in ("0.2", "0.3", "0.1")] == [None, None, 0]
    with pytest.raises(TypeError):
        MeanCross(2, 3).update(1.5)
    with pytest.raises(ValueError):
        MeanCross(2, 3).update(D("NaN"))
    with pytest.raises(ValueError):
        MeanCross(0, 3)
    cross.reset()
    assert not cross.ready and cross.update(D(1)) is None
    # more fraction digits than seen so far rescale the window exactly: 1, 2E+1, 0.5, 0.0001, 1/3 to 28 digits
    xs = [D(1), D("2E+1"), D("0.5"), D("0.0001"), INDICATOR_CONTEXT.divide(D(1), D(3)), D("-7.25")]
    rescaled = MeanCross(2, 3)
    assert [rescaled.update(x) for x in xs] == _fraction_cross(xs, 2, 3) == [None, None, 1, -1, -1, -1]
    assert Fraction(rescaled.fast_total) == sum(map(Fraction, xs[-2:]))
    assert Fraction(rescaled.slow_total) == sum(map(Fraction, xs[-3:]))


@settings(max_examples=200, deadline=None)
@given(xs=st.lists(decimals, min_size=1, max_size=40), fast=st.integers(1, 8), slow=st.integers(1, 8))
def test_mean_cross_agrees_with_fractions(xs, fast, slow):
    cross = MeanCross(fast, slow)
    assert [cross.update(x) for x in xs] == _fraction_cross(xs, fast, slow)
