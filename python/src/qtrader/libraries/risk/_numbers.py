"""Decimal plumbing shared by sizing and limits, so both do arithmetic the same way on every machine."""

from __future__ import annotations

from decimal import Context, Decimal

from qtrader.libraries.numbers import INDICATOR, plain, trimmed

PRECISION = INDICATOR.prec
ROUNDING = INDICATOR.rounding


def risk_context() -> Context:
    """The INDICATOR role's context (libraries/numbers.py: 28 digits, half-even, traps on), so results never
    depend on the caller's context."""
    return INDICATOR


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


def shown(value: Decimal) -> str:
    """A figure in a message: the plain spelling without trailing zeros ("1E+5" -> "100000", "25.00" -> "25")."""
    return plain(trimmed(value))
