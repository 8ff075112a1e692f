"""The book: everything the portfolio knows, as plain state, and its snapshot (contract PortfolioSnapshot v1).

Cash is the ledger's sums, positions are the open lots, and the running totals (realized P&L, commissions, fees,
dividends, realized FX P&L, peak equity) are figures in the base currency. Trading, corporate actions and accruals
change the book; valuation reads it. Nothing here knows how a PortfolioState is laid out.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from qtrader.contracts.generated.models.portfolio.portfolio_snapshot_v1 import (
    AccrualResidual,
    CurrencyAmount,
    DividendAccrual,
    FxRate,
    LastPrice,
    PendingAction,
    PortfolioSnapshot,
    SnapshotLot,
    SymbolAmount,
)
from qtrader.contracts.generated.models.portfolio.portfolio_snapshot_v1 import CurrencyBook as CurrencyBookModel
from qtrader.errors import ContractError
from qtrader.libraries.numbers import ZERO
from qtrader.services.portfolio.fx import CurrencyBook, FxRates, book_flow
from qtrader.services.portfolio.ledger import Ledger, LedgerKind
from qtrader.services.portfolio.lots import OpenLot


class LastInput(NamedTuple):
    """A restored snapshot's reference to the input it was taken after (read like an event)."""

    event_id: str
    occurred_at: Any
    correlation_id: str


def where(event: Any) -> str:
    """How a message names an input event: its type and id."""
    return f"{getattr(event, 'event_type', 'event')} {getattr(event, 'event_id', '?')}"


class Book:
    """The portfolio's state; ``base`` and ``currency_of`` (symbol -> quote currency) are fixed by the config."""

    def __init__(self, base: str, currency_of: dict[str, str], fx_symbol_of: dict[str, str], q: Decimal,
                 initial_cash: Decimal, run_id: str) -> None:
        self.base = base
        self.currency_of = currency_of
        self.q = q  # the money quantum: 10 ** -money_decimals
        self.ledger = Ledger()
        self.ledger.book(LedgerKind.DEPOSIT, run_id, None, base, initial_cash)
        self.lots: dict[str, list[OpenLot]] = {}
        self.prices: dict[str, Decimal] = {}
        self.fx = FxRates(base, fx_symbol_of)
        self.currency_books: dict[str, CurrencyBook] = {}
        self.realized_by_symbol: dict[str, Decimal] = {}
        self.pending_actions: list[PendingAction] = []
        self.pending_dividends: list[DividendAccrual] = []
        self.residuals: dict[tuple[str, str], tuple[str, Decimal]] = {}  # (kind, key) -> (currency, residual)
        self.realized = ZERO
        self.commissions = ZERO
        self.fees = ZERO
        self.dividends = ZERO
        self.realized_fx = ZERO
        self.peak = initial_cash
        self.last_date: date | None = None
        self.events_handled = 0
        self.last_input: Any = None  # the last input (after a restore, a LastInput): a snapshot derives from it
        self.cause: Any = None  # the input being handled: messages name it

    def currency(self, symbol: str) -> str:
        """The currency ``symbol`` is quoted in (the base currency unless configured)."""
        return self.currency_of.get(symbol, self.base)

    def rate(self, currency: str) -> Decimal:
        """The current rate of ``currency`` in the base currency (1 for the base); no rate yet is a DataError."""
        return self.fx.rate(currency, where(self.cause) if self.cause is not None else "portfolio")

    def flow(self, currency: str, amount: Decimal, rate: Decimal) -> Decimal:
        """A P&L or cash flow in ``currency`` enters its FX book; return its base value."""
        if currency == self.base:
            return amount
        value, realized = book_flow(self.currency_books.setdefault(currency, CurrencyBook()), amount, rate, self.q)
        self.realized_fx += realized
        return value

    def realize(self, symbol: str, currency: str, amount: Decimal, rate: Decimal) -> Decimal:
        """Realize ``amount`` of price P&L (instrument currency); return it in the base currency."""
        value = self.flow(currency, amount, rate)
        self.realized += value
        self.realized_by_symbol[symbol] = self.realized_by_symbol.get(symbol, ZERO) + value
        return value

    def unrealized_fx_pnl(self) -> Decimal:
        """Sum over the foreign currencies of exposure x current rate - book value (under an exact context)."""
        total = ZERO.quantize(self.q)
        for currency in sorted(self.currency_books):
            currency_book = self.currency_books[currency]
            if currency_book.exposure or currency_book.book_value:
                total += currency_book.unrealized(self.rate(currency), self.q)
        return total

    # -- snapshot ---------------------------------------------------------------------------------------------

    def snapshot_fields(self) -> dict[str, Any]:
        """The snapshot's fields but its envelope, source_service and initial_cash (the service's)."""
        lots = [
            SnapshotLot.trusted(symbol=symbol, lot_id=lot.lot_id, quantity=lot.quantity, open_price=lot.open_price,
                                opened_at=lot.opened_at, cost_basis=lot.cost, commission=lot.commission)
            for symbol in sorted(self.lots) for lot in self.lots[symbol]
        ]
        fields: dict[str, Any] = dict(
            base_currency=self.base, events_handled=self.events_handled,
            cash_balances=[CurrencyAmount.trusted(currency=c, amount=a) for c, a in self.ledger.balances().items()],
            currency_books=[CurrencyBookModel.trusted(currency=c, exposure=b.exposure, book_value=b.book_value)
                            for c, b in sorted(self.currency_books.items())],
            fx_rates=[FxRate.trusted(currency=c, rate=r) for c, r in sorted(self.fx.rates.items())],
            last_prices=[LastPrice.trusted(symbol=s, price=p) for s, p in sorted(self.prices.items())],
            lots=lots,
            realized_by_symbol=[SymbolAmount.trusted(symbol=s, amount=a)
                                for s, a in sorted(self.realized_by_symbol.items())],
            pending_actions=list(self.pending_actions), pending_dividends=list(self.pending_dividends),
            accrual_residuals=[AccrualResidual.trusted(kind=k, key=key, currency=c, amount=a)
                               for (k, key), (c, a) in sorted(self.residuals.items())],
            realized_pnl=self.realized, commissions=self.commissions, fees=self.fees,
            dividends=self.dividends, realized_fx_pnl=self.realized_fx, peak_equity=self.peak,
            ledger=list(self.ledger.entries()),
        )
        if self.last_date is not None:
            fields["last_date"] = self.last_date
        return fields

    def load(self, s: PortfolioSnapshot) -> None:
        """Replace the state of this (fresh) book by a snapshot's; a ContractError if it does not add up."""
        self.ledger = Ledger.replay(s.ledger)
        if self.ledger.balances() != {b.currency: b.amount for b in s.cash_balances}:
            raise ContractError(f"snapshot {s.event_id}: cash_balances do not equal the sums of the ledger")
        for lot in s.lots:
            self.lots.setdefault(lot.symbol, []).append(
                OpenLot(lot.lot_id, lot.quantity, lot.open_price, lot.opened_at, lot.cost_basis, lot.commission))
        self.prices = {p.symbol: p.price for p in s.last_prices}
        self.fx.rates = {r.currency: r.rate for r in s.fx_rates}
        self.currency_books = {b.currency: CurrencyBook(b.exposure, b.book_value) for b in s.currency_books}
        self.realized_by_symbol = {r.symbol: r.amount for r in s.realized_by_symbol}
        self.pending_actions = list(s.pending_actions)
        self.pending_dividends = list(s.pending_dividends)
        self.residuals = {(r.kind, r.key): (r.currency, r.amount) for r in s.accrual_residuals}
        self.realized, self.commissions, self.fees = s.realized_pnl, s.commissions, s.fees
        self.dividends, self.realized_fx, self.peak = s.dividends, s.realized_fx_pnl, s.peak_equity
        self.last_date = s.last_date
        self.events_handled = s.events_handled
        self.last_input = None
        if s.causation_id is not None:
            self.last_input = LastInput(s.causation_id, s.occurred_at, s.correlation_id)
        for symbol in self.lots:
            if symbol not in self.prices:
                raise ContractError(f"snapshot {s.event_id}: lots of {symbol} but no last price")
