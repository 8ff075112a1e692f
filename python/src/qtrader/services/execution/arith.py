"""Decimal arithmetic with an explicit context, so no result depends on the thread's global decimal context.

Quantities and prices may carry 26 integer and 12 fraction digits (the contracts' limit): 38 significant digits,
more than the default context's 28. Every sum, product and quotient here uses a fresh context of 100 digits with
ROUND_HALF_EVEN and traps on, which is exact for every product of two contract decimals; rounding happens only
where a caller quantizes on purpose.
"""

from __future__ import annotations

from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

PRECISION = 100
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
BPS_PER_UNIT = Decimal(10000)


def context() -> Context:
    """A fresh context (flags are per use, never shared state)."""
    return Context(prec=PRECISION, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])


def add(a: Decimal, b: Decimal) -> Decimal:
    return context().add(a, b)


def sub(a: Decimal, b: Decimal) -> Decimal:
    return context().subtract(a, b)


def mul(a: Decimal, b: Decimal) -> Decimal:
    return context().multiply(a, b)


def div(a: Decimal, b: Decimal) -> Decimal:
    return context().divide(a, b)


def quantize(value: Decimal, places: int, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """Round to ``places`` fraction digits with an explicit rounding mode."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=rounding, context=context())


def is_finite_decimal(value: object) -> bool:
    """True for a finite Decimal (a model built with model_construct may carry anything)."""
    return isinstance(value, Decimal) and value.is_finite()


def plain(value: Decimal) -> str:
    """Plain notation for messages: no exponent."""
    return format(value, "f")


def at_most(value: Decimal, places: int, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """Round to at most ``places`` fraction digits; a value that already has fewer keeps its spelling."""
    if value.as_tuple().exponent >= -places:
        return value
    return quantize(value, places, rounding)
