"""Trading: a fill booked into the lots (FIFO, LIFO, HIFO or named lots), with its realized P&L and commission.

A fill first closes lots of the opposite side, then opens a lot with any quantity left. Closing proceeds and the
closing commission are shared among the closed lots pro rata by quantity (``allocate``: the shares sum exactly);
the closed lots' cost and opening commission leave with them, so realized P&L = proceeds - cost - commissions.
A fill on an FX symbol is a currency conversion: no lots, cash from one currency to the other.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qtrader.contracts.generated.models.common.types_v1 import Side
from qtrader.contracts.generated.models.portfolio.portfolio_state_v1 import ClosedLot
from qtrader.errors import ContractError, DataError
from qtrader.libraries.numbers import ZERO, div_down, div_round, mul_round
from qtrader.services.portfolio.book import Book, where
from qtrader.services.portfolio.fx import CurrencyBook, book_flow
from qtrader.services.portfolio.ledger import LedgerKind
from qtrader.services.portfolio.lots import OpenLot, UnknownLotError, match_lots
from qtrader.services.portfolio.money import allocate, total_of


def trade(book: Book, fill: Any, lot_method_long: str, lot_method_short: str) -> list[ClosedLot]:
    """Book a fill of an instrument: close lots first, open a lot with any quantity left; return round trips."""
    symbol, q = fill.symbol, book.q
    currency = book.currency(symbol)
    if fill.currency is not None and fill.currency != currency:
        raise DataError(currency_mismatch(book, fill, fill.currency))
    buy = fill.side == Side.BUY
    quantity, commission = fill.quantity, fill.commission
    lots = book.lots.get(symbol, [])
    position = total_of([lot.quantity for lot in lots])
    close_qty = min(quantity, position.copy_abs()) if (position < 0 if buy else position > 0) else ZERO
    open_qty = quantity - close_qty
    if fill.lot_ids and not close_qty:
        raise ContractError(_unknown_lot(fill, fill.lot_ids[0], lots))
    matches: list[tuple[int, Decimal]] = []
    if close_qty:
        method = lot_method_short if buy else lot_method_long
        try:
            matches = match_lots(lots, close_qty, method, fill.lot_ids or ())
        except UnknownLotError as exc:
            raise ContractError(_unknown_lot(fill, exc.lot_id, lots)) from None
    rate = book.rate(currency)
    if commission:
        book.ledger.book(LedgerKind.COMMISSION, fill.event_id, fill.occurred_at, currency, -commission, symbol)
        book.commissions += commission if currency == book.base else mul_round(commission, rate, q)
    # a fill crossing zero splits its commission by quantity: the closing part cut toward zero
    close_commission = commission if not open_qty else div_down(commission * close_qty, quantity, q)
    closed = _close(book, fill, lots, matches, close_qty, close_commission, currency, rate) if close_qty else []
    if open_qty:
        _open(book, fill, lots, open_qty if buy else -open_qty, commission - close_commission, currency)
    if lots:
        book.lots[symbol] = lots
    else:
        book.lots.pop(symbol, None)
    book.prices[symbol] = fill.price
    return closed


def _close(book: Book, fill: Any, lots: list[OpenLot], matches: list[tuple[int, Decimal]], close_qty: Decimal,
           close_commission: Decimal, currency: str, rate: Decimal) -> list[ClosedLot]:
    """Close ``close_qty`` from the matched lots; proceeds and commission are shared pro rata by quantity."""
    symbol, price, at, q = fill.symbol, fill.price, fill.occurred_at, book.q
    buy = fill.side == Side.BUY
    proceeds = mul_round(close_qty, price, q)
    proceeds = -proceeds if buy else proceeds  # buying back a short pays
    book.ledger.book(LedgerKind.TRADE, fill.event_id, at, currency, proceeds, symbol, close_qty if buy else -close_qty)
    weights: list[Decimal] = [taken for _, taken in matches]
    closed = []
    for (i, taken), lot_proceeds, lot_close_commission in zip(
            matches, allocate(proceeds, weights, q), allocate(close_commission, weights, q)):
        lot = lots[i]
        size = lot.quantity.copy_abs()
        if taken == size:
            cost, opening_commission = lot.cost, lot.commission
        else:
            cost = div_round(lot.cost * taken, size, q)
            opening_commission = div_down(lot.commission * taken, size, q)
        lot.quantity += taken if buy else -taken
        lot.cost -= cost
        lot.commission -= opening_commission
        lot.model = None
        gross = lot_proceeds - cost
        lot_commission = opening_commission + lot_close_commission
        realized = book.realize(symbol, currency, gross - lot_commission, rate)
        closed.append(ClosedLot.trusted(
            lot_id=lot.lot_id, symbol=symbol, quantity=-taken if buy else taken, open_price=lot.open_price,
            close_price=price, opened_at=lot.opened_at, closed_at=at, gross_pnl=gross,
            commission=lot_commission, realized_pnl=realized,
        ))
    lots[:] = [lot for lot in lots if lot.quantity]
    return closed


def _open(book: Book, fill: Any, lots: list[OpenLot], signed: Decimal, commission: Decimal, currency: str) -> None:
    """Open a lot of ``signed`` units; its id is the fill id (suffixed -1, -2... should it be taken)."""
    cost = mul_round(signed, fill.price, book.q)
    book.ledger.book(LedgerKind.TRADE, fill.event_id, fill.occurred_at, currency, -cost, fill.symbol, signed)
    taken_ids = {lot.lot_id for lot in lots}
    lot_id, n = fill.fill_id, 0
    while lot_id in taken_ids:
        n += 1
        lot_id = f"{fill.fill_id}-{n}"
    lots.append(OpenLot(lot_id, signed, fill.price, fill.occurred_at, cost, commission))


def convert(book: Book, fill: Any, currency: str) -> None:
    """A fill on an FX symbol converts base currency into ``currency`` (BUY) or back (SELL) at its price."""
    base = book.base
    if fill.currency is not None and fill.currency != base:
        raise ContractError(f"{where(fill)}: a fill on FX symbol {fill.symbol} is priced in the base currency "
                            f"{base}, not {fill.currency}")
    if fill.lot_ids:
        raise ContractError(f"{where(fill)}: a currency conversion ({fill.symbol}) has no lots; remove lot_ids")
    book.rate(currency)  # a conversion needs the rate to value the balance: fail before booking anything
    units = fill.quantity if fill.side == Side.BUY else -fill.quantity
    base_amount = mul_round(units, fill.price, book.q)
    at, symbol = fill.occurred_at, fill.symbol
    book.ledger.book(LedgerKind.FX_CONVERSION, fill.event_id, at, currency, units, symbol)
    book.ledger.book(LedgerKind.FX_CONVERSION, fill.event_id, at, base, -base_amount, symbol)
    _value, realized = book_flow(book.currency_books.setdefault(currency, CurrencyBook()), units, fill.price, book.q)
    book.realized_fx += realized
    if fill.commission:
        book.ledger.book(LedgerKind.COMMISSION, fill.event_id, at, base, -fill.commission, symbol)
        book.commissions += fill.commission
        book.realized_fx -= fill.commission  # a conversion's cost is part of its FX result


def currency_mismatch(book: Book, event: Any, currency: str) -> str:
    """The message for an input quoted in another currency than its instrument's."""
    configured = book.currency_of.get(event.symbol)
    known = f"configured as {configured}" if configured else f"not configured, so in the base currency {book.base}"
    return (f"{where(event)}: {event.symbol} is quoted in {currency} but is {known}; set "
            f"portfolio.instruments.{event.symbol}.currency: {currency}")


def _unknown_lot(fill: Any, lot_id: str, lots: list[OpenLot]) -> str:
    side = "long" if fill.side == Side.SELL else "short"
    open_ids = ", ".join(lot.lot_id for lot in lots) or "none"
    return (f"Fill {fill.event_id} (fill_id {fill.fill_id}): lot_ids names lot {lot_id!r}, which is not an "
            f"open {side} lot of {fill.symbol} (open lots: {open_ids}); name lots of the position this fill "
            f"closes, or leave lot_ids out")
