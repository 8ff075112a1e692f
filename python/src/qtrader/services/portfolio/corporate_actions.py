"""Corporate actions: splits and cash dividends, applied to the book when their ex-date comes.

A split scales a position by split_to/split_from in four steps: the last price is rescaled; the new quantity of
each lot is cut (``_cut``: whole units for the position, the fraction off the newest lots); the fraction is paid
as cash in lieu, which realizes its share of cost and commission (``_pay_cash_in_lieu``); the lots take their
new quantities and rescaled open prices (cost unchanged). A dividend is fixed at its ex-date on the quantity held
then, and paid into cash on its pay-date.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from qtrader.contracts.generated.models.common.types_v1 import CorporateActionType
from qtrader.contracts.generated.models.portfolio.portfolio_snapshot_v1 import DividendAccrual, PendingAction
from qtrader.errors import ContractError, DataError
from qtrader.libraries.numbers import Q12, ZERO, div_round, mul_round, trimmed
from qtrader.services.portfolio.book import Book, where
from qtrader.services.portfolio.ledger import LedgerKind
from qtrader.services.portfolio.lots import OpenLot
from qtrader.services.portfolio.money import allocate, round_fraction, total_of, truncate_fraction


def pending_from(book: Book, action: Any) -> PendingAction:
    """A CorporateAction event as the pending action the book keeps until its ex-date (checked here)."""
    fields = dict(action_id=action.event_id, symbol=action.symbol, action_type=action.action_type,
                  ex_date=action.ex_date)
    if action.action_type == CorporateActionType.SPLIT:
        if not action.split_to or not action.split_from:
            raise ContractError(f"{where(action)}: a SPLIT needs split_to and split_from > 0")
        fields.update(split_to=action.split_to, split_from=action.split_from)
    else:
        if not action.cash_amount or action.pay_date is None:
            raise ContractError(f"{where(action)}: a CASH_DIVIDEND needs cash_amount > 0 and pay_date")
        fields.update(cash_amount=action.cash_amount, pay_date=action.pay_date,
                      currency=action.currency or book.currency(action.symbol))
    pending: PendingAction = PendingAction.trusted(**fields)
    return pending


def apply_action(book: Book, action: PendingAction, event: Any) -> bool:
    """Apply a corporate action whose ex-date has come; True when it changed the portfolio."""
    if action.action_type == CorporateActionType.SPLIT:
        return split(book, action, event)
    return _fix_dividend(book, action, event)


# -- dividends --------------------------------------------------------------------------------------------------


def _fix_dividend(book: Book, action: PendingAction, event: Any) -> bool:
    """A dividend on the quantity held at the ex-date, paid at once if its pay-date has come."""
    lots = book.lots.get(action.symbol)
    quantity = total_of([lot.quantity for lot in lots]) if lots else ZERO
    if not quantity:
        return False
    assert action.cash_amount is not None  # checked by pending_from
    amount = mul_round(quantity, action.cash_amount, book.q)
    book.pending_dividends.append(DividendAccrual.trusted(
        action_id=action.action_id, symbol=action.symbol, ex_date=action.ex_date, pay_date=action.pay_date,
        currency=action.currency, quantity=quantity, amount=amount,
    ))
    book.pending_dividends.sort(key=lambda d: d.pay_date)  # stable: same pay-date keeps arrival order
    assert book.last_date is not None  # an action is applied only once the book has a date
    pay_dividends(book, book.last_date, event)
    return True


def pay_dividends(book: Book, today: date, event: Any) -> bool:
    """Pay the dividends whose pay-date has come; True if any was."""
    due = [d for d in book.pending_dividends if d.pay_date <= today]
    if not due:
        return False
    book.pending_dividends = [d for d in book.pending_dividends if d.pay_date > today]
    for dividend in due:
        book.ledger.book(LedgerKind.DIVIDEND, dividend.action_id, event.occurred_at, dividend.currency,
                         dividend.amount, dividend.symbol)
        book.dividends += book.flow(dividend.currency, dividend.amount, book.rate(dividend.currency))
    return True


# -- splits -----------------------------------------------------------------------------------------------------


class _Cut(NamedTuple):
    """How a split cuts a position's lots."""

    scaled: list[Fraction]  # each lot's quantity x ratio, exact
    removed: list[Fraction]  # what each lot gives up for cash in lieu (the fraction comes off the newest lots)
    new_quantities: list[Decimal]  # each lot's quantity after the split
    whole: int  # the position's whole units after the split (toward zero)
    fraction: Fraction  # the position's fractional unit, paid in cash


def split(book: Book, action: PendingAction, event: Any) -> bool:
    """Scale lots by split_to/split_from (cost unchanged); pay the position's fractional share as cash."""
    symbol, to, frm = action.symbol, action.split_to, action.split_from
    assert to is not None and frm is not None  # checked by pending_from
    if to == frm:
        return False
    old_price = book.prices.get(symbol)
    if old_price is not None:
        book.prices[symbol] = div_round(old_price * frm, to, Q12)
    lots = book.lots.get(symbol)
    if not lots:
        return False
    currency = book.currency(symbol)
    old_quantity = total_of([lot.quantity for lot in lots])
    cut = _cut(lots, Fraction(to) / Fraction(frm))
    removed_quantity = trimmed(round_fraction(cut.fraction, Q12))
    book.ledger.book(LedgerKind.SPLIT, action.action_id, event.occurred_at, currency, ZERO, symbol,
                     Decimal(cut.whole) + removed_quantity - old_quantity)
    if cut.fraction:
        if old_price is None:
            raise DataError(f"{where(event)}: no price of {symbol} to pay its fractional share in cash")
        price = Fraction(old_price) * Fraction(frm) / Fraction(to)  # the pre-split price of a post-split unit, exact
        _pay_cash_in_lieu(book, action, event, lots, cut, price, removed_quantity)
    for lot, quantity in zip(lots, cut.new_quantities):
        lot.quantity = quantity
        lot.open_price = div_round(lot.open_price * frm, to, Q12)
        lot.model = None
    lots[:] = [lot for lot in lots if lot.quantity]
    if not lots:
        del book.lots[symbol]
    return True


def _cut(lots: list[OpenLot], ratio: Fraction) -> _Cut:
    """Each lot's new quantity: whole units for the position, the fraction taken off the newest lots, every
    quantity cut to 12 places (the newest open lot absorbs the drift of a non-terminating ratio)."""
    scaled = [Fraction(lot.quantity) * ratio for lot in lots]
    total = sum(scaled, Fraction(0))
    whole = int(total)  # toward zero
    fraction = total - whole
    removed = [Fraction(0)] * len(lots)
    left = fraction
    for i in range(len(lots) - 1, -1, -1):  # the fraction comes off the newest lots
        if not left:
            break
        removed[i] = left if abs(left) <= abs(scaled[i]) else scaled[i]
        left -= removed[i]
    new_quantities = [truncate_fraction(s - r, Q12) for s, r in zip(scaled, removed)]
    drift = Decimal(whole) - total_of(new_quantities)
    if drift:
        j = max(i for i, n in enumerate(new_quantities) if n)
        new_quantities[j] += drift
    return _Cut(scaled, removed, [trimmed(n) for n in new_quantities], whole, fraction)


def _pay_cash_in_lieu(book: Book, action: PendingAction, event: Any, lots: list[OpenLot], cut: _Cut,
                      price: Fraction, removed_quantity: Decimal) -> None:
    """Pay the fractional unit at ``price`` (the pre-split price of a post-split unit); each lot that gives up a
    part realizes its share of the cash less its share of cost and commission."""
    symbol, q = action.symbol, book.q
    currency = book.currency(symbol)
    cash = round_fraction(cut.fraction * price, q)
    book.ledger.book(LedgerKind.CASH_IN_LIEU, action.action_id, event.occurred_at, currency, cash, symbol,
                     -removed_quantity)
    parts = [i for i, r in enumerate(cut.removed) if r]
    shares = allocate(cash, [abs(cut.removed[i]) for i in parts], q)
    rate = book.rate(currency)
    for i, share in zip(parts, shares):
        lot = lots[i]
        if cut.new_quantities[i]:
            part = cut.removed[i] / cut.scaled[i]
            cost = round_fraction(Fraction(lot.cost) * part, q)
            commission = min(lot.commission, truncate_fraction(Fraction(lot.commission) * part, q))
        else:
            cost, commission = lot.cost, lot.commission
        lot.cost -= cost
        lot.commission -= commission
        book.realize(symbol, currency, share - cost - commission, rate)
