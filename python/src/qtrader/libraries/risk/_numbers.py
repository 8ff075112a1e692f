"""Decimal plumbing shared by sizing and limits, so both do arithmetic the same way on every machine."""

from __future__ import annotations

from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

PRECISION = 28
ROUNDING = ROUND_HALF_EVEN


_CONTEXT = Context(prec=PRECISION, rounding=ROUNDING, traps=[InvalidOperation, DivisionByZero, Overflow])


def risk_context() -> Context:
    """The fixed context (prec=28, ROUND_HALF_EVEN, traps on), so results never depend on the caller's.

    One shared context: it records flags as it is used, but nothing reads them and a recorded flag never changes
    a later result or what raises (only the traps do), so it is exactly a fresh context per call, without
    building one each time.
    """
    return _CONTEXT


def as_decimal(value: object, name: str) -> Decimal:
    """Accept a finite Decimal or an int; refuse floats so binary rounding never leaks into money."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{name} must be a Decimal (or int), got {type(value).__name__} {value!r}")
    result = value if isinstance(value, Decimal) else Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be finite, got {result}")
    return result


def as_count(value: object, name: str) -> int:
    """Accept an int or an integral Decimal for counts (slots, positions, periods)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise ValueError(f"{name} must be a whole number, got {value}")
        return int(value)
    return value


def plain(value: Decimal) -> str:
    """Render without exponent or trailing zeros ("1E+5" -> "100000", "25.00" -> "25") for messages."""
    text = format(value.normalize(risk_context()), "f")
    return "0" if text in ("-0", "0") else text
