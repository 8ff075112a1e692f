"""The report's two tables, built from contract objects: equity rows (one per timestamp) and trade rows
(one per closed lot). Every money figure stays a Decimal; derived figures are quantized explicitly."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, NamedTuple, Protocol

from qtrader.contracts.generated.models.portfolio.portfolio_state_v1 import ClosedLot, PortfolioState
from qtrader.libraries.performance.drawdown import depths
from qtrader.libraries.numbers import MONEY

#: Derived decimals (drawdown, holding days) keep 12 fraction digits, the scale of the Parquet exports.
SCALE = Decimal("1e-12")
_ZERO = Decimal(0)
_DAY_US = Decimal(86_400_000_000)

EQUITY_COLUMNS: tuple[str, ...] = (
    "timestamp", "cash", "market_value", "equity", "gross_exposure", "leverage", "drawdown",
)
TRADE_COLUMNS: tuple[str, ...] = (
    "symbol", "side", "quantity", "entry_time", "entry_price", "exit_time", "exit_price",
    "gross_pnl", "commission", "net_pnl", "holding_days", "lot_id",
)


def quantize12(value: Decimal) -> Decimal:
    """Round half-even to 12 fraction digits, then drop trailing zeros (plain text stays short)."""
    q = value.quantize(SCALE, rounding=ROUND_HALF_EVEN, context=MONEY)
    if q == _ZERO:
        return _ZERO
    return q.normalize(MONEY)


#: What the report keeps of one PortfolioState, as a plain tuple (one is kept per timestamp, a million on a long
#: run, so it must be small and cheap to make): timestamp, cash, market_value, equity, gross_exposure, leverage,
#: exposed (whether it holds any non-zero position). ``equity_rows`` turns them into EquityRow.
StatePoint = tuple[datetime, Decimal, Decimal, Decimal, Decimal, Decimal, int]


def state_point(state: PortfolioState) -> StatePoint:
    """The point of one state. Its last item is the number of open positions (capped at 255, it is kept as one
    byte), 0 when no position is non-zero: the portfolio lists only open positions, so the first non-zero one
    settles it without reading the others (this runs once per state)."""
    positions = state.positions
    held = 0
    for position in positions:
        if position.quantity:
            held = min(len(positions), 255)
            break
    return (state.occurred_at, state.cash, state.market_value, state.equity, state.gross_exposure, state.leverage,
            held)


class ColumnRow(Protocol):
    """A row read by column name: a dict, or an EquityRow."""

    def __getitem__(self, key: str, /) -> Any: ...


class EquityRow(NamedTuple):
    """One row of equity.csv. A tuple (a run can have a million of them) that also reads like a mapping by
    column name, ``row["equity"]``, as the other rows do."""

    timestamp: datetime
    cash: Decimal
    market_value: Decimal
    equity: Decimal
    gross_exposure: Decimal
    leverage: Decimal
    drawdown: Decimal

    def __getitem__(self, key: Any) -> Any:
        return getattr(self, key) if isinstance(key, str) else tuple.__getitem__(self, key)

    def keys(self) -> tuple[str, ...]:
        return self._fields


class Drawdowns:
    """The drawdown column, computed piece by piece by the one drawdown rule (libraries/performance/drawdown.py):
    the depth below the running peak, rounded half-even to 12 places; 0 at the peak and while the peak is <= 0."""

    def __init__(self) -> None:
        self.peak: Decimal | None = None

    def of(self, equities: Iterable[Decimal]) -> list[Decimal]:
        """The drawdowns of the next points (in time order)."""
        found, self.peak = depths(list(equities), self.peak, MONEY)
        return [_ZERO if d is None else quantize12(d) for d in found]


def holding_days(opened: datetime, closed: datetime) -> Decimal:
    """Calendar days between open and close, exact to the microsecond, rounded to 12 places."""
    micros = (closed - opened) // timedelta(microseconds=1)
    return quantize12(MONEY.divide(Decimal(micros), _DAY_US))


def trade_row(lot: ClosedLot) -> dict[str, Any]:
    """One round trip: side from the sign of the lot's quantity, quantity unsigned, net = realized P&L."""
    return {
        "symbol": lot.symbol,
        "side": "LONG" if lot.quantity > _ZERO else "SHORT",
        "quantity": MONEY.abs(lot.quantity),
        "entry_time": lot.opened_at,
        "entry_price": lot.open_price,
        "exit_time": lot.closed_at,
        "exit_price": lot.close_price,
        "gross_pnl": lot.gross_pnl,
        "commission": lot.commission,
        "net_pnl": lot.realized_pnl,
        "holding_days": holding_days(lot.opened_at, lot.closed_at),
        "lot_id": lot.lot_id,
    }
