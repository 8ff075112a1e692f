"""PortfolioService: tax lots, cash per currency, P&L, corporate actions and financing, to the cent.

Every input yields PortfolioState events (docs/portfolio.md has the rules):

- Fill -> one FILL state (with the round trips it closed as ``closed_lots``);
- PriceBar -> exactly one MARK_TO_MARKET state (an FX pair's bar updates its rate);
- CorporateAction -> a CORPORATE_ACTION state when it changes a held position (a split) or fixes a dividend;
- the first input of a later day first settles the days in between: accrued borrow fees and interest, dividends
  whose pay-date came, then corporate actions whose ex-date came. Cash flows yield one CASH_FLOW state, each
  corporate action its CORPORATE_ACTION state, before the input's own state.

Cash changes only through the ledger; lots carry their cost and commission; every figure is exact or rounded
explicitly (money.py). The hot path (a bar of a held symbol) rebuilds that symbol's Position only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from decimal import Decimal, getcontext, localcontext, setcontext
from fractions import Fraction
from typing import Any, Mapping, NamedTuple

from qtrader.contracts.base import ContractModel
from qtrader.contracts.generated.models.common.types_v1 import CorporateActionType, Side, StateReason
from qtrader.contracts.generated.models.portfolio.portfolio_snapshot_v1 import (
    AccrualResidual,
    CurrencyAmount,
    CurrencyBook as CurrencyBookModel,
    DividendAccrual,
    FxRate,
    LastPrice,
    PendingAction,
    PortfolioSnapshot,
    SnapshotLot,
    SymbolAmount,
)
from qtrader.contracts.generated.models.portfolio.portfolio_state_v1 import (
    CashBalance,
    ClosedLot,
    Lot,
    PortfolioState,
    Position,
)
from qtrader.contracts.validation import parse_event
from qtrader.errors import ConfigError, ContractError, DataError
from qtrader.services.base import Service, handler_method, parse_config
from qtrader.services.portfolio import ledger as kinds
from qtrader.services.portfolio.accruals import borrow_fee, charge_with_carry, interest
from qtrader.services.portfolio.config import DAY_COUNT_BASIS, PortfolioConfig
from qtrader.services.portfolio.fx import CurrencyBook, FxRates, book_flow
from qtrader.services.portfolio.ledger import Ledger, LedgerEntry
from qtrader.services.portfolio.lots import OpenLot, UnknownLotError, match_lots
from qtrader.libraries.numbers import EXACT, Q12, ZERO, div_down, div_round, mul_round, quantum
from qtrader.libraries.numbers import trimmed as plain
from qtrader.services.portfolio.money import allocate, round_fraction, total_of, truncate_fraction

_FILL = StateReason.FILL
_MARK = StateReason.MARK_TO_MARKET
_ACTION = StateReason.CORPORATE_ACTION
_CASH_FLOW = StateReason.CASH_FLOW
#: A PortfolioState's fields with their defaults; the service keeps a complete field dict from it.
_STATE_DEFAULTS = PortfolioState.defaults()
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class _LastInput(NamedTuple):
    """A restored snapshot's reference to the input it was taken after (read like an event)."""

    event_id: str
    occurred_at: datetime
    correlation_id: str


def _where(event: Any) -> str:
    return f"{getattr(event, 'event_type', 'event')} {getattr(event, 'event_id', '?')}"


class PortfolioService(Service):
    """Lot accounting, cash per currency and P&L; a PortfolioState after every change and every bar."""

    name = "portfolio"
    consumes = ("Fill", "PriceBar", "CorporateAction")
    emits = ("PortfolioState",)

    # -- setup ----------------------------------------------------------------------------------------------

    def reset(self, config: Mapping[str, Any] | None, run_id: str) -> None:
        super().reset(config, run_id)
        cfg = parse_config(PortfolioConfig, config, "portfolio")
        self._raw_config = {k: v for k, v in (config or {}).items() if k != "snapshot"}  # restore() resets with it
        self.config = cfg
        self._base = cfg.base_currency
        self._q = quantum(cfg.money_decimals)
        self._zero_q = ZERO.quantize(self._q)
        self._basis = DAY_COUNT_BASIS[cfg.day_count]
        self._currency_of = {symbol: inst.currency for symbol, inst in cfg.instruments.items()}
        self._fx_currency = cfg.fx_symbol_map()  # FX bar symbol -> currency
        self._fx = FxRates(self._base, {c: s for s, c in self._fx_currency.items()})
        self._accrues = bool(cfg.borrow_rate or cfg.margin_rate or cfg.cash_rate)

        self._ledger = Ledger()
        self._ledger.book(kinds.DEPOSIT, run_id, None, self._base, cfg.initial_cash)
        self._lots: dict[str, list[OpenLot]] = {}
        self._prices: dict[str, Decimal] = {}
        self._books: dict[str, CurrencyBook] = {}
        self._realized_by_symbol: dict[str, Decimal] = {}
        self._pending_actions: list[PendingAction] = []
        self._pending_dividends: list[DividendAccrual] = []
        self._residuals: dict[tuple[str, str], tuple[str, Decimal]] = {}
        self._realized = ZERO
        self._commissions = ZERO
        self._fees = ZERO
        self._dividends = ZERO
        self._realized_fx = ZERO
        self._peak = cfg.initial_cash
        self._last_date: date | None = None
        self._events_handled = 0
        # the last input (after a restore, a stand-in with its event_id, occurred_at and correlation_id): the
        # snapshot's envelope derives from it
        self._last_input: Any = None
        self._state: PortfolioState | None = None

        # caches, all derived from the state above (rebuilt by _refresh)
        self._static: dict[str, tuple] = {}  # symbol -> (quantity, cost, commission, average price, lots, currency)
        self._figures: dict[str, tuple[Decimal, Decimal]] = {}  # symbol -> (market value, unrealized), base
        self._positions: dict[str, Position] = {}
        self._positions_list: list[Position] = []
        self._index: dict[str, int] = {}
        self._cash_base = ZERO
        self._cash_list: list[CashBalance] = []
        self._payload: dict[str, Any] = {}
        with localcontext(EXACT):
            self._refresh_cash()
            self._refresh_totals()
        if cfg.snapshot is not None:
            self._start_from(cfg.snapshot)

    def _start_from(self, data: dict[str, Any]) -> None:
        """Config key ``snapshot`` (already checked against the contract): continue from it, as restore() would."""
        snapshot = PortfolioSnapshot.model_validate(data)
        self._check_fits(snapshot, "portfolio.snapshot", "set portfolio.base_currency and portfolio.initial_cash "
                                                         "to the snapshot's")
        try:
            with localcontext(EXACT):
                self._load(snapshot)
        except ContractError as exc:
            raise ConfigError(f"portfolio.snapshot: {exc}") from None

    # -- public API -----------------------------------------------------------------------------------------

    def handler(self, event_type: str):
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
            self._out = out = []
            self._id_counters = None
            previous = getcontext()
            setcontext(context)
            try:
                method(event)
            finally:
                setcontext(previous)
            self._events_handled += 1
            self._last_input = event  # its reference is read only by a snapshot
            return out

        return handle_one

    def get_state(self) -> PortfolioState | None:
        """The latest PortfolioState emitted (None before the first, and after a restore until the next input)."""
        return self._state

    def ledger(self) -> tuple[LedgerEntry, ...]:
        """Every ledger entry so far, in booking order."""
        return self._ledger.entries()

    def open_commissions(self) -> Decimal:
        """Commissions held in open lots (not yet realized), in the base currency at the current rates."""
        with localcontext(EXACT):
            total = self._zero_q
            for symbol in sorted(self._static):
                commission, currency = self._static[symbol][2], self._static[symbol][5]
                total += commission if currency == self._base else mul_round(commission, self._rate(currency), self._q)
            return total

    def unrealized_fx_pnl(self) -> Decimal:
        """Revaluation of the foreign-currency exposures: sum of exposure x current rate - book value."""
        with localcontext(EXACT):
            total = self._zero_q
            for currency in sorted(self._books):
                book = self._books[currency]
                if book.exposure or book.book_value:
                    total += book.unrealized(self._rate(currency), self._q)
            return total

    def currency_exposure(self, currency: str) -> tuple[Decimal, Decimal]:
        """(exposure, book value) of a foreign currency's FX book."""
        book = self._books.get(currency, CurrencyBook())
        return book.exposure, book.book_value

    # -- handlers -------------------------------------------------------------------------------------------

    def on_price_bar(self, bar) -> None:
        if self._last_date is None or bar.occurred_at.date() > self._last_date:
            self._roll(bar)
        symbol = bar.symbol
        currency = self._fx_currency.get(symbol)
        if currency is not None:
            if bar.currency is not None and bar.currency != self._base:
                raise DataError(f"{_where(bar)}: FX bar {symbol} gives {currency} in {bar.currency}, "
                                f"but the portfolio's base currency is {self._base}")
            self._fx.rates[currency] = bar.close
            self._refresh([s for s in self._static if self._static[s][5] == currency])
        else:
            if bar.currency is not None and bar.currency != self._currency_of.get(symbol, self._base):
                raise DataError(self._currency_mismatch(bar, bar.currency))
            self._prices[symbol] = bar.close
            if symbol in self._static:
                self._mark(symbol)
        self._emit(_MARK)

    def on_fill(self, fill) -> None:
        if self._last_date is None or fill.occurred_at.date() > self._last_date:
            self._roll(fill)
        currency = self._fx_currency.get(fill.symbol)
        if currency is not None:
            self._convert(fill, currency)
            self._refresh(())
            self._emit(_FILL)
            return
        closed = self._trade(fill)
        self._refresh((fill.symbol,))
        self._emit(_FILL, closed)

    def on_corporate_action(self, action) -> None:
        if self._last_date is None or action.occurred_at.date() > self._last_date:
            self._roll(action)
        pending = self._pending_from(action)
        if action.ex_date > self._last_date:
            self._pending_actions.append(pending)  # applied when the portfolio reaches the ex-date
            return
        if self._apply_action(pending, action):
            self._refresh((action.symbol,))
            self._emit(_ACTION)

    # -- trades ---------------------------------------------------------------------------------------------

    def _trade(self, fill) -> list[ClosedLot]:
        """Book a fill of an instrument: close lots first, open a lot with any quantity left; return round trips."""
        symbol, q = fill.symbol, self._q
        currency = self._currency_of.get(symbol, self._base)
        if fill.currency is not None and fill.currency != currency:
            raise DataError(self._currency_mismatch(fill, fill.currency))
        buy = fill.side == Side.BUY
        quantity, commission = fill.quantity, fill.commission
        lots = self._lots.get(symbol, [])
        position = total_of([lot.quantity for lot in lots])
        close_qty = min(quantity, position.copy_abs()) if (position < 0 if buy else position > 0) else ZERO
        open_qty = quantity - close_qty
        if fill.lot_ids and not close_qty:
            raise ContractError(self._unknown_lot(fill, fill.lot_ids[0], lots))
        matches: list[tuple[int, Decimal]] = []
        if close_qty:
            method = self.config.lot_method_short if buy else self.config.lot_method_long
            try:
                matches = match_lots(lots, close_qty, method, fill.lot_ids or ())
            except UnknownLotError as exc:
                raise ContractError(self._unknown_lot(fill, exc.lot_id, lots)) from None
        rate = self._rate(currency)
        if commission:
            self._ledger.book(kinds.COMMISSION, fill.event_id, fill.occurred_at, currency, -commission, symbol)
            self._commissions += commission if currency == self._base else mul_round(commission, rate, q)
        # a fill crossing zero splits its commission by quantity: the closing part cut toward zero
        close_commission = commission if not open_qty else div_down(commission * close_qty, quantity, q)
        closed = self._close(fill, lots, matches, close_qty, close_commission, currency, rate) if close_qty else []
        if open_qty:
            self._open(fill, lots, open_qty if buy else -open_qty, commission - close_commission, currency)
        if lots:
            self._lots[symbol] = lots
        else:
            self._lots.pop(symbol, None)
        self._prices[symbol] = fill.price
        return closed

    def _close(self, fill, lots: list[OpenLot], matches: list[tuple[int, Decimal]], close_qty: Decimal,
               close_commission: Decimal, currency: str, rate: Decimal) -> list[ClosedLot]:
        """Close ``close_qty`` from the matched lots; proceeds and commission are shared pro rata by quantity."""
        symbol, price, at, q = fill.symbol, fill.price, fill.occurred_at, self._q
        buy = fill.side == Side.BUY
        proceeds = mul_round(close_qty, price, q)
        proceeds = -proceeds if buy else proceeds  # buying back a short pays
        self._ledger.book(kinds.TRADE, fill.event_id, at, currency, proceeds, symbol, close_qty if buy else -close_qty)
        weights = [taken for _, taken in matches]
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
            realized = self._book_realized(symbol, currency, gross - lot_commission, rate)
            closed.append(ClosedLot.trusted(
                lot_id=lot.lot_id, symbol=symbol, quantity=-taken if buy else taken, open_price=lot.open_price,
                close_price=price, opened_at=lot.opened_at, closed_at=at, gross_pnl=gross,
                commission=lot_commission, realized_pnl=realized,
            ))
        lots[:] = [lot for lot in lots if lot.quantity]
        return closed

    def _open(self, fill, lots: list[OpenLot], signed: Decimal, commission: Decimal, currency: str) -> None:
        """Open a lot of ``signed`` units; its id is the fill id (suffixed -1, -2... should it be taken)."""
        cost = mul_round(signed, fill.price, self._q)
        self._ledger.book(kinds.TRADE, fill.event_id, fill.occurred_at, currency, -cost, fill.symbol, signed)
        taken_ids = {lot.lot_id for lot in lots}
        lot_id, n = fill.fill_id, 0
        while lot_id in taken_ids:
            n += 1
            lot_id = f"{fill.fill_id}-{n}"
        lots.append(OpenLot(lot_id, signed, fill.price, fill.occurred_at, cost, commission))

    def _convert(self, fill, currency: str) -> None:
        """A fill on an FX symbol converts base currency into ``currency`` (BUY) or back (SELL) at its price."""
        if fill.currency is not None and fill.currency != self._base:
            raise ContractError(f"{_where(fill)}: a fill on FX symbol {fill.symbol} is priced in the base currency "
                                f"{self._base}, not {fill.currency}")
        if fill.lot_ids:
            raise ContractError(f"{_where(fill)}: a currency conversion ({fill.symbol}) has no lots; "
                                f"remove lot_ids")
        self._rate(currency)  # a conversion needs the rate to value the balance: fail before booking anything
        units = fill.quantity if fill.side == Side.BUY else -fill.quantity
        base_amount = mul_round(units, fill.price, self._q)
        at, symbol = fill.occurred_at, fill.symbol
        self._ledger.book(kinds.FX_CONVERSION, fill.event_id, at, currency, units, symbol)
        self._ledger.book(kinds.FX_CONVERSION, fill.event_id, at, self._base, -base_amount, symbol)
        book = self._books.setdefault(currency, CurrencyBook())
        _value, realized = book_flow(book, units, fill.price, self._q)
        self._realized_fx += realized
        if fill.commission:
            self._ledger.book(kinds.COMMISSION, fill.event_id, at, self._base, -fill.commission, symbol)
            self._commissions += fill.commission
            self._realized_fx -= fill.commission  # a conversion's cost is part of its FX result

    def _book_realized(self, symbol: str, currency: str, amount: Decimal, rate: Decimal) -> Decimal:
        """Realize ``amount`` of price P&L (instrument currency); return it in the base currency."""
        value = self._flow(currency, amount, rate)
        self._realized += value
        self._realized_by_symbol[symbol] = self._realized_by_symbol.get(symbol, ZERO) + value
        return value

    def _flow(self, currency: str, amount: Decimal, rate: Decimal) -> Decimal:
        """A P&L or cash flow in ``currency`` enters its FX book; return its base value."""
        if currency == self._base:
            return amount
        value, realized = book_flow(self._books.setdefault(currency, CurrencyBook()), amount, rate, self._q)
        self._realized_fx += realized
        return value

    # -- days, accruals, corporate actions --------------------------------------------------------------------

    def _roll(self, event) -> None:
        """Settle every day between the last input's date and this one's, before handling it."""
        today = event.occurred_at.date()
        last = self._last_date
        self._last_date = today
        if last is None:
            return
        changed = self._accrue((today - last).days, event) if self._accrues else False
        changed = self._pay_dividends(today, event) or changed
        if changed:
            self._refresh(())
            self._emit(_CASH_FLOW)
        if self._pending_actions:
            due = [a for a in self._pending_actions if a.ex_date <= today]
            self._pending_actions = [a for a in self._pending_actions if a.ex_date > today]
            for action in due:
                if self._apply_action(action, event):
                    self._refresh((action.symbol,))
                    self._emit(_ACTION)

    def _accrue(self, days: int, event) -> bool:
        """Borrow fees and interest for ``days`` calendar days on the previous day's balances and closes."""
        cfg, q = self.config, self._q
        flows = []
        for currency, balance in self._ledger.balances().items():
            flows.append((kinds.INTEREST, currency, currency, None,
                          interest(balance, cfg.margin_rate, cfg.cash_rate, days, self._basis)))
        for symbol in sorted(self._static):
            quantity, currency = self._static[symbol][0], self._static[symbol][5]
            if quantity < 0:
                fee = borrow_fee(quantity, self._prices[symbol], cfg.borrow_rate, days, self._basis)
                flows.append((kinds.BORROW_FEE, symbol, currency, symbol, fee))
        changed = False
        for kind, key, currency, symbol, accrual in flows:
            held = self._residuals.pop((kind, key), None)
            if not accrual and held is None:
                continue
            charge, residual = charge_with_carry(held[1] if held else ZERO, accrual, q)
            if residual:
                self._residuals[(kind, key)] = (currency, residual)
            if charge:
                self._ledger.book(kind, event.event_id, event.occurred_at, currency, charge, symbol)
                self._fees -= self._flow(currency, charge, self._rate(currency))
                changed = True
        return changed

    def _pay_dividends(self, today: date, event) -> bool:
        due = [d for d in self._pending_dividends if d.pay_date <= today]
        if not due:
            return False
        self._pending_dividends = [d for d in self._pending_dividends if d.pay_date > today]
        for dividend in due:
            self._ledger.book(kinds.DIVIDEND, dividend.action_id, event.occurred_at, dividend.currency,
                              dividend.amount, dividend.symbol)
            self._dividends += self._flow(dividend.currency, dividend.amount, self._rate(dividend.currency))
        return True

    def _pending_from(self, action) -> PendingAction:
        fields = dict(action_id=action.event_id, symbol=action.symbol, action_type=action.action_type,
                      ex_date=action.ex_date)
        if action.action_type == CorporateActionType.SPLIT:
            if not action.split_to or not action.split_from:
                raise ContractError(f"{_where(action)}: a SPLIT needs split_to and split_from > 0")
            fields.update(split_to=action.split_to, split_from=action.split_from)
        else:
            if not action.cash_amount or action.pay_date is None:
                raise ContractError(f"{_where(action)}: a CASH_DIVIDEND needs cash_amount > 0 and pay_date")
            fields.update(cash_amount=action.cash_amount, pay_date=action.pay_date,
                          currency=action.currency or self._currency_of.get(action.symbol, self._base))
        return PendingAction.trusted(**fields)

    def _apply_action(self, action: PendingAction, event) -> bool:
        """Apply a corporate action whose ex-date has come; True when it changed the portfolio."""
        if action.action_type == CorporateActionType.SPLIT:
            return self._split(action, event)
        symbol = action.symbol
        quantity = self._static[symbol][0] if symbol in self._static else ZERO
        if not quantity:
            return False
        amount = mul_round(quantity, action.cash_amount, self._q)
        self._pending_dividends.append(DividendAccrual.trusted(
            action_id=action.action_id, symbol=symbol, ex_date=action.ex_date, pay_date=action.pay_date,
            currency=action.currency, quantity=quantity, amount=amount,
        ))
        self._pending_dividends.sort(key=lambda d: d.pay_date)  # stable: same pay-date keeps arrival order
        self._pay_dividends(self._last_date, event)
        return True

    def _split(self, action: PendingAction, event) -> bool:
        """Scale lots by split_to/split_from (cost unchanged); pay the position's fractional share as cash."""
        symbol, to, frm, q = action.symbol, action.split_to, action.split_from, self._q
        if to == frm:
            return False
        ratio = Fraction(to) / Fraction(frm)
        old_price = self._prices.get(symbol)
        if old_price is not None:
            self._prices[symbol] = div_round(old_price * frm, to, Q12)
        lots = self._lots.get(symbol)
        if not lots:
            return False
        currency = self._currency_of.get(symbol, self._base)
        old_quantity = total_of([lot.quantity for lot in lots])
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
        if drift:  # 12-place truncation of a non-terminating ratio: the newest open lot absorbs it
            j = max(i for i, n in enumerate(new_quantities) if n)
            new_quantities[j] += drift
        new_quantities = [plain(n) for n in new_quantities]
        removed_quantity = plain(round_fraction(fraction, Q12))
        self._ledger.book(kinds.SPLIT, action.action_id, event.occurred_at, currency, ZERO, symbol,
                          Decimal(whole) + removed_quantity - old_quantity)
        if fraction:
            if old_price is None:
                raise DataError(f"{_where(event)}: no price of {symbol} to pay its fractional share in cash")
            cash = round_fraction(fraction * Fraction(old_price) * Fraction(frm) / Fraction(to), q)
            self._ledger.book(kinds.CASH_IN_LIEU, action.action_id, event.occurred_at, currency, cash, symbol,
                              -removed_quantity)
            parts = [i for i, r in enumerate(removed) if r]
            shares = allocate(cash, [abs(removed[i]) for i in parts], q)
            rate = self._rate(currency)
            for i, share in zip(parts, shares):
                lot = lots[i]
                if new_quantities[i]:
                    part = removed[i] / scaled[i]
                    cost = round_fraction(Fraction(lot.cost) * part, q)
                    commission = min(lot.commission, truncate_fraction(Fraction(lot.commission) * part, q))
                else:
                    cost, commission = lot.cost, lot.commission
                lot.cost -= cost
                lot.commission -= commission
                self._book_realized(symbol, currency, share - cost - commission, rate)
        for lot, quantity in zip(lots, new_quantities):
            lot.quantity = quantity
            lot.open_price = div_round(lot.open_price * frm, to, Q12)
            lot.model = None
        lots[:] = [lot for lot in lots if lot.quantity]
        if not lots:
            del self._lots[symbol]
        return True

    # -- state ----------------------------------------------------------------------------------------------

    def _rate(self, currency: str) -> Decimal:
        return self._fx.rate(currency, _where(self._cause) if self._cause is not None else "portfolio")

    def _static_of(self, symbol: str) -> tuple:
        lots = self._lots[symbol]
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
        return quantity, cost, commission, average, models, self._currency_of.get(symbol, self._base)

    def _position(self, symbol: str) -> tuple[Position, Decimal, Decimal]:
        """The Position of a held symbol at its last price, with its market value and unrealized P&L (base
        currency). Under the service's exact context (see ``handler``), as every figure here."""
        quantity, cost, _commission, average, models, currency = self._static[symbol]
        price, q = self._prices[symbol], self._q
        local_value = mul_round(quantity, price, q)
        if currency == self._base:
            value, unrealized = local_value, local_value - cost
        else:
            rate = self._rate(currency)
            value, unrealized = mul_round(local_value, rate, q), mul_round(local_value - cost, rate, q)
        model = Position.trusted_complete({  # every field, in the model's order (the serialized order)
            "symbol": symbol, "quantity": quantity, "currency": currency, "market_price": price, "market_value": value,
            "cost_basis": cost, "average_price": average, "unrealized_pnl": unrealized,
            "realized_pnl": self._realized_by_symbol.get(symbol, ZERO), "lots": models,
        })
        return model, value, unrealized

    def _mark(self, symbol: str) -> None:
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

    def _refresh(self, symbols) -> None:
        """Rebuild the caches of ``symbols`` (their lots changed or their currency's rate moved), cash, totals."""
        for symbol in symbols:
            if symbol in self._lots:
                self._static[symbol] = self._static_of(symbol)
                model, value, unrealized = self._position(symbol)
                self._positions[symbol], self._figures[symbol] = model, (value, unrealized)
            else:
                self._static.pop(symbol, None)
                self._positions.pop(symbol, None)
                self._figures.pop(symbol, None)
        self._refresh_cash()
        self._refresh_totals()

    def _refresh_cash(self) -> None:
        cash, balances = ZERO, []
        for currency, amount in self._ledger.balances().items():
            balances.append(CashBalance.trusted(currency=currency, amount=amount))
            if currency == self._base:
                cash += amount
            elif amount:
                cash += mul_round(amount, self._rate(currency), self._q)
        self._cash_base, self._cash_list = cash, balances

    def _refresh_totals(self) -> None:
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
            _STATE_DEFAULTS, base_currency=self._base, cash=self._cash_base, cash_balances=self._cash_list,
            market_value=market_value, equity=equity, gross_exposure=gross, net_exposure=market_value,
            leverage=div_round(gross, equity, Q12) if equity > 0 else ZERO,
            realized_pnl=self._realized, unrealized_pnl=unrealized, commissions=self._commissions,
            fees=self._fees, dividends=self._dividends, realized_fx_pnl=self._realized_fx,
            positions=self._positions_list,
        )

    def _emit(self, reason: StateReason, closed: list[ClosedLot] | None = None) -> None:
        fields = self._payload.copy()  # every field of a PortfolioState: the event takes this dict over
        fields["reason"] = reason
        if closed:
            fields["closed_lots"] = closed
        state = self.emit_complete(PortfolioState, fields)
        equity = self._payload["equity"]
        if equity > self._peak:
            self._peak = equity
        self._state = state

    # -- messages -------------------------------------------------------------------------------------------

    def _currency_mismatch(self, event, currency: str) -> str:
        configured = self._currency_of.get(event.symbol)
        known = f"configured as {configured}" if configured else f"not configured, so in the base currency {self._base}"
        return (f"{_where(event)}: {event.symbol} is quoted in {currency} but is {known}; set "
                f"portfolio.instruments.{event.symbol}.currency: {currency}")

    def _unknown_lot(self, fill, lot_id: str, lots: list[OpenLot]) -> str:
        side = "long" if fill.side == Side.SELL else "short"
        open_ids = ", ".join(lot.lot_id for lot in lots) or "none"
        return (f"Fill {fill.event_id} (fill_id {fill.fill_id}): lot_ids names lot {lot_id!r}, which is not an "
                f"open {side} lot of {fill.symbol} (open lots: {open_ids}); name lots of the position this fill "
                f"closes, or leave lot_ids out")

    # -- snapshot / restore ---------------------------------------------------------------------------------

    def snapshot(self) -> PortfolioSnapshot:
        """Everything needed to continue exactly where the portfolio is (contract PortfolioSnapshot v1)."""
        last = self._last_input
        if last is None:
            event_id = str(uuid.uuid5(uuid.UUID(self.run_id), f"{self.name}/snapshot"))
            envelope = dict(event_id=event_id, occurred_at=_EPOCH, correlation_id=self.run_id)
        else:
            envelope = dict(event_id=str(uuid.uuid5(uuid.UUID(last.event_id), f"{self.name}/snapshot")),
                            occurred_at=last.occurred_at, correlation_id=last.correlation_id,
                            causation_id=last.event_id)
        lots = [
            SnapshotLot.trusted(symbol=symbol, lot_id=lot.lot_id, quantity=lot.quantity, open_price=lot.open_price,
                                opened_at=lot.opened_at, cost_basis=lot.cost, commission=lot.commission)
            for symbol in sorted(self._lots) for lot in self._lots[symbol]
        ]
        fields = dict(
            source_service=self.name, base_currency=self._base, initial_cash=self.config.initial_cash,
            events_handled=self._events_handled,
            cash_balances=[CurrencyAmount.trusted(currency=c, amount=a) for c, a in self._ledger.balances().items()],
            currency_books=[CurrencyBookModel.trusted(currency=c, exposure=b.exposure, book_value=b.book_value)
                            for c, b in sorted(self._books.items())],
            fx_rates=[FxRate.trusted(currency=c, rate=r) for c, r in sorted(self._fx.rates.items())],
            last_prices=[LastPrice.trusted(symbol=s, price=p) for s, p in sorted(self._prices.items())],
            lots=lots,
            realized_by_symbol=[SymbolAmount.trusted(symbol=s, amount=a)
                                for s, a in sorted(self._realized_by_symbol.items())],
            pending_actions=list(self._pending_actions), pending_dividends=list(self._pending_dividends),
            accrual_residuals=[AccrualResidual.trusted(kind=k, key=key, currency=c, amount=a)
                               for (k, key), (c, a) in sorted(self._residuals.items())],
            realized_pnl=self._realized, commissions=self._commissions, fees=self._fees,
            dividends=self._dividends, realized_fx_pnl=self._realized_fx, peak_equity=self._peak,
            ledger=list(self._ledger.entries()),
        )
        if self._last_date is not None:
            fields["last_date"] = self._last_date
        return PortfolioSnapshot.trusted(**envelope, **fields)

    def restore(self, snapshot: PortfolioSnapshot | Mapping[str, Any]) -> None:
        """Replace all state by a snapshot's (taken by a portfolio with the same config); continue from there."""
        if isinstance(snapshot, Mapping):
            snapshot = parse_event(dict(snapshot), "portfolio restore")
        if not isinstance(snapshot, PortfolioSnapshot):
            raise ContractError(f"restore expects a PortfolioSnapshot, got {type(snapshot).__name__}")
        self._check_fits(snapshot, "snapshot", "restore into a portfolio built with the snapshot's config")
        self.reset(self._raw_config, self.run_id)
        with localcontext(EXACT):
            self._load(snapshot)

    def _check_fits(self, snapshot: PortfolioSnapshot, where: str, advice: str) -> None:
        if snapshot.base_currency != self._base or snapshot.initial_cash != self.config.initial_cash:
            raise ConfigError(
                f"{where} {snapshot.event_id} was taken with base_currency {snapshot.base_currency} and initial_cash "
                f"{snapshot.initial_cash}; this portfolio has {self._base} and {self.config.initial_cash}: {advice}")

    def _load(self, s: PortfolioSnapshot) -> None:
        self._ledger = Ledger.replay(s.ledger)
        balances = self._ledger.balances()
        if balances != {b.currency: b.amount for b in s.cash_balances}:
            raise ContractError(f"snapshot {s.event_id}: cash_balances do not equal the sums of the ledger")
        for lot in s.lots:
            self._lots.setdefault(lot.symbol, []).append(
                OpenLot(lot.lot_id, lot.quantity, lot.open_price, lot.opened_at, lot.cost_basis, lot.commission))
        self._prices = {p.symbol: p.price for p in s.last_prices}
        self._fx.rates = {r.currency: r.rate for r in s.fx_rates}
        self._books = {b.currency: CurrencyBook(b.exposure, b.book_value) for b in s.currency_books}
        self._realized_by_symbol = {r.symbol: r.amount for r in s.realized_by_symbol}
        self._pending_actions = list(s.pending_actions)
        self._pending_dividends = list(s.pending_dividends)
        self._residuals = {(r.kind, r.key): (r.currency, r.amount) for r in s.accrual_residuals}
        self._realized, self._commissions, self._fees = s.realized_pnl, s.commissions, s.fees
        self._dividends, self._realized_fx, self._peak = s.dividends, s.realized_fx_pnl, s.peak_equity
        self._last_date = s.last_date
        self._events_handled = s.events_handled
        self._last_input = None
        if s.causation_id is not None:
            self._last_input = _LastInput(s.causation_id, s.occurred_at, s.correlation_id)
        for symbol in self._lots:
            if symbol not in self._prices:
                raise ContractError(f"snapshot {s.event_id}: lots of {symbol} but no last price")
        self._refresh(sorted(self._lots))
