"""Argument checks shared by all indicators, so every message reads the same way."""

from __future__ import annotations

from decimal import Decimal


def check_period(period: object, name: str = "period") -> int:
    """Return ``period`` if it is an int >= 1; else ValueError (bools and floats are refused)."""
    if isinstance(period, bool) or not isinstance(period, int):
        # ValueError, not TypeError: every bad constructor argument raises the same exception type.
        got = f"{period!r} ({type(period).__name__})"
        raise ValueError(f"{name} must be an int >= 1, got {got}")  # noqa: TRY004
    if period < 1:
        raise ValueError(f"{name} must be an int >= 1, got {period}")
    return period


def check_positive_decimal(value: object, name: str) -> Decimal:
    """Return ``value`` if it is a finite Decimal > 0; else ValueError (floats are refused)."""
    if not isinstance(value, Decimal):
        raise ValueError(  # noqa: TRY004 - see check_period
            f"{name} must be a Decimal > 0 (e.g. Decimal('2')), got {value!r} ({type(value).__name__})"
        )
    if not value.is_finite() or not value > 0:
        raise ValueError(f"{name} must be a finite Decimal > 0, got {value!r}")
    return value


def check_input(value: object, name: str) -> Decimal:
    """Return an update input if it is a finite Decimal: TypeError for floats etc., ValueError for NaN/inf."""
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, got {value!r} ({type(value).__name__})")
    if not value.is_finite():
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value
