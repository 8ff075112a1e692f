"""Valuation: the book marked to its last prices and rates, kept as a cache that a bar updates in place.

This is the portfolio's hot path (a bar of a held symbol) and the only module that knows its layout:

- per held symbol, a positional tuple of what changes only when its lots do (``_Static``: quantity, cost,
  commission, average price, the contract Lots, currency), and its (market value, unrealized P&L) in the base
  currency;
- the complete PortfolioState field dict (``_payload``, every field in the model's order, the serialized order)
  whose totals a mark patches in place: the old figures of the symbol out, the new ones in. A state is a copy of
  it (``state_fields``), adopted as the event without validation (docs/performance.md).

Every figure is computed under the service's exact context (operators exact or raising); roundings are
``mul_round`` and ``div_round`` (libraries/numbers.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable, NamedTuple

from qtrader.contracts.generated.models.common.types_v1 import StateReason
from qtrader.contracts.generated.models.portfolio.portfolio_state_v1 import (
    CashBalance,
    ClosedLot,
    Lot,
    PortfolioState,
    Position,
)
from qtrader.libraries.numbers import Q12, ZERO, div_round, mul_round
from qtrader.services.portfolio.book import Book
from qtrader.services.portfolio.money import total_of

#: A PortfolioState's fields with their defaults, in the model's order.
_STATE_DEFAULTS = PortfolioState.defaults()


class _Static(NamedTuple):
    """What a held symbol's Position keeps until its lots change."""

    quantity: Decimal
    cost: Decimal
    commission: Decimal
    average: Decimal
    lots: list[Lot]
    currency: str


class Valuation:
    """Positions, cash and totals of a book at its last prices and rates; ``refresh`` after a change of lots,
    cash or rates, ``mark`` after a new price of a held symbol."""

    def __init__(self, book: Book) -> None:
        self._book = book
        self._zero_q = ZERO.quantize(book.q)
        self._static: dict[str, _Static] = {}
        self._figures: dict[str, tuple[Decimal, Decimal]] = {}  # symbol -> (market value, unrealized), base
        self._positions: dict[str, Position] = {}
        self._positions_list: list[Position] = []
        self._index: dict[str, int] = {}
        self._cash_base = ZERO
        self._cash_list: list[CashBalance] = []
        self._payload: dict[str, Any] = {}

    # -- what the rest of the portfolio reads -------------------------------------------------------------------

    def holds(self, symbol: str) -> bool:
        return symbol in self._static

    def symbols_in(self, currency: str) -> list[str]:
        """The held symbols quoted in ``currency`` (their values move with its rate)."""
        return [s for s in self._static if self._static[s].currency == currency]

    @property
    def equity(self) -> Decimal:
        result: Decimal = self._payload["equity"]
        return result

    def state_fields(self, reason: StateReason, closed: list[ClosedLot] | None) -> dict[str, Any]:
        """A fresh complete PortfolioState field dict (the event takes it over)."""
        fields = self._payload.copy()
        fields["reason"] = reason
        if closed:
            fields["closed_lots"] = closed
        return fields

    def open_commissions(self) -> Decimal:
        """Commissions held in open lots (not yet realized), in the base currency at the current rates."""
        book, total = self._book, self._zero_q
        for symbol in sorted(self._static):
            static = self._static[symbol]
            commission, currency = static.commission, static.currency
            total += commission if currency == book.base else mul_round(commission, book.rate(currency), book.q)
        return total

    # -- updates ------------------------------------------------------------------------------------------------

    def mark(self, symbol: str) -> None:
        """The hot path: a new price for one held symbol; only its Position is rebuilt."""
        old_value, old_unrealized = self._figures[symbol]
        model, value, unrealized = self._position(symbol)
        self._figures[symbol] = (value, unrealized)
        self._positions[symbol] = model
        positions = self._positions_list.copy()
        positions[self._index[symbol]] = model
        self._positions_list = positions
        p = self._payload
        market_value = p["market_value"] - old_value + value
        gross = p["gross_exposure"] - old_value.copy_abs() + value.copy_abs()
        equity = self._cash_base + market_value
        p["market_value"] = p["net_exposure"] = market_value
        p["gross_exposure"] = gross
        p["equity"] = equity
        p["leverage"] = div_round(gross, equity, Q12) if equity > 0 else ZERO
        p["unrealized_pnl"] = p["unrealized_pnl"] - old_unrealized + unrealized
        p["positions"] = positions

    def refresh(self, symbols: Iterable[str]) -> None:
        """Rebuild the caches of ``symbols`` (their lots changed or their currency's rate moved), cash, totals."""
        lots = self._book.lots
        for symbol in symbols:
            if symbol in lots:
                self._static[symbol] = self._static_of(symbol)
                model, value, unrealized = self._position(symbol)
                self._positions[symbol], self._figures[symbol] = model, (value, unrealized)
            else:
                self._static.pop(symbol, None)
                self._positions.pop(symbol, None)
                self._figures.pop(symbol, None)
        self._refresh_cash()
        self._refresh_totals()

    # -- the cache ----------------------------------------------------------------------------------------------

    def _static_of(self, symbol: str) -> _Static:
        lots = self._book.lots[symbol]
        quantity = total_of([lot.quantity for lot in lots])
        cost = total_of([lot.cost for lot in lots])
        commission = total_of([lot.commission for lot in lots])
        average = div_round(cost.copy_abs(), quantity.copy_abs(), Q12)
        models = []
        for lot in lots:
            if lot.model is None:
                lot.model = Lot.trusted(lot_id=lot.lot_id, quantity=lot.quantity, open_price=lot.open_price,
                                        opened_at=lot.opened_at, cost_basis=lot.cost, commission=lot.commission)
            models.append(lot.model)
        return _Static(quantity, cost, commission, average, models, self._book.currency(symbol))

    def _position(self, symbol: str) -> tuple[Position, Decimal, Decimal]:
        """The Position of a held symbol at its last price, with its market value and unrealized P&L (base
        currency)."""
        quantity, cost, _commission, average, models, currency = self._static[symbol]
        book = self._book
        price, q = book.prices[symbol], book.q
        local_value = mul_round(quantity, price, q)
        if currency == book.base:
            value, unrealized = local_value, local_value - cost
        else:
            rate = book.rate(currency)
            value, unrealized = mul_round(local_value, rate, q), mul_round(local_value - cost, rate, q)
        model: Position = Position.trusted_complete({  # every field, in the model's order (the serialized order)
            "symbol": symbol, "quantity": quantity, "currency": currency, "market_price": price, "market_value": value,
            "cost_basis": cost, "average_price": average, "unrealized_pnl": unrealized,
            "realized_pnl": book.realized_by_symbol.get(symbol, ZERO), "lots": models,
        })
        return model, value, unrealized

    def _refresh_cash(self) -> None:
        book = self._book
        cash, balances = ZERO, []
        for currency, amount in book.ledger.balances().items():
            balances.append(CashBalance.trusted(currency=currency, amount=amount))
            if currency == book.base:
                cash += amount
            elif amount:
                cash += mul_round(amount, book.rate(currency), book.q)
        self._cash_base, self._cash_list = cash, balances

    def _refresh_totals(self) -> None:
        book = self._book
        symbols = sorted(self._positions)
        self._positions_list = [self._positions[s] for s in symbols]
        self._index = {s: i for i, s in enumerate(symbols)}
        market_value = gross = unrealized = self._zero_q
        for symbol in symbols:
            value, pnl = self._figures[symbol]
            market_value += value
            gross += value.copy_abs()
            unrealized += pnl
        equity = self._cash_base + market_value
        self._payload = dict(
            _STATE_DEFAULTS, base_currency=book.base, cash=self._cash_base, cash_balances=self._cash_list,
            market_value=market_value, equity=equity, gross_exposure=gross, net_exposure=market_value,
            leverage=div_round(gross, equity, Q12) if equity > 0 else ZERO,
            realized_pnl=book.realized, unrealized_pnl=unrealized, commissions=book.commissions,
            fees=book.fees, dividends=book.dividends, realized_fx_pnl=book.realized_fx,
            positions=self._positions_list,
        )
