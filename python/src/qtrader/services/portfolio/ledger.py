"""The ledger: every cash or position change, in booking order; cash balances are its sums.

Cash is never changed except by booking an entry, so "the entries of a currency sum to its cash balance" holds
by construction at every moment. The opening DEPOSIT entry carries the initial cash (the run id as its event id,
no timestamp: it precedes simulation time). The kinds are the contract's enum ``LedgerKind``
(portfolio_snapshot.v1.json).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Iterable

from qtrader.contracts.generated.models.portfolio.portfolio_snapshot_v1 import LedgerEntry, LedgerKind
from qtrader.libraries.numbers import EXACT, ZERO

__all__ = ["Ledger", "LedgerEntry", "LedgerKind"]


class Ledger:
    """Append-only entries and the running cash balance of each currency."""

    __slots__ = ("_entries", "_balances")

    def __init__(self) -> None:
        self._entries: list[LedgerEntry] = []
        self._balances: dict[str, Decimal] = {}

    def book(self, kind: LedgerKind, event_id: str, occurred_at: datetime | None, currency: str, amount: Decimal,
             symbol: str | None = None, quantity: Decimal | None = None) -> LedgerEntry:
        fields: dict[str, object] = dict(sequence=len(self._entries), kind=kind, event_id=event_id, currency=currency,
                                         amount=amount)
        if occurred_at is not None:
            fields["occurred_at"] = occurred_at
        if symbol is not None:
            fields["symbol"] = symbol
        if quantity is not None:
            fields["quantity"] = quantity
        entry: LedgerEntry = LedgerEntry.trusted(**fields)
        self._entries.append(entry)
        self._balances[currency] = EXACT.add(self._balances.get(currency, ZERO), amount)
        return entry

    def balance(self, currency: str) -> Decimal:
        return self._balances.get(currency, ZERO)

    def balances(self) -> dict[str, Decimal]:
        """Every currency ever booked -> its balance, sorted by currency code."""
        return {currency: self._balances[currency] for currency in sorted(self._balances)}

    def entries(self) -> tuple[LedgerEntry, ...]:
        return tuple(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def replay(cls, entries: Iterable[LedgerEntry]) -> Ledger:
        """A ledger holding ``entries``; balances are re-summed in order, so they equal the original's exactly."""
        ledger = cls()
        for entry in entries:
            if entry.sequence != len(ledger._entries):
                raise ValueError(f"ledger entry {entry.sequence} is out of order (expected {len(ledger._entries)})")
            ledger._entries.append(entry)
            ledger._balances[entry.currency] = EXACT.add(ledger._balances.get(entry.currency, ZERO), entry.amount)
        return ledger
