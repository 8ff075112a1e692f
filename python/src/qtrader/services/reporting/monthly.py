"""Monthly and yearly returns of the equity curve (the report's year x month table)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from decimal import Decimal

from qtrader.libraries.numbers import RATIO
from qtrader.services.reporting.rows import ColumnRow


def _ret(end: Decimal, base: Decimal) -> float | None:
    return None if base <= 0 else float(RATIO.subtract(RATIO.divide(end, base), 1))


class MonthEnds:
    """The last equity of each (UTC) month and the first equity of the curve, gathered piece by piece."""

    def __init__(self) -> None:
        self.first: Decimal | None = None
        self.month_end: dict[tuple[int, int], Decimal] = {}

    def add(self, months: Sequence[tuple[int, int]], equities: Sequence[Decimal], first: Decimal | None = None) -> None:
        """Points in time order: their (year, month) and equity (the last one of a month wins). ``first``: the
        equity of the first point of this piece, when ``equities`` holds only month ends."""
        if self.first is None:
            self.first = first if first is not None else (equities[0] if equities else None)
        self.month_end.update(zip(months, equities))

    def table(self) -> dict[int, dict[int | str, float | None]]:
        """{year: {1..12: return, "year": return}}, as ``monthly_returns``."""
        month_end = self.month_end
        table: dict[int, dict[int | str, float | None]] = {}
        if self.first is None:
            return table
        base = self.first
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


def monthly_returns(rows: Sequence[ColumnRow]) -> dict[int, dict[int | str, float | None]]:
    """{year: {1..12: return, "year": return}} from the last equity of each (UTC) month.

    A month's return is its last equity over the previous month's last equity, minus 1; the first month's
    base is the first point of the curve. Months without a point are absent. None when the base is <= 0.
    """
    ends = MonthEnds()
    months = []
    for row in rows:
        t = row["timestamp"].astimezone(UTC)
        months.append((t.year, t.month))
    ends.add(months, [row["equity"] for row in rows])
    return ends.table()
