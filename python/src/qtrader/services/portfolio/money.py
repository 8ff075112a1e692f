"""The portfolio's own rounding rules on top of libraries/numbers.py: exact rationals, exact sums, pro rata.

The service runs every handler under ``EXACT`` (libraries/numbers.py): an operator that would round silently
raises instead. Rounding happens only through an explicit quantum, half-even (banker's rounding) unless a rule
says "cut toward zero".
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Sequence

from qtrader.libraries.numbers import EXACT, ZERO, no_negative_zero


def round_fraction(value: Fraction, q: Decimal) -> Decimal:
    """An exact rational rounded half-even to a multiple of ``q``."""
    return no_negative_zero(EXACT.multiply(Decimal(round(value / Fraction(q))), q))


def truncate_fraction(value: Fraction, q: Decimal) -> Decimal:
    """An exact rational cut toward zero to a multiple of ``q``."""
    return no_negative_zero(EXACT.multiply(Decimal(int(value / Fraction(q))), q))


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
