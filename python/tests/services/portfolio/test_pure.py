"""The pure pieces: rounding, allocation, lot matching, accruals and the FX book, by hand."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qtrader.services.portfolio.accruals import accrued, borrow_fee, charge_with_carry, interest
from qtrader.services.portfolio.fx import CurrencyBook, book_flow
from qtrader.services.portfolio.lots import OpenLot, UnknownLotError, closing_order, match_lots
from qtrader.libraries.numbers import div_down, div_round, mul_round, trimmed
from qtrader.services.portfolio.money import allocate, round_fraction, truncate_fraction

D = Decimal
CENT = D("0.01")
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("a, b, expected", [
    ("1", "8", "0.12"),      # 0.125 -> half to even: 0.12
    ("3", "8", "0.38"),      # 0.375 -> 0.38
    ("-1", "8", "-0.12"),
    ("1", "-8", "-0.12"),
    ("2", "3", "0.67"),
    ("-2", "3", "-0.67"),
    ("1", "3", "0.33"),
    ("-1", "1000", "0.00"),  # no negative zero
    ("1", "0.03", "33.33"),
])
def test_div_round_is_exact_half_even(a, b, expected):
    result = div_round(D(a), D(b), CENT)
    assert str(result) == expected


def test_div_round_has_no_double_rounding():
    # 0.0149999...97 (40 nines) is below the half: a 28-digit intermediate would round it up to 0.015 -> 0.02
    a = D("0.01" + "4" + "9" * 40 + "7")
    assert div_round(a, D(1), CENT) == D("0.01")
    assert div_round(D("1" + "0" * 29 + "1"), D(3), CENT) == D("3" * 30 + ".67")  # beyond 28 digits


def _half_even(value: Fraction, q: Decimal) -> Decimal:
    """An independent rounding: exact rationals and Python's round() (half to even on ints)."""
    units = value / Fraction(q)
    floor = units.numerator // units.denominator
    rest = units - floor
    n = floor + 1 if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2) else floor
    return Decimal(f"{n}E{q.adjusted()}")  # exact: no context rounds it


@settings(max_examples=3000, deadline=None)
@given(a=st.decimals(allow_nan=False, allow_infinity=False, places=12, min_value=-10**15, max_value=10**15),
       b=st.decimals(allow_nan=False, allow_infinity=False, places=12, min_value=-10**15, max_value=10**15),
       places=st.sampled_from([0, 2, 4, 12]))
def test_div_round_equals_exact_rational_rounding(a, b, places):
    assume(b != 0)
    q = Decimal(1).scaleb(-places)
    result = div_round(a, b, q)
    assert result == _half_even(Fraction(a) / Fraction(b), q)
    assert result.as_tuple().exponent == -places  # a multiple of q, spelled with q's exponent
    assert result or not result.is_signed()  # never a negative zero


def test_div_round_of_a_huge_quotient_takes_the_integer_route():
    # 10**95 / 3 to 12 places has 108 digits: more than the sticky first step can hold, so the integer route
    # answers; it raises as it always did rather than round silently
    with pytest.raises(InvalidOperation):
        div_round(D(10) ** 95, D(3), D("1e-12"))
    assert div_round(D(10) ** 80, D(3), D("1e-12")) == _half_even(Fraction(10**80, 3), D("1e-12"))
    assert div_round(D("1" + "0" * 85), D(7), D(1)) == _half_even(Fraction(10**85, 7), D(1))


def test_div_down_mul_round_and_fractions():
    assert div_down(D("1.50") * 100, D(150), CENT) == D("1.00")
    assert div_down(D("-2"), D(3), CENT) == D("-0.66")
    assert mul_round(D("33"), D("101.0505"), CENT) == D("3334.67")  # 3334.6665 -> 3334.67
    assert mul_round(D("0.5"), D("0.01"), CENT) == D("0.00")        # 0.005 -> half to even: 0.00
    assert round_fraction(Fraction(1, 6) * 200, CENT) == D("33.33")
    assert truncate_fraction(Fraction(-2, 3), D("1e-12")) == D("-0.666666666666")
    assert str(trimmed(D("-75.000000000000"))) == "-75" and str(trimmed(D("2.500"))) == "2.5"


def test_allocate_sums_exactly_and_never_overshoots():
    assert allocate(D("1.50"), [D(10), D(5)], CENT) == [D("1.00"), D("0.50")]
    assert allocate(D("1.00"), [D(1), D(1), D(1)], CENT) == [D("0.33"), D("0.33"), D("0.34")]
    # 0.006 split 99:1: the first share is cut to 0.00 (never 0.01 > the total), the last takes 0.006
    assert allocate(D("0.006"), [D(99), D(1)], CENT) == [D("0.00"), D("0.006")]
    shares = allocate(D("-10300.00"), [D(7), D(3)], CENT)
    assert shares == [D("-7210.00"), D("-3090.00")] and sum(shares) == D("-10300.00")


def lots_of(*pairs) -> list[OpenLot]:
    return [OpenLot(f"L{i}", D(q), D(p), T0, D(q) * D(p), D(0)) for i, (q, p) in enumerate(pairs)]


def test_closing_order_of_each_method():
    long = lots_of((10, 100), (10, 120), (10, 110), (10, 120))
    assert closing_order(long, "FIFO") == [0, 1, 2, 3]
    assert closing_order(long, "LIFO") == [3, 2, 1, 0]
    assert closing_order(long, "HIFO") == [1, 3, 2, 0]  # 120 (older first), 120, 110, 100
    short = lots_of((-10, 50), (-10, 40), (-10, 45))
    assert closing_order(short, "HIFO") == [1, 2, 0]  # lowest sale price first: 40, 45, 50
    with pytest.raises(ValueError, match="AVERAGE"):
        closing_order(long, "AVERAGE")


def test_match_lots_named_first_then_the_method():
    lots = lots_of((10, 100), (10, 120), (10, 110))
    assert match_lots(lots, D(15), "FIFO") == [(0, D(10)), (1, D(5))]
    assert match_lots(lots, D(15), "FIFO", ["L2"]) == [(2, D(10)), (0, D(5))]
    assert match_lots(lots, D(5), "FIFO", ["L2", "L1"]) == [(2, D(5))]
    assert match_lots(lots, D(15), "FIFO", ["L1", "L1"]) == [(1, D(10)), (0, D(5))]  # a repeated id counts once
    with pytest.raises(UnknownLotError) as caught:
        match_lots(lots, D(5), "FIFO", ["L1", "L9"])
    assert caught.value.lot_id == "L9" and caught.value.open_ids == ("L0", "L1", "L2")
    with pytest.raises(ValueError, match="exceeds"):
        match_lots(lots, D(31), "FIFO")


def test_accruals_and_carry():
    # 5000 x 5% x 1 / 365 = 0.684931506849315... -> 12 places
    assert accrued(D(5000), D("0.05"), 1, 365) == D("0.684931506849")
    assert borrow_fee(D(-100), D(50), D("0.05"), 1, 365) == D("-0.684931506849")
    assert borrow_fee(D(-100), D(50), D(0), 1, 365) == 0
    # -1000 at 10% for 10 days ACT/360 = -2.777777777778 (paid); +100000 at 2% for 365/365 = 2000 (earned)
    assert interest(D(-1000), D("0.10"), D("0.02"), 10, 360) == D("-2.777777777778")
    assert interest(D(100000), D("0.10"), D("0.02"), 365, 365) == D("2000.000000000000")
    charge, carry = charge_with_carry(D(0), D("-0.684931506849"), CENT)
    assert (charge, carry) == (D("-0.68"), D("-0.004931506849"))
    charge, carry = charge_with_carry(carry, D("-0.684931506849"), CENT)  # -0.689863013698
    assert (charge, carry) == (D("-0.69"), D("0.000136986302"))


def test_fx_book_average_cost():
    book = CurrencyBook()
    # +1000 EUR at 1.10: book 1100.00
    assert book_flow(book, D(1000), D("1.10"), CENT) == (D("1100.00"), 0)
    # -400 EUR at 1.20 (worth 480.00) releases 400/1000 of the book (440.00): realized +40.00
    assert book_flow(book, D(-400), D("1.20"), CENT) == (D("-480.00"), D("40.00"))
    assert (book.exposure, book.book_value) == (D(600), D("660.00"))
    # -800 at 1.00: closes 600 (worth 600.00, book 660.00: -60.00), opens -200 at 1.00 (book -200.00)
    assert book_flow(book, D(-800), D("1.00"), CENT) == (D("-800.00"), D("-60.00"))
    assert (book.exposure, book.book_value) == (D(-200), D("-200.00"))
    assert book.unrealized(D("1.10"), CENT) == D("-20.00")  # owing 200 EUR that now cost 220.00
