"""Exact decimal arithmetic and the few explicit roundings the portfolio makes.

The service runs every handler under ``EXACT``: 100 significant digits and the Inexact trap set, so an operator
that would round silently raises instead. Rounding happens only here, half-even (banker's rounding), to an
explicit quantum, with the ``ROUNDING`` context passed explicitly (never the thread's default context).
"""

from __future__ import annotations

from decimal import ROUND_05UP, ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, Inexact, InvalidOperation, Overflow
from fractions import Fraction
from typing import Sequence

EXACT = Context(prec=100, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow, Inexact])
ROUNDING = Context(prec=100, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])
#: A first rounding that keeps the information a second one needs: ROUND_05UP cuts toward zero but never leaves a
#: final 0 or 5 on an inexact result, so rounding its result again, at least two digits higher, gives exactly
#: what one rounding of the exact value would (no double-rounding error).
STICKY = Context(prec=100, rounding=ROUND_05UP, traps=[InvalidOperation, DivisionByZero, Overflow])
_STICKY_SPARE = STICKY.prec - 1 - 2  # a quotient's adjusted exponent may be up to this + the quantum's
_multiply, _round = EXACT.multiply, ROUNDING.quantize

ZERO = Decimal(0)
ONE = Decimal(1)
TWO = Decimal(2)
#: The contracts' finest decimal: 12 fraction digits.
Q12 = Decimal("1e-12")


def quantum(places: int) -> Decimal:
    """10 ** -places, e.g. quantum(2) == Decimal('0.01')."""
    return ONE.scaleb(-places)


def _no_negative_zero(value: Decimal) -> Decimal:
    return value.copy_abs() if not value else value


def plain(value: Decimal) -> Decimal:
    """The same number without trailing fraction zeros and never with a positive exponent (75.000 -> 75)."""
    if value == value.to_integral_value(context=ROUNDING):
        return _no_negative_zero(value.quantize(ONE, context=ROUNDING))
    return value.normalize(context=ROUNDING)


def round_to(value: Decimal, q: Decimal) -> Decimal:
    """``value`` rounded half-even to a multiple of ``q``."""
    return _no_negative_zero(ROUNDING.quantize(value, q))


def mul_round(a: Decimal, b: Decimal, q: Decimal) -> Decimal:
    """a x b, computed exactly, then rounded half-even to ``q`` (one rounding). On the hot path (every mark of a
    held symbol), so the contexts' methods are bound once and the negative-zero check is inline."""
    result = _round(_multiply(a, b), q)
    return result if result else result.copy_abs()


def div_round(a: Decimal, b: Decimal, q: Decimal) -> Decimal:
    """a / b rounded half-even to a multiple of ``q`` (a power of ten), exactly (no intermediate rounding).

    The quotient to 100 digits under STICKY, then rounded to ``q``: two C calls on the hot path (the leverage of
    every mark). A quotient too large for two spare digits below ``q`` takes the integer route.
    """
    quotient = STICKY.divide(a, b)
    if quotient.adjusted() <= _STICKY_SPARE + q.adjusted():
        return _no_negative_zero(ROUNDING.quantize(quotient, q))
    return _div_round_integer(a, b, q)


def _div_round_integer(a: Decimal, b: Decimal, q: Decimal) -> Decimal:
    """``div_round`` by an integer quotient and its remainder, for any size."""
    unit = EXACT.multiply(b, q)
    quotient, remainder = EXACT.divmod(a, unit)
    twice = EXACT.multiply(remainder, TWO).copy_abs()
    order = twice.compare(unit.copy_abs())
    if order > 0 or (order == 0 and EXACT.remainder(quotient, TWO) != 0):
        quotient = EXACT.add(quotient, ONE if (a < 0) == (b < 0) else -ONE)
    return _no_negative_zero(EXACT.multiply(quotient, q))


def div_down(a: Decimal, b: Decimal, q: Decimal) -> Decimal:
    """a / b cut toward zero to a multiple of ``q``, exactly: never more than the exact share."""
    quotient, _ = EXACT.divmod(a, EXACT.multiply(b, q))
    return _no_negative_zero(EXACT.multiply(quotient, q))


def round_fraction(value: Fraction, q: Decimal) -> Decimal:
    """An exact rational rounded half-even to a multiple of ``q``."""
    return _no_negative_zero(EXACT.multiply(Decimal(round(value / Fraction(q))), q))


def truncate_fraction(value: Fraction, q: Decimal) -> Decimal:
    """An exact rational cut toward zero to a multiple of ``q``."""
    return _no_negative_zero(EXACT.multiply(Decimal(int(value / Fraction(q))), q))


def total_of(values: Sequence[Decimal], start: Decimal = ZERO) -> Decimal:
    """Exact sum, left to right from ``start`` (the same operations, so the same result, every time)."""
    result = start
    for value in values:
        result = EXACT.add(result, value)
    return result


def allocate(total: Decimal, weights: Sequence[Decimal | Fraction], q: Decimal) -> list[Decimal]:
    """Split ``total`` pro rata to ``weights`` (all of one sign): each share but the last is cut toward zero to
    ``q``, the last takes the remainder.

    The shares sum to ``total`` exactly (the ledger, the lots and the P&L stay reconciled) and each has the sign
    of ``total`` and at most its size (an allocated commission is never negative).
    """
    if len(weights) == 1:
        return [total]
    parts = [Fraction(w) for w in weights]
    whole = sum(parts, Fraction(0))
    exact_total = Fraction(total)
    shares = [truncate_fraction(exact_total * part / whole, q) for part in parts[:-1]]
    shares.append(EXACT.subtract(total, total_of(shares)))
    return shares
