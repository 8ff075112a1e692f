"""Small builders for service tests: valid events from a few fields, through the contracts' own validation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from qtrader.contracts.ids import derive_id, run_id
from qtrader.contracts.validation import parse_event

RUN = run_id("tests")
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def day(n: int) -> str:
    return (T0 + timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(event_type: str, n: int, ts: str, source: str = "data", **extra: Any) -> dict:
    return {"event_id": derive_id(RUN, event_type, n), "event_type": event_type, "schema_version": 1,
            "occurred_at": ts, "source_service": source, "correlation_id": RUN, **extra}


def bar(n: int, close: str, symbol: str = "X", open_: str | None = None, high: str | None = None,
        low: str | None = None, volume: str = "1000000") -> Any:
    open_ = open_ or close
    prices = [open_, close]
    high = high or max(prices, key=float)
    low = low or min(prices, key=float)
    return parse_event({**envelope("PriceBar", n * 1000 + hash(symbol) % 997, day(n)), "symbol": symbol,
                        "timeframe": "1d", "open": open_, "high": high, "low": low, "close": close,
                        "volume": volume, "adjusted": False})


def portfolio_state(n: int, cash: str, positions: dict[str, tuple[str, str]] | None = None,
                    peak: str | None = None) -> Any:
    """A consistent PortfolioState: positions {symbol: (quantity, price)}, equity = cash + market value, peak
    equity ``peak`` (default: the equity, as for a portfolio at its high)."""
    from decimal import Decimal

    rows, market_value, gross = [], Decimal(0), Decimal(0)
    for symbol, (quantity, price) in sorted((positions or {}).items()):
        value = Decimal(quantity) * Decimal(price)
        market_value += value
        gross += abs(value)
        rows.append({"symbol": symbol, "quantity": quantity, "currency": "USD", "market_price": price,
                     "market_value": str(value), "cost_basis": str(value), "average_price": price,
                     "unrealized_pnl": "0", "realized_pnl": "0",
                     "lots": [{"lot_id": f"lot-{symbol}", "quantity": quantity, "open_price": price,
                               "opened_at": day(0), "cost_basis": str(value), "commission": "0"}]})
    equity = Decimal(cash) + market_value
    return parse_event({**envelope("PortfolioState", n, day(n), source="portfolio"), "reason": "MARK_TO_MARKET",
                        "base_currency": "USD", "cash": cash, "cash_balances": [{"currency": "USD", "amount": cash}],
                        "market_value": str(market_value), "equity": str(equity),
                        "peak_equity": peak if peak is not None else str(equity), "gross_exposure": str(gross),
                        "net_exposure": str(market_value), "leverage": "0", "realized_pnl": "0",
                        "unrealized_pnl": "0", "commissions": "0", "fees": "0", "dividends": "0",
                        "realized_fx_pnl": "0", "positions": rows})


def signal(n: int, intention: str, symbol: str = "X", price: str = "10", **extra: Any) -> Any:
    return parse_event({**envelope("Signal", n, day(n), source="strategy"), "strategy_id": "s", "symbol": symbol,
                        "intention": intention, "price": price, "confidence": "1", **extra})


def order_update(n: int, order_id: str, status: str, filled: str, remaining: str, symbol: str = "X") -> Any:
    return parse_event({**envelope("OrderUpdate", n, day(n), source="execution"), "order_id": order_id,
                        "symbol": symbol, "status": status, "reason": "test", "filled_quantity": filled,
                        "remaining_quantity": remaining})
