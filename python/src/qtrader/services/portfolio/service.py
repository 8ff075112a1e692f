"""PortfolioService: tax lots, cash per currency, P&L, corporate actions and financing, to the cent.

A Fill yields one FILL state (with the round trips it closed), a PriceBar one MARK_TO_MARKET state, a
CorporateAction a CORPORATE_ACTION state when it changes the portfolio. The first input of a later day first
settles the days between: accruals and dividends due (one CASH_FLOW state), then corporate actions whose ex-date
came (docs/portfolio.md). The handlers only sequence the work: the book (book.py) holds the state, trading,
corporate actions and accruals change it, valuation marks it to market.
"""

from __future__ import annotations

from decimal import Decimal, getcontext, setcontext
from typing import Any, Callable, Mapping

from qtrader.contracts.base import ContractModel
from qtrader.contracts.generated.models.common.types_v1 import StateReason
from qtrader.contracts.generated.models.portfolio.portfolio_snapshot_v1 import PortfolioSnapshot
from qtrader.contracts.generated.models.portfolio.portfolio_state_v1 import ClosedLot, PortfolioState
from qtrader.contracts.validation import parse_event
from qtrader.errors import ConfigError, ContractError, DataError
from qtrader.libraries.numbers import EXACT, exactly, quantum
from qtrader.libraries.performance.drawdown import next_peak
from qtrader.services.base import Service, handler_method
from qtrader.services.portfolio.accruals import accrue
from qtrader.services.portfolio.book import Book, where
from qtrader.services.portfolio.config import DAY_COUNT_BASIS, fx_symbol_map, parse_portfolio_config
from qtrader.services.portfolio.corporate_actions import apply_action, pay_dividends, pending_from
from qtrader.services.portfolio.fx import CurrencyBook
from qtrader.services.portfolio.ledger import LedgerEntry
from qtrader.services.portfolio.trading import convert, currency_mismatch, trade
from qtrader.services.portfolio.valuation import Valuation

_FILL = StateReason.FILL
_MARK = StateReason.MARK_TO_MARKET
_ACTION = StateReason.CORPORATE_ACTION
_CASH_FLOW = StateReason.CASH_FLOW


class PortfolioService(Service):
    """Lot accounting, cash per currency and P&L; a PortfolioState after every change and every bar."""

    name = "portfolio"
    consumes = ("Fill", "PriceBar", "CorporateAction")
    emits = ("PortfolioState",)

    def reset(self, config: Mapping[str, Any] | None, run_id: str) -> None:
        super().reset(config, run_id)
        cfg = parse_portfolio_config(config)
        self._raw_config = {k: v for k, v in (config or {}).items() if k != "snapshot"}  # restore() resets with it
        self.config = cfg
        self._fx_currency = fx_symbol_map(cfg)  # FX bar symbol -> currency
        currency_of = {symbol: inst.currency for symbol, inst in cfg.instruments.items()}
        self._book = Book(cfg.base_currency, currency_of, {c: s for s, c in self._fx_currency.items()},
                          quantum(cfg.money_decimals), cfg.initial_cash, run_id)
        self._valuation = Valuation(self._book)
        self._accrues = bool(cfg.borrow_rate or cfg.margin_rate or cfg.cash_rate)
        self._state: PortfolioState | None = None
        with exactly():
            self._valuation.refresh(())
        if cfg.snapshot is not None:
            snapshot = PortfolioSnapshot.model_validate(cfg.snapshot)
            self._check_fits(snapshot, "portfolio.snapshot", "set portfolio.base_currency and portfolio.initial_cash "
                                                             "to the snapshot's")
            try:
                self._load(snapshot)
            except ContractError as exc:
                raise ConfigError(f"portfolio.snapshot: {exc}") from None

    def handler(self, event_type: str) -> Callable[[ContractModel], list[ContractModel]]:
        """Every input is handled under the exact decimal context (any silent rounding would raise) and counted.

        The hot paths rely on it: their operators (``a + b``) are exact or raise, and cost a quarter of a context
        method call (``EXACT.add(a, b)``).
        """
        if event_type not in self.consumes:
            return lambda event: []
        method = getattr(self, handler_method(event_type))
        context = EXACT.copy()  # set, not copied per event as localcontext would; private, so EXACT stays pristine

        def handle_one(event: ContractModel) -> list[ContractModel]:
            self._cause = event
            self._out = out = []  # type: list[ContractModel]
            self._id_counters = None
            book = self._book
            book.cause = event
            previous = getcontext()
            setcontext(context)
            try:
                method(event)
            finally:
                setcontext(previous)
            book.events_handled += 1
            book.last_input = event  # its reference is read only by a snapshot
            return out

        return handle_one

    # -- public API -----------------------------------------------------------------------------------------

    def get_state(self) -> PortfolioState | None:
        """The latest PortfolioState emitted (None before the first, and after a restore until the next input)."""
        return self._state

    def ledger(self) -> tuple[LedgerEntry, ...]:
        """Every ledger entry so far, in booking order."""
        return self._book.ledger.entries()

    def open_commissions(self) -> Decimal:
        """Commissions held in open lots (not yet realized), in the base currency at the current rates."""
        with exactly():
            return self._valuation.open_commissions()

    def unrealized_fx_pnl(self) -> Decimal:
        """Revaluation of the foreign-currency exposures: sum of exposure x current rate - book value."""
        with exactly():
            return self._book.unrealized_fx_pnl()

    def currency_exposure(self, currency: str) -> tuple[Decimal, Decimal]:
        """(exposure, book value) of a foreign currency's FX book."""
        currency_book = self._book.currency_books.get(currency, CurrencyBook())
        return currency_book.exposure, currency_book.book_value

    # -- handlers -------------------------------------------------------------------------------------------

    def on_price_bar(self, bar: Any) -> None:
        book = self._book
        if book.last_date is None or bar.occurred_at.date() > book.last_date:
            self._roll(bar)
        symbol = bar.symbol
        currency = self._fx_currency.get(symbol)
        if currency is not None:
            if bar.currency is not None and bar.currency != book.base:
                raise DataError(f"{where(bar)}: FX bar {symbol} gives {currency} in {bar.currency}, "
                                f"but the portfolio's base currency is {book.base}")
            book.fx.rates[currency] = bar.close
            self._valuation.refresh(self._valuation.symbols_in(currency))
        else:
            if bar.currency is not None and bar.currency != book.currency(symbol):
                raise DataError(currency_mismatch(book, bar, bar.currency))
            book.prices[symbol] = bar.close
            if self._valuation.holds(symbol):
                self._valuation.mark(symbol)
        self._emit(_MARK)

    def on_fill(self, fill: Any) -> None:
        if self._book.last_date is None or fill.occurred_at.date() > self._book.last_date:
            self._roll(fill)
        currency = self._fx_currency.get(fill.symbol)
        if currency is not None:
            convert(self._book, fill, currency)
            self._valuation.refresh(())
            self._emit(_FILL)
            return
        closed = trade(self._book, fill, self.config.lot_method_long, self.config.lot_method_short)
        self._valuation.refresh((fill.symbol,))
        self._emit(_FILL, closed)

    def on_corporate_action(self, action: Any) -> None:
        book = self._book
        if book.last_date is None or action.occurred_at.date() > book.last_date:
            self._roll(action)
        pending = pending_from(book, action)
        assert book.last_date is not None  # set by _roll
        if action.ex_date > book.last_date:
            book.pending_actions.append(pending)  # applied when the portfolio reaches the ex-date
            return
        if apply_action(book, pending, action):
            self._valuation.refresh((action.symbol,))
            self._emit(_ACTION)

    def _roll(self, event: Any) -> None:
        """Settle every day between the last input's date and this one's, before handling it."""
        book, cfg = self._book, self.config
        today = event.occurred_at.date()
        last = book.last_date
        book.last_date = today
        if last is None:
            return
        changed = False
        if self._accrues:
            changed = accrue(book, event, (today - last).days, cfg.borrow_rate, cfg.margin_rate, cfg.cash_rate,
                             DAY_COUNT_BASIS[cfg.day_count])
        changed = pay_dividends(book, today, event) or changed
        if changed:
            self._valuation.refresh(())
            self._emit(_CASH_FLOW)
        if book.pending_actions:
            due = [a for a in book.pending_actions if a.ex_date <= today]
            book.pending_actions = [a for a in book.pending_actions if a.ex_date > today]
            for action in due:
                if apply_action(book, action, event):
                    self._valuation.refresh((action.symbol,))
                    self._emit(_ACTION)

    def _emit(self, reason: StateReason, closed: list[ClosedLot] | None = None) -> None:
        fields = self._valuation.state_fields(reason, closed)
        book = self._book
        fields["peak_equity"] = book.peak = next_peak(book.peak, fields["equity"])
        self._state = self.emit(PortfolioState, fields)

    # -- snapshot / restore ---------------------------------------------------------------------------------

    def snapshot(self) -> PortfolioSnapshot:
        """Everything needed to continue exactly where the portfolio is (contract PortfolioSnapshot v1)."""
        return self.event_after(PortfolioSnapshot, "snapshot", self._book.last_input,
                                initial_cash=self.config.initial_cash, **self._book.snapshot_fields())

    def restore(self, snapshot: PortfolioSnapshot | Mapping[str, Any]) -> None:
        """Replace all state by a snapshot's (taken by a portfolio with the same config); continue from there."""
        event = parse_event(dict(snapshot), "portfolio restore") if isinstance(snapshot, Mapping) else snapshot
        if not isinstance(event, PortfolioSnapshot):
            raise ContractError(f"restore expects a PortfolioSnapshot, got {type(event).__name__}")
        self._check_fits(event, "snapshot", "restore into a portfolio built with the snapshot's config")
        self.reset(self._raw_config, self.run_id)
        self._load(event)

    def _check_fits(self, snapshot: PortfolioSnapshot, where: str, advice: str) -> None:
        base, initial = self.config.base_currency, self.config.initial_cash
        if snapshot.base_currency != base or snapshot.initial_cash != initial:
            raise ConfigError(
                f"{where} {snapshot.event_id} was taken with base_currency {snapshot.base_currency} and initial_cash "
                f"{snapshot.initial_cash}; this portfolio has {base} and {initial}: {advice}")

    def _load(self, snapshot: PortfolioSnapshot) -> None:
        with exactly():
            self._book.load(snapshot)
            self._valuation.refresh(sorted(self._book.lots))
