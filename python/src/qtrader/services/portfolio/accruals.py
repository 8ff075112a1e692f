"""Day-count accruals: borrow fees on shorts, interest on cash, and the carry of sub-unit remainders.

Convention (ACT/365 by default, or ACT/360): the accrual of ``days`` calendar days on a balance at an annual rate
is ``balance x rate x days / basis``, rounded half-even to 12 places. The portfolio charges whole money units
(``money_decimals``): what is left below one unit is carried to the next charge, so over any period the charges
add up to the exact accrual within half a unit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from qtrader.libraries.numbers import EXACT, Q12, ZERO, div_round, round_to
from qtrader.services.portfolio.ledger import LedgerKind
from qtrader.services.portfolio.money import total_of

if TYPE_CHECKING:
    from qtrader.services.portfolio.book import Book


def accrued(balance: Decimal, annual_rate: Decimal, days: int, basis: int) -> Decimal:
    """balance x annual_rate x days / basis, rounded half-even to 12 places."""
    if not annual_rate or not balance or days <= 0:
        return ZERO
    numerator = EXACT.multiply(EXACT.multiply(balance, annual_rate), Decimal(days))
    return div_round(numerator, Decimal(basis), Q12)


def borrow_fee(short_quantity: Decimal, price: Decimal, annual_rate: Decimal, days: int, basis: int) -> Decimal:
    """Cash flow (<= 0) of borrowing ``|short_quantity|`` units worth ``price`` each for ``days`` days."""
    value = EXACT.multiply(short_quantity.copy_abs(), price)
    return accrued(value, annual_rate, days, basis).copy_negate() if value and annual_rate else ZERO


def interest(balance: Decimal, margin_rate: Decimal, cash_rate: Decimal, days: int, basis: int) -> Decimal:
    """Cash flow on a cash balance: < 0 paid at margin_rate on a negative balance, > 0 earned at cash_rate."""
    if balance < 0:
        return accrued(balance, margin_rate, days, basis)
    return accrued(balance, cash_rate, days, basis)


def charge_with_carry(residual: Decimal, accrual: Decimal, q: Decimal) -> tuple[Decimal, Decimal]:
    """(amount charged now, rounded half-even to ``q``; what is carried to the next charge)."""
    total = EXACT.add(residual, accrual)
    charge = round_to(total, q)
    return charge, EXACT.subtract(total, charge)


def accrue(book: Book, event: Any, days: int, borrow_rate: Decimal, margin_rate: Decimal, cash_rate: Decimal,
           basis: int) -> bool:
    """Charge ``days`` calendar days of interest on each cash balance and borrow fees on each short (at its last
    price), carrying what rounds below one money unit; True if anything was charged."""
    flows: list[tuple[LedgerKind, str, str, str | None, Decimal]] = []
    for currency, balance in book.ledger.balances().items():
        flows.append((LedgerKind.INTEREST, currency, currency, None,
                      interest(balance, margin_rate, cash_rate, days, basis)))
    for held in sorted(book.lots):
        quantity = total_of([lot.quantity for lot in book.lots[held]])
        if quantity < 0:
            fee = borrow_fee(quantity, book.prices[held], borrow_rate, days, basis)
            flows.append((LedgerKind.BORROW_FEE, held, book.currency(held), held, fee))
    changed = False
    for kind, key, currency, symbol, accrual in flows:
        carried = book.residuals.pop((kind, key), None)
        if not accrual and carried is None:
            continue
        charge, residual = charge_with_carry(carried[1] if carried else ZERO, accrual, book.q)
        if residual:
            book.residuals[(kind, key)] = (currency, residual)
        if charge:
            book.ledger.book(kind, event.event_id, event.occurred_at, currency, charge, symbol)
            book.fees -= book.flow(currency, charge, book.rate(currency))
            changed = True
    return changed
