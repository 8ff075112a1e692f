"""Pre-trade limits as records: a policy key, a pure check and the rejection code its violations carry.

Conventions (every limit):
- ``Limit.check`` returns a list of ``Violation`` (code and message); an empty list means the trade passes.
  The code is the contract's ``RejectionCode`` (the record says which), never recovered from the text. Each
  message starts with the limit's label and states the numbers, e.g.
  "concentration: AAPL would be 32.5% of equity, limit 25%".
- Only trades that increase |position| in their symbol (see ``increases_exposure``) can be blocked.
  Reducing or closing always passes every check, so a limit can never trap the portfolio in risk.
- Ceilings are inclusive: landing exactly on max_weight, max_leverage or max_positions passes; only
  going beyond is refused. The drawdown throttle is a trigger, not a ceiling: it trips once the
  drawdown reaches max_drawdown (>=).
- Equity <= 0: every exposure-increasing trade is refused with a reason; nothing divides by zero.
- The traded symbol is valued at ``trade.price`` (the price it would fill at); every other holding at
  ``view.prices``.
- Arithmetic uses a fixed decimal context (prec=28, ROUND_HALF_EVEN) passed explicitly, so the same
  inputs give the same answer on every machine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation
from types import MappingProxyType

from qtrader.contracts.generated.models.manager.signal_rejected_v1 import RejectionCode
from qtrader.libraries.risk._numbers import as_count, as_decimal, risk_context, shown

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
SIDES = ("BUY", "SELL")


@dataclass(frozen=True)
class ProposedTrade:
    """The trade to vet: ``quantity`` is a positive magnitude, ``side`` gives the direction."""

    symbol: str
    side: str
    quantity: Decimal
    price: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.symbol, str) or not self.symbol:
            raise ValueError(f"symbol must be a non-empty string, got {self.symbol!r}")
        if self.side not in SIDES:
            raise ValueError(f"side must be 'BUY' or 'SELL', got {self.side!r}")
        quantity = as_decimal(self.quantity, "quantity")
        price = as_decimal(self.price, "price")
        if quantity <= 0:
            raise ValueError(f"quantity must be > 0 (side gives the direction), got {quantity}")
        if price <= 0:
            raise ValueError(f"price must be > 0, got {price}")
        object.__setattr__(self, "quantity", quantity)
        object.__setattr__(self, "price", price)

    @property
    def signed_quantity(self) -> Decimal:
        """+quantity for BUY, -quantity for SELL."""
        return self.quantity if self.side == "BUY" else self.quantity.copy_negate()


@dataclass(frozen=True)
class PortfolioView:
    """A read-only snapshot of the portfolio the checks judge against.

    ``positions`` are signed share quantities (short < 0); ``prices`` are marks. Both are copied into
    read-only mappings, so later changes by the caller cannot alter a view already checked. Every
    non-zero position needs a price, otherwise exposure could not be valued. ``cash`` is carried for
    callers' own checks; none of the checks here uses it.
    """

    equity: Decimal
    cash: Decimal
    positions: Mapping[str, Decimal] = field(default_factory=dict)
    prices: Mapping[str, Decimal] = field(default_factory=dict)
    peak_equity: Decimal = _ZERO

    def __post_init__(self) -> None:
        for name in ("equity", "cash", "peak_equity"):
            object.__setattr__(self, name, as_decimal(getattr(self, name), name))
        positions = {sym: as_decimal(qty, f"positions[{sym!r}]") for sym, qty in self.positions.items()}
        prices = {sym: as_decimal(px, f"prices[{sym!r}]") for sym, px in self.prices.items()}
        for sym, px in prices.items():
            if px < 0:
                raise ValueError(f"prices[{sym!r}] must be >= 0, got {px}")
        for sym, qty in positions.items():
            if qty != 0 and sym not in prices:
                raise ValueError(f"prices has no entry for held position {sym!r} ({qty} shares)")
        object.__setattr__(self, "positions", MappingProxyType(positions))
        object.__setattr__(self, "prices", MappingProxyType(prices))


def _position(view: PortfolioView, symbol: str) -> Decimal:
    return view.positions.get(symbol, _ZERO)


def _post_trade_position(view: PortfolioView, trade: ProposedTrade, ctx: Context) -> Decimal:
    return ctx.add(_position(view, trade.symbol), trade.signed_quantity)


def increases_exposure(view: PortfolioView, trade: ProposedTrade) -> bool:
    """True when the trade makes |position| in its symbol bigger (opening, adding, or flipping to a larger
    opposite position); reducing, closing or flipping to an equal-sized opposite position is not."""
    ctx = risk_context()
    return ctx.abs(_post_trade_position(view, trade, ctx)) > ctx.abs(_position(view, trade.symbol))


def _non_negative_limit(value: object, name: str) -> Decimal:
    limit = as_decimal(value, name)
    if limit < 0:
        raise ValueError(f"{name} must be >= 0, got {limit}")
    return limit


def _pct_pair(value: Decimal, limit: Decimal, ctx: Context) -> tuple[str, str]:
    """Format value and limit as percentages, with enough decimals that a breach never reads as equal."""
    return _number_pair(ctx.multiply(value, _HUNDRED), ctx.multiply(limit, _HUNDRED), ctx)


def _number_pair(value: Decimal, limit: Decimal, ctx: Context) -> tuple[str, str]:
    """Round both to the fewest decimals (1..10) at which they compare as the exact figures do."""
    for places in range(1, 11):
        quantum = Decimal(1).scaleb(-places)
        try:
            shown_value = value.quantize(quantum, context=ctx)
            shown_limit = limit.quantize(quantum, context=ctx)
        except InvalidOperation:  # too many digits to show that many decimals: show them as they are
            break
        if (shown_value != shown_limit) == (value != limit):
            return shown(shown_value), shown(shown_limit)
    return shown(value), shown(limit)


def _non_positive_equity(view: PortfolioView, trade: ProposedTrade) -> str:
    return (
        f"equity is {shown(view.equity)}, not positive; cannot add exposure to {trade.symbol}, "
        f"only trades that reduce exposure are allowed"
    )


def _positive_equity(view: PortfolioView, trade: ProposedTrade, setting: object) -> str | None:
    """Refuse new exposure when equity <= 0: there is nothing left to risk (takes no setting)."""
    if view.equity > 0 or not increases_exposure(view, trade):
        return None
    return _non_positive_equity(view, trade)


def _concentration(view: PortfolioView, trade: ProposedTrade, max_weight: object) -> str | None:
    """Refuse when |post-trade position value| / equity > max_weight, so no single name dominates."""
    limit = _non_negative_limit(max_weight, "max_weight")
    if not increases_exposure(view, trade):
        return None
    if view.equity <= 0:
        return _non_positive_equity(view, trade)
    ctx = risk_context()
    value = ctx.abs(ctx.multiply(_post_trade_position(view, trade, ctx), trade.price))
    weight = ctx.divide(value, view.equity)
    if weight <= limit:
        return None
    shown_weight, shown_limit = _pct_pair(weight, limit, ctx)
    return f"{trade.symbol} would be {shown_weight}% of equity, limit {shown_limit}%"


def _gross_leverage(view: PortfolioView, trade: ProposedTrade, max_leverage: object) -> str | None:
    """Refuse when sum(|position value|) after the trade / equity > max_leverage, longs and shorts alike."""
    limit = _non_negative_limit(max_leverage, "max_leverage")
    if not increases_exposure(view, trade):
        return None
    if view.equity <= 0:
        return _non_positive_equity(view, trade)
    ctx = risk_context()
    gross = ctx.abs(ctx.multiply(_post_trade_position(view, trade, ctx), trade.price))
    for symbol in sorted(view.positions):  # sorted: a fixed summation order, whatever the mapping's
        if symbol != trade.symbol:
            gross = ctx.add(
                gross, ctx.abs(ctx.multiply(view.positions[symbol], view.prices.get(symbol, _ZERO)))
            )
    leverage = ctx.divide(gross, view.equity)
    if leverage <= limit:
        return None
    shown_leverage, shown_limit = _number_pair(leverage, limit, ctx)
    return (
        f"gross exposure would be {shown(gross)} = {shown_leverage}x equity {shown(view.equity)}, "
        f"limit {shown_limit}x"
    )


def _max_positions(view: PortfolioView, trade: ProposedTrade, max_positions: object) -> str | None:
    """Refuse opening a new symbol while already holding max_positions non-zero positions.

    Adding to, reducing or closing an existing position always passes; ending up with exactly
    max_positions positions passes.
    """
    limit = as_count(max_positions, "max_positions")
    if limit < 0:
        raise ValueError(f"max_positions must be >= 0, got {limit}")
    if _position(view, trade.symbol) != 0:
        return None
    held = sum(1 for qty in view.positions.values() if qty != 0)
    if held < limit:
        return None
    return f"opening {trade.symbol} would make {held + 1} positions, already holding {held}, limit {limit}"


def _drawdown_throttle(view: PortfolioView, trade: ProposedTrade, max_drawdown: object) -> str | None:
    """Once (peak - equity) / peak >= max_drawdown, block trades that increase exposure.

    Only increases of |position| are blocked; reductions and closes pass, so the strategy can still
    de-risk while throttled. A non-positive peak cannot measure a drawdown and blocks new exposure too.
    """
    limit = as_decimal(max_drawdown, "max_drawdown")
    if limit <= 0 or limit > 1:
        raise ValueError(f"max_drawdown must be > 0 and <= 1, got {limit}")
    if not increases_exposure(view, trade):
        return None
    if view.peak_equity <= 0:
        return (
            f"peak equity is {shown(view.peak_equity)}, not positive; cannot measure drawdown, "
            f"only trades that reduce exposure are allowed"
        )
    ctx = risk_context()
    drawdown = ctx.divide(ctx.subtract(view.peak_equity, view.equity), view.peak_equity)
    if drawdown < limit:
        return None
    shown_drawdown, shown_limit = _pct_pair(drawdown, limit, ctx)
    return (
        f"equity {shown(view.equity)} is {shown_drawdown}% below peak {shown(view.peak_equity)}, "
        f"limit {shown_limit}%; only trades that reduce exposure are allowed"
    )


@dataclass(frozen=True)
class Violation:
    """One reason a trade must not go ahead: a code of the contract's RejectionCode and the figures, in words."""

    code: RejectionCode
    message: str


@dataclass(frozen=True)
class Limit:
    """A pre-trade rule as a record: its policy key, the code its violations carry, and its check.

    ``key`` is the limit's one name in the policy (``limits.<key>``) and in code (None: not a policy
    setting, always checked); ``code`` is what a SignalRejected reason carries; ``label`` begins every
    message ("concentration: ..."), the wording event logs have always had. ``breach`` is the pure
    check: why the trade breaches the limit (the figures, in words), or None.
    """

    key: str | None
    code: RejectionCode
    label: str
    breach: Callable[[PortfolioView, ProposedTrade, object], str | None]

    def check(self, view: PortfolioView, trade: ProposedTrade, setting: object = None) -> list[Violation]:
        """The violations of this limit, set to ``setting`` (empty: the trade passes)."""
        found = self.breach(view, trade, setting)
        return [] if found is None else [Violation(self.code, f"{self.label}: {found}")]


#: Always checked first, whatever the policy (it takes no setting): with equity <= 0 there is nothing to risk.
POSITIVE_EQUITY = Limit(None, RejectionCode.NON_POSITIVE_EQUITY, "equity", _positive_equity)

#: The limits a policy can set, by policy key, in the order run_checks reports them.
LIMITS: Mapping[str, Limit] = MappingProxyType({
    limit.key: limit
    for limit in (
        Limit("max_weight", RejectionCode.CONCENTRATION, "concentration", _concentration),
        Limit("max_leverage", RejectionCode.GROSS_LEVERAGE, "gross_leverage", _gross_leverage),
        Limit("max_positions", RejectionCode.MAX_POSITIONS, "max_positions", _max_positions),
        Limit("max_drawdown", RejectionCode.DRAWDOWN_THROTTLE, "drawdown", _drawdown_throttle),
    )
    if limit.key is not None  # every one has a key (a test checks all four are here)
})


def run_checks(view: PortfolioView, trade: ProposedTrade, limits: Mapping[str, object]) -> list[Violation]:
    """Run every configured limit and return ALL violations, so one rejection explains everything wrong.

    Order is fixed, whatever the order of ``limits``: POSITIVE_EQUITY (always), then the LIMITS in their
    order. A key left out of ``limits`` is not checked; an unknown key raises ValueError (a typo must not
    silently switch a limit off).
    """
    unknown = sorted(set(limits) - set(LIMITS))
    if unknown:
        raise ValueError(f"limits has unknown key(s) {unknown}; known keys are {list(LIMITS)}")
    violations = POSITIVE_EQUITY.check(view, trade)
    for key, limit in LIMITS.items():
        if key in limits:
            violations.extend(limit.check(view, trade, limits[key]))
    return violations
