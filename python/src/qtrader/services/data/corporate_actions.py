"""The corporate-action feed: splits and cash dividends from a CSV or Parquet file.

Columns: symbol, action_type (SPLIT | CASH_DIVIDEND), ex_date, and per type split_to + split_from, or cash_amount +
pay_date (+ optional record_date, currency). Each row becomes a CorporateAction event at ex_date 00:00 UTC,
published before any bar of that instant, so the portfolio sees it before the ex-date's bars.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from qtrader.contracts.checker import path_text
from qtrader.contracts.invariants import violations
from qtrader.contracts.registry import event_schema
from qtrader.errors import DataError
from qtrader.services.data.rows import detect_format, read_table

COLUMNS = ("symbol", "action_type", "ex_date", "split_to", "split_from", "cash_amount", "currency", "record_date",
           "pay_date")
DECIMALS = ("split_to", "split_from", "cash_amount")
DATES = ("ex_date", "record_date", "pay_date")


@dataclass(frozen=True)
class ActionRow:
    fields: dict[str, Any]
    location: str


def read_actions(path: Path, fmt: str | None = None) -> list[ActionRow]:
    fmt = detect_format(path, fmt)
    if fmt == "arrow":
        raise DataError(f"{path}: corporate actions are read from CSV or Parquet")
    table = read_table(path, fmt)
    unknown = [name for name in table.schema.names if name not in COLUMNS]
    if unknown:
        raise DataError(f"{path}: unknown corporate-action columns {unknown}; allowed: {list(COLUMNS)}")
    for required in ("symbol", "action_type", "ex_date"):
        if required not in table.schema.names:
            raise DataError(f"{path}: missing column {required!r}")
    rules = event_schema("CorporateAction").get("x-invariants", [])
    rows = []
    for index, record in enumerate(table.to_pylist()):
        where = f"{path}:{index + 2}" if fmt == "csv" else f"{path} row {index + 1}"
        fields: dict[str, Any] = {}
        for name, text in record.items():
            if text is None or not str(text).strip():
                continue
            text = str(text).strip()
            try:
                if name in DECIMALS:
                    value = Decimal(text)
                    if not value.is_finite() or value <= 0:
                        raise DataError(f"{where}: {name} must be a number > 0, got {text!r}")
                    fields[name] = value
                elif name in DATES:
                    fields[name] = date.fromisoformat(text)
                else:
                    fields[name] = text
            except (InvalidOperation, ValueError):
                raise DataError(f"{where}: {name} {text!r} is not a valid {'number' if name in DECIMALS else 'date'}") from None
        if fields.get("action_type") not in ("SPLIT", "CASH_DIVIDEND"):
            raise DataError(f"{where}: action_type must be SPLIT or CASH_DIVIDEND, got {fields.get('action_type')!r}")
        for field, message in violations(fields, rules):
            raise DataError(f"{where}: {path_text(field)}: {message}")
        rows.append(ActionRow(fields, where))
    rows.sort(key=lambda r: (r.fields["ex_date"], r.fields["symbol"]))
    return rows
