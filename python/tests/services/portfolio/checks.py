"""Independent checks of a PortfolioService after an event, recomputed from the state, the ledger and the prices."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal

from qtrader.contracts.validation import contract_errors
from qtrader.services.portfolio import PortfolioService


def rounded(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def check(svc: PortfolioService, *, exact: bool = True, validate: bool = True, places: int = 2) -> None:
    """Every invariant the portfolio promises, on its latest state.

    exact=True (single currency): the P&L identity holds to the last digit. Otherwise it holds up to the
    rounding of converting each figure to the base currency (one money unit per currency and per position).
    """
    state = svc.get_state()
    assert state is not None
    if validate:
        assert list(contract_errors(state.to_dict())) == []
    # cash + market value == equity, exactly
    assert state.cash + state.market_value == state.equity
    assert state.net_exposure == state.market_value == sum((p.market_value for p in state.positions), Decimal(0))
    assert state.gross_exposure == sum((abs(p.market_value) for p in state.positions), Decimal(0))
    assert state.unrealized_pnl == sum((p.unrealized_pnl for p in state.positions), Decimal(0))

    # lots sum to each position, and the ledger's quantity entries sum to it too
    ledger = svc.ledger()
    quantities: dict[str, Decimal] = defaultdict(Decimal)
    cash: dict[str, Decimal] = defaultdict(Decimal)
    for entry in ledger:
        cash[entry.currency] += entry.amount
        if entry.quantity is not None and entry.kind in ("TRADE", "SPLIT", "CASH_IN_LIEU"):
            quantities[entry.symbol] += entry.quantity
    for p in state.positions:
        assert p.quantity == sum((lot.quantity for lot in p.lots), Decimal(0)) != 0
        assert p.cost_basis == sum((lot.cost_basis for lot in p.lots), Decimal(0))
        assert all((lot.quantity > 0) == (p.quantity > 0) for lot in p.lots)
        assert quantities[p.symbol] == p.quantity, p.symbol
    held = {p.symbol for p in state.positions}
    assert all(q == 0 for s, q in quantities.items() if s not in held)

    # the ledger sums to the cash balance of every currency
    assert {b.currency: b.amount for b in state.cash_balances} == {c: a for c, a in cash.items()}
    assert [b.currency for b in state.cash_balances] == sorted(cash)

    # positions at their mark, in the base currency
    base = state.base_currency
    rates = {r.currency: r.rate for r in svc.snapshot().fx_rates}
    rates[base] = Decimal(1)
    for p in state.positions:
        local = rounded(p.quantity * p.market_price, places)
        assert p.market_value == rounded(local * rates[p.currency], places)
        assert p.unrealized_pnl == rounded((local - p.cost_basis) * rates[p.currency], places)
    converted = sum((rounded(b.amount * rates[b.currency], places) if b.currency != base else b.amount
                     for b in state.cash_balances if b.amount), Decimal(0))
    assert state.cash == converted

    # P&L identity: equity - initial = realized + unrealized - open commissions - fees + dividends + FX
    initial = svc.config.initial_cash
    explained = (state.realized_pnl + state.unrealized_pnl - svc.open_commissions() - state.fees
                 + state.dividends + state.realized_fx_pnl + svc.unrealized_fx_pnl())
    if exact:
        assert state.equity - initial == explained
    else:
        tolerance = Decimal(1).scaleb(-places) * (len(state.cash_balances) + 2 * len(state.positions) + 2)
        assert abs(state.equity - initial - explained) <= tolerance, (state.equity - initial, explained)

    # each foreign currency's FX exposure = its cash + the cost and open commission of its instruments' lots
    for currency in sorted(set(cash) - {base}):
        lots = [lot for p in state.positions if p.currency == currency for lot in p.lots]
        expected = cash[currency] + sum((lot.cost_basis + lot.commission for lot in lots), Decimal(0))
        assert svc.currency_exposure(currency)[0] == expected, currency
