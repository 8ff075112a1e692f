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
_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(40))  # 10 ** -places


#: The one context of this module. A context records flags (Inexact, Rounded...) as it is used; nothing reads
#: them, and a recorded flag never changes a later result or what raises (only the traps do), so sharing it is
#: exactly a fresh context per operation, without building one (which cost more than the operation).
CONTEXT = Context(prec=PRECISION, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])


add = CONTEXT.add
sub = CONTEXT.subtract
mul = CONTEXT.multiply
div = CONTEXT.divide


def quantize(value: Decimal, places: int, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """Round to ``places`` fraction digits with an explicit rounding mode."""
    return value.quantize(_QUANTA[places] if 0 <= places < len(_QUANTA) else ONE.scaleb(-places, CONTEXT),
                          rounding=rounding, context=CONTEXT)


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
