"""Position sizing: how many shares to trade, as a Decimal, never more than the budget allows.

Conventions (every function here):
- The result is a non-negative share quantity; the caller chooses the side.
- It is rounded DOWN to a whole number of ``lot_size`` (default 1 share), never up, so
  ``quantity * price`` never exceeds the budget the rule allows.
- It is zero when ``price <= 0`` or the budget (equity times the rule's fraction) is <= 0:
  there is nothing sensible to buy, and it is not an input error.
- Arguments outside their meaningful range raise ValueError naming the argument; floats raise
  TypeError (money is Decimal, ints are accepted and converted).
- Arithmetic uses a fixed context (prec=28, ROUND_HALF_EVEN) passed explicitly, so results are
  identical on every machine whatever the caller's decimal context. The lot count is an exact
  integer division (``Context.divide_int``), so the round-down is never spoiled by a rounded quotient.
"""

from __future__ import annotations

from decimal import Context, Decimal

from qtrader.libraries.risk._numbers import as_count, as_decimal, risk_context

_ZERO = Decimal(0)
_ONE = Decimal(1)


def _lot_size(lot_size: object) -> Decimal:
    lot = as_decimal(lot_size, "lot_size")
    if lot <= 0:
        raise ValueError(f"lot_size must be > 0, got {lot}")
    return lot


def _unit_interval(value: object, name: str) -> Decimal:
    result = as_decimal(value, name)
    if result < 0 or result > 1:
        raise ValueError(f"{name} must be between 0 and 1 inclusive, got {result}")
    return result


def _whole_lots(budget: Decimal, cost_per_share: Decimal, lot: Decimal, ctx: Context) -> Decimal:
    """floor(budget / cost_per_share) rounded down to lots; zero when either side is not positive."""
    if budget <= 0 or cost_per_share <= 0:
        return _ZERO
    lots = ctx.divide_int(budget, ctx.multiply(cost_per_share, lot))
    return ctx.multiply(lots, lot)


def fixed_quantity(quantity: Decimal, lot_size: Decimal = _ONE) -> Decimal:
    """Always the same size (rounded down to lots): the baseline rule, independent of equity and price."""
    qty = as_decimal(quantity, "quantity")
    lot = _lot_size(lot_size)
    if qty < 0:
        raise ValueError(f"quantity must be >= 0, got {qty}")
    return _whole_lots(qty, _ONE, lot, risk_context())


def fixed_fraction(equity: Decimal, fraction: Decimal, price: Decimal, lot_size: Decimal = _ONE) -> Decimal:
    """floor(equity * fraction / price): commit a fixed share of equity, so size scales with the account.

    ``fraction`` must be in [0, 1]; leverage beyond equity is the limit checks' business, not sizing's.
    """
    eq = as_decimal(equity, "equity")
    frac = _unit_interval(fraction, "fraction")
    px = as_decimal(price, "price")
    lot = _lot_size(lot_size)
    ctx = risk_context()
    return _whole_lots(ctx.multiply(eq, frac), px, lot, ctx)


def equal_weight(equity: Decimal, n_slots: int, price: Decimal, lot_size: Decimal = _ONE) -> Decimal:
    """floor(equity / n_slots / price): split equity evenly across ``n_slots`` positions."""
    eq = as_decimal(equity, "equity")
    slots = as_count(n_slots, "n_slots")
    if slots < 1:
        raise ValueError(f"n_slots must be >= 1, got {slots}")
    px = as_decimal(price, "price")
    lot = _lot_size(lot_size)
    ctx = risk_context()
    # floor(equity / n / price) == floor(equity / (n * price)): one exact integer division, no rounded quotient.
    return _whole_lots(eq, ctx.multiply(Decimal(slots), px), lot, ctx)


def volatility_target(
    equity: Decimal,
    target_annual_vol: Decimal,
    price: Decimal,
    daily_vol: Decimal,
    periods_per_year: int = 252,
    lot_size: Decimal = _ONE,
) -> Decimal:
    """Size so the position's annualised dollar volatility is ``target_annual_vol * equity``.

    quantity = floor(target * equity / (price * daily_vol * sqrt(periods_per_year))): quieter
    instruments get bigger positions, so each position carries the same risk. ``daily_vol`` is the
    standard deviation of one period's return (e.g. 0.02 for 2%); zero when it is <= 0 (unknown vol
    must not mean infinite size).
    """
    eq = as_decimal(equity, "equity")
    target = as_decimal(target_annual_vol, "target_annual_vol")
    if target < 0:
        raise ValueError(f"target_annual_vol must be >= 0, got {target}")
    px = as_decimal(price, "price")
    vol = as_decimal(daily_vol, "daily_vol")
    periods = as_count(periods_per_year, "periods_per_year")
    if periods < 1:
        raise ValueError(f"periods_per_year must be >= 1, got {periods}")
    lot = _lot_size(lot_size)
    if vol <= 0 or px <= 0:
        return _ZERO
    ctx = risk_context()
    annual_dollar_vol_per_share = ctx.multiply(ctx.multiply(px, vol), ctx.sqrt(Decimal(periods)))
    return _whole_lots(ctx.multiply(target, eq), annual_dollar_vol_per_share, lot, ctx)


def kelly_fraction(
    win_probability: Decimal, win_loss_ratio: Decimal, fraction_of_kelly: Decimal = _ONE
) -> Decimal:
    """Kelly bet f* = p - (1 - p) / b, clipped to [0, 1], times ``fraction_of_kelly``.

    ``b`` is average win / average loss (> 0). A negative edge gives 0 (never bet against yourself);
    fractional Kelly (e.g. 0.5) trades a little growth for much less variance, and more than full
    Kelly (> 1) only adds risk, so it is refused.
    """
    p = _unit_interval(win_probability, "win_probability")
    b = as_decimal(win_loss_ratio, "win_loss_ratio")
    if b <= 0:
        raise ValueError(f"win_loss_ratio must be > 0, got {b}")
    scale = _unit_interval(fraction_of_kelly, "fraction_of_kelly")
    ctx = risk_context()
    full = ctx.subtract(p, ctx.divide(ctx.subtract(_ONE, p), b))
    clipped = min(max(full, _ZERO), _ONE)
    return ctx.multiply(clipped, scale)


def kelly_quantity(
    equity: Decimal,
    price: Decimal,
    win_probability: Decimal,
    win_loss_ratio: Decimal,
    fraction_of_kelly: Decimal = _ONE,
    lot_size: Decimal = _ONE,
) -> Decimal:
    """fixed_fraction sized with the Kelly fraction: floor(equity * kelly_fraction(...) / price)."""
    fraction = kelly_fraction(win_probability, win_loss_ratio, fraction_of_kelly)
    return fixed_fraction(equity, fraction, price, lot_size)
