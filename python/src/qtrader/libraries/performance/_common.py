"""Shared helpers: one fixed Decimal context, input coercion, JSON-safe floats, timestamp handling.

Private to the performance library; it depends on nothing in qtrader but libraries/numbers.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from numbers import Real
from typing import Any

import numpy as np

from qtrader.libraries.numbers import RATIO

# Every Decimal operation in this library goes through this context (the RATIO role of libraries/numbers.py),
# never the thread's current one, so results do not depend on what other code did to ``decimal.getcontext()``.
DEC = RATIO

ZERO = Decimal(0)


def to_decimal(value: Any, what: str) -> Decimal:
    """Exact Decimal for an equity or P&L figure; floats go through ``repr`` (shortest round-trip)."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise TypeError(f"{what}: expected a number, got a bool ({value!r})")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    else:
        try:
            result = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"{what}: {value!r} is not a number") from None
    if not result.is_finite():
        raise ValueError(f"{what}: {value!r} is not finite; pass a finite number")
    return result


def check_periods_per_year(periods_per_year: float) -> float:
    ppy = float(periods_per_year)
    if not math.isfinite(ppy) or ppy <= 0:
        raise ValueError(f"periods_per_year must be a finite number > 0, got {periods_per_year!r}")
    return ppy


def as_float_array(values: Iterable[Any], what: str) -> np.ndarray:
    """1-D float64 array of finite values; raises ValueError naming ``what`` otherwise."""
    if isinstance(values, np.ndarray) and values.dtype == np.float64 and values.ndim == 1 \
            and bool(np.isfinite(values).all()):
        return values  # already what is asked (a long run's returns); callers never write into it
    out: list[float] = []
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, (Real, Decimal)):
            raise TypeError(f"{what}[{i}]: expected a number, got {v!r}")
        f = float(v)
        if not math.isfinite(f):
            raise ValueError(f"{what}[{i}]: {v!r} is not finite; pass finite returns only")
        out.append(f)
    return np.asarray(out, dtype=np.float64)


def finite_or_none(x: Any) -> float | None:
    """Python float, or None for anything undefined (None, NaN, +/-inf)."""
    if x is None:
        return None
    f = float(x)
    return f if math.isfinite(f) else None


def safe_pow(base: float, exponent: float) -> float | None:
    """``base ** exponent`` as a finite float, or None when it overflows or is not real."""
    try:
        r = math.pow(base, exponent)
    except (OverflowError, ValueError):
        return None
    return r if math.isfinite(r) else None


def to_datetime(t: Any) -> Any:
    """Dates become midnight datetimes so dates and datetimes can be subtracted; other values pass."""
    if isinstance(t, date) and not isinstance(t, datetime):
        return datetime.combine(t, time())
    return t


def elapsed_days(start: Any, end: Any) -> float | None:
    """Calendar days from ``start`` to ``end`` as a float, None if the timestamps are not date-like."""
    try:
        delta = to_datetime(end) - to_datetime(start)
    except TypeError:
        return None
    if isinstance(delta, timedelta):
        return delta.total_seconds() / 86400.0
    return None


def iso(t: Any) -> str | None:
    """ISO-8601 text of a timestamp (``str()`` for anything without ``isoformat``)."""
    if t is None:
        return None
    fmt = getattr(t, "isoformat", None)
    return fmt() if callable(fmt) else str(t)


def money(d: Decimal | None) -> str | None:
    """JSON form of a money figure: the Decimal's exact text."""
    return None if d is None else str(d)
