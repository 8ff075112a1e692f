"""Execution's decimal arithmetic: the MONEY context's methods (libraries/numbers.py), bound once.

Quantities and prices may carry 26 integer and 12 fraction digits (the contracts' limit): 38 significant digits,
so every sum and product of two of them is exact in MONEY's 100 digits; rounding happens only where a caller
quantizes on purpose. The bound methods are module attributes because fills and slippage call them on every
bar: a method looked up per call costs twice as much (docs/performance.md).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import TypeGuard

from qtrader.libraries.numbers import HUNDRED, MONEY, ONE, ZERO, quantize

__all__ = ["BPS_PER_UNIT", "HUNDRED", "ONE", "ZERO", "add", "at_most", "div", "is_finite_decimal", "mul",
           "quantize", "sub"]

BPS_PER_UNIT = Decimal(10000)

add = MONEY.add
sub = MONEY.subtract
mul = MONEY.multiply
div = MONEY.divide


def is_finite_decimal(value: object) -> TypeGuard[Decimal]:
    """True for a finite Decimal (a model built with model_construct may carry anything)."""
    return isinstance(value, Decimal) and value.is_finite()


def at_most(value: Decimal, places: int, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """Round to at most ``places`` fraction digits; a value that already has fewer keeps its spelling."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -places:
        return value
    return quantize(value, places, rounding)
