"""Tax lots and the pure functions that decide which lots a closing trade consumes.

Methods (the position's lots are all long or all short; ties always go to the older lot):

- FIFO: oldest lot first.  LIFO: newest lot first.
- HIFO, "most favourable for tax": the lot whose closing realizes the smallest gain (or the largest loss) first.
  For a long that is the highest open (purchase) price first; for a short it is the mirror, the LOWEST open
  (sale) price first, because a short's gain is open price - close price.
- Specific lots: the ids a Fill names in ``lot_ids``, in that order; any quantity left over is closed by the
  configured method. Naming a lot that is not open in this position is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Sequence

from qtrader.libraries.numbers import EXACT


@dataclass(slots=True)
class OpenLot:
    """One open lot. ``cost`` and ``commission`` shrink pro rata as parts of it are closed."""

    lot_id: str
    quantity: Decimal  # signed: > 0 long, < 0 short
    open_price: Decimal  # per unit, split-adjusted, informative (the cost is the truth)
    opened_at: datetime
    cost: Decimal  # signed cash cost of the open quantity, in the instrument's currency
    commission: Decimal  # opening commission allocated to the open quantity
    model: Any = None  # the contract Lot built from it, cached until the lot changes


class UnknownLotError(ValueError):
    """A Fill names a lot that is not open in the position it closes."""

    def __init__(self, lot_id: str, open_ids: Sequence[str]) -> None:
        super().__init__(lot_id)
        self.lot_id = lot_id
        self.open_ids = tuple(open_ids)


def closing_order(lots: Sequence[OpenLot], method: str) -> list[int]:
    """Indices of ``lots`` (oldest first) in the order ``method`` closes them."""
    count = len(lots)
    if method == "FIFO":
        return list(range(count))
    if method == "LIFO":
        return list(range(count - 1, -1, -1))
    if method == "HIFO":
        if count and lots[0].quantity < 0:  # a short: lowest sale price first
            return sorted(range(count), key=lambda i: (lots[i].open_price, i))
        return sorted(range(count), key=lambda i: (-lots[i].open_price, i))
    raise ValueError(f"unknown lot method {method!r}; use FIFO, LIFO or HIFO")


def match_lots(lots: Sequence[OpenLot], quantity: Decimal, method: str,
               lot_ids: Sequence[str] = ()) -> list[tuple[int, Decimal]]:
    """(lot index, quantity closed > 0) pairs for closing ``quantity`` (> 0, at most the position) of ``lots``.

    The named ``lot_ids`` go first, in order; the method covers the rest. Every named id must be open.
    """
    index = {lot.lot_id: i for i, lot in enumerate(lots)}
    named: list[int] = []
    for lot_id in lot_ids:
        if lot_id not in index:
            raise UnknownLotError(lot_id, [lot.lot_id for lot in lots])
        if index[lot_id] not in named:  # a repeated id closes its lot once
            named.append(index[lot_id])
    remaining = quantity
    taken: list[tuple[int, Decimal]] = []
    used = set(named)
    for i in named + [i for i in closing_order(lots, method) if i not in used]:
        if not remaining:
            break
        take = min(remaining, lots[i].quantity.copy_abs())
        taken.append((i, take))
        remaining = EXACT.subtract(remaining, take)
    if remaining:
        raise ValueError(f"closing {quantity} exceeds the open lots by {remaining}")
    return taken
