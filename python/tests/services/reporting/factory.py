"""Valid events for the reporting tests, built from a few fields and checked by the contracts' validator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from qtrader.contracts.ids import derive_id, run_id
from qtrader.contracts.scalars import timestamp_to_str
from qtrader.contracts.validation import parse_event
from qtrader.libraries.numbers import plain

RUN = run_id("reporting-tests")
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def _d(x: Any) -> str:
    return plain(Decimal(str(x)))


class Events:
    """Makes events with distinct deterministic ids; ``log`` keeps every event made, in order."""

    def __init__(self) -> None:
        self.n = 0
        self.peak: Decimal | None = None  # the running peak of the states made, as the portfolio fills it
        self.log: list[Any] = []

    def _env(self, event_type: str, ts: datetime, source: str) -> dict[str, Any]:
        self.n += 1
        return {"event_id": derive_id(RUN, event_type, self.n), "event_type": event_type, "schema_version": 1,
                "occurred_at": timestamp_to_str(ts), "source_service": source, "correlation_id": RUN}

    def _make(self, payload: dict[str, Any]) -> Any:
        event = parse_event(payload)
        self.log.append(event)
        return event

    def bar(self, ts: datetime, close: Any, symbol: str = "GOOG") -> Any:
        c = _d(close)
        return self._make({**self._env("PriceBar", ts, "data"), "symbol": symbol, "timeframe": "1d", "open": c,
                           "high": c, "low": c, "close": c, "volume": "1000", "adjusted": False})

    def fill(self, ts: datetime, quantity: Any, price: Any, side: str = "BUY", symbol: str = "GOOG") -> Any:
        return self._make({**self._env("Fill", ts, "execution"), "fill_id": derive_id(RUN, "fill", self.n),
                           "order_id": derive_id(RUN, "order", self.n), "intent_id": derive_id(RUN, "sig", self.n),
                           "strategy_id": "s1", "symbol": symbol, "side": side, "quantity": _d(quantity),
                           "price": _d(price), "commission": "1", "slippage": "0", "is_partial": False})

    def rejected(self, ts: datetime, *codes: str, symbol: str = "GOOG") -> Any:
        reasons = [{"code": c, "message": f"{c.lower()} limit hit"} for c in codes]
        return self._make({**self._env("SignalRejected", ts, "manager"), "signal_id": derive_id(RUN, "s", self.n),
                           "strategy_id": "s1", "symbol": symbol, "intention": "OPEN_LONG", "reasons": reasons})

    def state(
        self,
        ts: datetime,
        cash: Any,
        positions: dict[str, tuple[Any, Any]] | None = None,
        closed: list[dict[str, Any]] | None = None,
        reason: str = "MARK_TO_MARKET",
    ) -> Any:
        """positions {symbol: (signed quantity, price)}; equity = cash + market value; closed = closed lots."""
        rows, mv, gross = [], Decimal(0), Decimal(0)
        for symbol, (qty, price) in sorted((positions or {}).items()):
            value = Decimal(str(qty)) * Decimal(str(price))
            mv += value
            gross += abs(value)
            rows.append({"symbol": symbol, "quantity": _d(qty), "currency": "USD", "market_price": _d(price),
                         "market_value": _d(value), "cost_basis": _d(value), "average_price": _d(price),
                         "unrealized_pnl": "0", "realized_pnl": "0",
                         "lots": [{"lot_id": f"lot-{symbol}", "quantity": _d(qty), "open_price": _d(price),
                                   "opened_at": timestamp_to_str(ts), "cost_basis": _d(value), "commission": "0"}]})
        equity = Decimal(str(cash)) + mv
        self.peak = equity if self.peak is None or equity > self.peak else self.peak
        leverage = (gross / equity).quantize(Decimal("1e-12")) if equity > 0 and gross else Decimal(0)
        payload = {**self._env("PortfolioState", ts, "portfolio"), "reason": "FILL" if closed else reason,
                   "base_currency": "USD", "cash": _d(cash), "cash_balances": [{"currency": "USD", "amount": _d(cash)}],
                   "market_value": _d(mv), "equity": _d(equity), "peak_equity": _d(self.peak),
                   "gross_exposure": _d(gross), "net_exposure": _d(mv),
                   "leverage": _d(leverage), "realized_pnl": "0", "unrealized_pnl": "0", "commissions": "0",
                   "fees": "0", "dividends": "0", "realized_fx_pnl": "0", "positions": rows}
        if closed:
            payload["closed_lots"] = closed
        return self._make(payload)


def closed_lot(lot_id: str, qty: Any, open_price: Any, close_price: Any, opened: datetime, closed: datetime,
               commission: Any = 0, symbol: str = "GOOG") -> dict[str, Any]:
    """A closed lot; gross = qty x (close - open), net = gross - commission (worked out here, exactly)."""
    q, o, c, fee = (Decimal(str(x)) for x in (qty, open_price, close_price, commission))
    gross = q * (c - o)
    return {"lot_id": lot_id, "symbol": symbol, "quantity": _d(q), "open_price": _d(o), "close_price": _d(c),
            "opened_at": timestamp_to_str(opened), "closed_at": timestamp_to_str(closed), "gross_pnl": _d(gross),
            "commission": _d(fee), "realized_pnl": _d(gross - fee)}
