"""Write a case's input.jsonl from a short inputs.yaml, so a case author writes only what matters.

inputs.yaml is a list; each item is ``{EventType: {fields}}`` with these conveniences:

- ``at``: the occurred_at (a date ``2024-01-02`` means 00:00 UTC, or a full RFC 3339 timestamp);
- ``"@name"`` anywhere: a stable id, uuid5(case namespace, "ref/name"), so events can point at each other
  (``order_id: "@o1"`` in an Order, ``order_id: "@o1"`` in its CancelOrder, ``parent_order_id: "@o1"``);
- numbers become decimal strings (write prices as in the data, e.g. 10.25);
- per-type defaults (PriceBar: timeframe 1d, adjusted false, volume 1000000; Order: strategy_id s, time_in_force
  DAY, intent_id/idempotency_key derived; Signal: strategy_id s, confidence 1; Fill: fill_id derived, commission
  and slippage 0, is_partial false; PortfolioState: ``cash`` and ``positions: {SYM: [quantity, price]}`` expand to
  a consistent state, and ``peak_equity`` defaults to the running peak of the case's states so far, this one
  included: the portfolio's rule, ``libraries/performance/drawdown.next_peak``, with no initial cash before them).

The envelope is filled in: event_id = uuid5(case namespace, "input/<n>"), correlation_id = the case's run id,
source_service by type. Every line written is validated against the contracts.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any


from qtrader.contracts.ids import QTRADER_NAMESPACE, run_id as make_run_id
from qtrader.contracts.validation import parse_event
from qtrader.errors import ConfigError
from qtrader.libraries.performance.drawdown import next_peak
from qtrader.safe_yaml import load_yaml_file

SOURCES = {"PriceBar": "data", "CorporateAction": "data", "Signal": "strategy", "Order": "manager",
           "CancelOrder": "manager", "SignalRejected": "manager", "OrderUpdate": "execution", "Fill": "execution",
           "PortfolioState": "portfolio"}


def _timestamp(value: Any) -> str:
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        text: str = value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return text
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00Z"
    text = str(value)
    return f"{text}T00:00:00Z" if len(text) == 10 else text


def _plain(value: Any, namespace: uuid.UUID) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return format(Decimal(str(value)), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith("@"):
        return str(uuid.uuid5(namespace, "ref/" + value[1:]))
    if isinstance(value, list):
        return [_plain(v, namespace) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, namespace) for k, v in value.items()}
    return value


def _state(fields: dict[str, Any]) -> dict[str, Any]:
    cash = Decimal(fields.pop("cash"))
    positions = fields.pop("positions", {}) or {}
    rows, market_value, gross = [], Decimal(0), Decimal(0)
    for symbol in sorted(positions):
        quantity, price = (Decimal(str(v)) for v in positions[symbol])
        value = quantity * price
        market_value += value
        gross += abs(value)
        rows.append({"symbol": symbol, "quantity": str(quantity), "currency": "USD", "market_price": str(price),
                     "market_value": str(value), "cost_basis": str(value), "average_price": str(price),
                     "unrealized_pnl": "0", "realized_pnl": "0",
                     "lots": [{"lot_id": f"lot-{symbol}", "quantity": str(quantity), "open_price": str(price),
                               "opened_at": "2020-01-01T00:00:00Z", "cost_basis": str(value), "commission": "0"}]})
    equity = cash + market_value
    leverage = (gross / equity).quantize(Decimal("1.000000000000")) if equity > 0 else Decimal(0)
    return {"reason": "MARK_TO_MARKET", "base_currency": "USD", "cash": str(cash),
            "cash_balances": [{"currency": "USD", "amount": str(cash)}], "market_value": str(market_value),
            "equity": str(equity), "gross_exposure": str(gross), "net_exposure": str(market_value),
            "leverage": format(leverage, "f"), "realized_pnl": "0", "unrealized_pnl": "0", "commissions": "0", "fees": "0",
            "dividends": "0", "realized_fx_pnl": "0", "positions": rows, **fields}


def _defaults(event_type: str, fields: dict[str, Any], namespace: uuid.UUID, index: int, at: str) -> dict[str, Any]:
    def ref(name: str) -> str:
        return str(uuid.uuid5(namespace, "ref/" + name))

    if event_type == "PriceBar":
        return {"timeframe": "1d", "volume": "1000000", "adjusted": False, **fields}
    if event_type == "Signal":
        return {"strategy_id": "s", "confidence": "1", **fields}
    if event_type == "Order":
        intent = fields.get("intent_id", ref(f"intent-{index}"))
        return {"intent_id": intent, "strategy_id": "s", "time_in_force": "DAY",
                "idempotency_key": f"s-{intent}-{at}", **fields}
    if event_type == "Fill":
        return {"fill_id": ref(f"fill-{index}"), "intent_id": ref(f"intent-{index}"), "strategy_id": "s",
                "commission": "0", "slippage": "0", "is_partial": False, **fields}
    if event_type == "PortfolioState":
        return _state(dict(fields))
    return fields


def expand(items: list[dict[str, Any]], case_name: str, run_id: str) -> list[dict[str, Any]]:
    namespace = uuid.uuid5(QTRADER_NAMESPACE, f"conformance/{case_name}")
    events = []
    peak: Decimal | None = None
    for index, item in enumerate(items):
        if not isinstance(item, dict) or len(item) != 1:
            raise ConfigError(f"inputs.yaml item {index + 1}: write one event as {{EventType: {{fields}}}}")
        (event_type, fields), = item.items()
        if event_type not in SOURCES:
            raise ConfigError(f"inputs.yaml item {index + 1}: unknown event type {event_type!r}")
        fields = dict(fields or {})
        at = _timestamp(fields.pop("at"))
        if event_type == "PriceBar":
            for short, long in (("o", "open"), ("h", "high"), ("l", "low"), ("c", "close"), ("v", "volume")):
                if short in fields:
                    fields[long] = fields.pop(short)
        body = _plain(_defaults(event_type, fields, namespace, index, at), namespace)
        if event_type == "PortfolioState":
            peak = next_peak(peak, Decimal(body["equity"]))
            body.setdefault("peak_equity", format(peak, "f"))
        event = {"event_id": str(uuid.uuid5(namespace, f"input/{index}")), "event_type": event_type,
                 "schema_version": 1, "occurred_at": at, "source_service": SOURCES[event_type],
                 "correlation_id": run_id, **body}
        if event_type not in ("PriceBar", "CorporateAction"):
            event.setdefault("causation_id", str(uuid.uuid5(namespace, f"cause/{index}")))
        parse_event(event, where=f"inputs.yaml item {index + 1}")
        events.append(event)
    return events


def write_inputs(case_dir: Path) -> Path:
    """inputs.yaml -> input.jsonl in a case folder."""
    items = load_yaml_file(case_dir / "inputs.yaml") or []
    meta = load_yaml_file(case_dir / "case.yaml") or {}
    events = expand(items, f"{case_dir.parent.name}/{case_dir.name}", meta.get("run_id") or make_run_id("conformance"))
    out = case_dir / "input.jsonl"
    out.write_text("".join(json.dumps(e, separators=(",", ":")) + "\n" for e in events), encoding="utf-8")
    return out
