"""Files of a run folder: CSV (exact decimal text), Parquet (decimal128(38, 12), timestamp us UTC), JSON.

Everything written is a function of the rows alone (no wall clock, no random names), so the same run writes
byte-identical CSV and JSON files.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from qtrader.contracts.scalars import decimal_to_str, timestamp_to_str

DECIMAL_TYPE = pa.decimal128(38, 12)
TIMESTAMP_TYPE = pa.timestamp("us", tz="UTC")

EQUITY_SCHEMA = pa.schema([
    pa.field("timestamp", TIMESTAMP_TYPE, nullable=False),
    *(pa.field(name, DECIMAL_TYPE, nullable=False)
      for name in ("cash", "market_value", "equity", "gross_exposure", "leverage", "drawdown")),
])

TRADES_SCHEMA = pa.schema([
    pa.field("symbol", pa.string(), nullable=False),
    pa.field("side", pa.string(), nullable=False),
    pa.field("quantity", DECIMAL_TYPE, nullable=False),
    pa.field("entry_time", TIMESTAMP_TYPE, nullable=False),
    pa.field("entry_price", DECIMAL_TYPE, nullable=False),
    pa.field("exit_time", TIMESTAMP_TYPE, nullable=False),
    pa.field("exit_price", DECIMAL_TYPE, nullable=False),
    pa.field("gross_pnl", DECIMAL_TYPE, nullable=False),
    pa.field("commission", DECIMAL_TYPE, nullable=False),
    pa.field("net_pnl", DECIMAL_TYPE, nullable=False),
    pa.field("holding_days", DECIMAL_TYPE, nullable=False),
    pa.field("lot_id", pa.string(), nullable=False),
])


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return decimal_to_str(value)
    if isinstance(value, datetime):
        return timestamp_to_str(value)
    return str(value)


def write_csv(path: Path, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> None:
    """A header row, then one line per row; decimals in plain notation, timestamps RFC 3339 UTC."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_text(row[c]) for c in columns])


def write_parquet(path: Path, schema: pa.Schema, rows: Sequence[Mapping[str, Any]]) -> None:
    """Columnar export; pyarrow refuses (ArrowInvalid) a decimal that does not fit decimal128(38, 12)."""
    arrays = [pa.array([row[f.name] for row in rows], type=f.type) for f in schema]
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path)


def metrics_json(metrics: Mapping[str, Any]) -> str:
    """The metrics in their fixed key order; NaN and infinity are refused, not written."""
    return json.dumps(dict(metrics), indent=2, allow_nan=False, ensure_ascii=False) + "\n"
