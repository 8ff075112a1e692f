"""Compare events by meaning: decimals by value, timestamps as instants; report the first differing field.

Used by the conformance runner and by the round-trip tests. ``"1.50"`` equals ``"1.5"``;
``"2024-01-02T00:00:00+01:00"`` equals ``"2024-01-01T23:00:00Z"``; anything else compares exactly.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any, Iterable

from qtrader.contracts.scalars import PLAIN_DECIMAL_RE

_TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})$")


def _scalar_equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        if a == b:
            return True
        if PLAIN_DECIMAL_RE.fullmatch(a) and PLAIN_DECIMAL_RE.fullmatch(b):
            return Decimal(a) == Decimal(b)
        if _TIMESTAMP.match(a) and _TIMESTAMP.match(b):
            same: bool = datetime.fromisoformat(a.replace("Z", "+00:00")) == datetime.fromisoformat(b.replace("Z", "+00:00"))
            return same
        return False
    if type(a) is not type(b):
        return False
    equal: bool = a == b
    return equal


def first_difference(expected: Any, actual: Any, ignore: Iterable[str] = (), path: str = "") -> str | None:
    """The path of the first field where ``actual`` differs from ``expected`` (with both values), or None."""
    ignored = set(ignore)
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in list(expected) + [k for k in actual if k not in expected]:
            if key in ignored:
                continue
            where = f"{path}.{key}" if path else key
            if key not in actual:
                return f"{where}: expected {expected[key]!r}, missing"
            if key not in expected:
                return f"{where}: unexpected field with value {actual[key]!r}"
            found = first_difference(expected[key], actual[key], ignored, where)
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        for i, (e, a) in enumerate(zip(expected, actual)):
            found = first_difference(e, a, ignored, f"{path}[{i}]")
            if found:
                return found
        if len(expected) != len(actual):
            return f"{path}: expected {len(expected)} items, got {len(actual)}"
        return None
    if _scalar_equal(expected, actual):
        return None
    return f"{path or '(value)'}: expected {expected!r}, got {actual!r}"
