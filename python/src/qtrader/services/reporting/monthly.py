"""Monthly and yearly returns of the equity curve (the report's year x month table)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any

_CTX = Context(prec=34, rounding=ROUND_HALF_EVEN)


def _ret(end: Decimal, base: Decimal) -> float | None:
    return None if base <= 0 else float(_CTX.subtract(_CTX.divide(end, base), 1))


def monthly_returns(rows: Sequence[Mapping[str, Any]]) -> dict[int, dict[int | str, float | None]]:
    """{year: {1..12: return, "year": return}} from the last equity of each (UTC) month.

    A month's return is its last equity over the previous month's last equity, minus 1; the first month's
    base is the first point of the curve. Months without a point are absent. None when the base is <= 0.
    """
    month_end: dict[tuple[int, int], Decimal] = {}
    for row in rows:
        t = row["timestamp"].astimezone(UTC)
        month_end[(t.year, t.month)] = row["equity"]  # rows are in time order: the last one wins
    table: dict[int, dict[int | str, float | None]] = {}
    if not rows:
        return table
    base = rows[0]["equity"]
    year_base = base
    keys = sorted(month_end)
    for i, (year, month) in enumerate(keys):
        end = month_end[(year, month)]
        table.setdefault(year, {})[month] = _ret(end, base)
        base = end
        if i + 1 == len(keys) or keys[i + 1][0] != year:
            table[year]["year"] = _ret(end, year_base)
            year_base = end
    return table
