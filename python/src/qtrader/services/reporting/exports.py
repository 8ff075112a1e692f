"""Files of a run folder: CSV (exact decimal text), Parquet (decimal128(38, 12), timestamp us UTC), JSON.

Everything written is a function of the rows alone (no wall clock, no random names), so the same run writes
byte-identical files.

Arrow arrays are built from buffers and pyarrow casts, never with ``pa.array`` on Python objects: that call
imports pandas (about 50 MiB and half a second) just to ask whether the input is a pandas object.
"""

from __future__ import annotations

import csv
import json
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from qtrader.contracts.scalars import timestamp_to_str
from qtrader.errors import DataError
from qtrader.libraries.numbers import plain
from qtrader.services.reporting.curve import to_micros

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
        return plain(value)
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


#: Rows per Parquet row group: pyarrow's own default, so a file written in pieces equals one written whole.
ROW_GROUP_SIZE = 1024 * 1024


class DecimalRangeError(DataError, ValueError):
    """A decimal that decimal128(38, 12) cannot hold exactly (more than 26 integer or 12 fraction digits)."""


def _one_string(text: str) -> pa.Array:
    data = text.encode("utf-8")
    offsets = np.array([0, len(data)], dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), 1, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def string_array(values: Sequence[str]) -> pa.Array:
    """A string array (no nulls) of Python strings."""
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:], dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), len(encoded), [None, pa.py_buffer(offsets),
                                                            pa.py_buffer(b"".join(encoded))])


def decimal_array(texts: str, count: int, type: pa.DataType = DECIMAL_TYPE) -> pa.Array:
    """``count`` decimals given as their texts joined by newlines, cast exactly (the parser pa.array uses on a
    Decimal's text): pyarrow.ArrowInvalid when one does not fit ``type``."""
    if count == 0:
        return pa.Array.from_buffers(type, 0, [None, pa.py_buffer(b"")])
    return pc.split_pattern(_one_string(texts), "\n").flatten().cast(type)


def timestamp_array(micros: array[int] | Sequence[int], type: pa.DataType = TIMESTAMP_TYPE) -> pa.Array:
    """Microseconds since the epoch as a timestamp array."""
    stamps = micros if isinstance(micros, array) else array("q", micros)
    return pa.Array.from_buffers(type, len(stamps), [None, pa.py_buffer(stamps)])


def decimal_error(name: str, texts: Iterable[str], where: Iterable[str] | None = None,
                  type: pa.DataType = DECIMAL_TYPE) -> DecimalRangeError:
    """The error for a column that did not cast: names the first value that does not fit (and where)."""
    where = iter(where) if where is not None else None
    for i, text in enumerate(texts):
        at = next(where) if where is not None else f"row {i + 1}"
        try:
            decimal_array(text, 1, type)
        except pa.ArrowInvalid as exc:
            return DecimalRangeError(
                f"{name} = {plain(Decimal(text))} at {at} does not fit the Parquet type {type} "
                f"(at most {type.precision - type.scale} integer digits and {type.scale} fraction digits): {exc}")
    return DecimalRangeError(f"{name}: a value does not fit the Parquet type {type}")


def column_array(field: pa.Field, values: Sequence[Any], where: Sequence[str] | None = None) -> pa.Array:
    """The array of one schema field (decimal, timestamp or string) from Python values, as pa.array would.
    ``where``: what names each row in an error (e.g. the trade and its time); else "row N"."""
    if pa.types.is_decimal(field.type):
        texts = [str(v) for v in values]
        try:
            return decimal_array("\n".join(texts), len(texts), field.type)
        except pa.ArrowInvalid:
            raise decimal_error(field.name, texts, where, type=field.type) from None
    if pa.types.is_timestamp(field.type):
        return timestamp_array(to_micros(values), field.type)
    if pa.types.is_string(field.type):
        return string_array(values)
    raise TypeError(f"column {field.name}: no array builder for {field.type}")


def write_parquet(path: Path, schema: pa.Schema, rows: Sequence[Mapping[str, Any]],
                  where: Callable[[Mapping[str, Any]], str] | None = None) -> None:
    """Columnar export; a decimal that does not fit decimal128(38, 12) is a DecimalRangeError naming the column,
    the value and the row (``where(row)``, e.g. the trade and its exit time)."""
    places = [where(row) for row in rows] if where is not None else None
    arrays = [column_array(f, [row[f.name] for row in rows], places) for f in schema]
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path)


class ParquetChunks:
    """A Parquet file written a chunk at a time, in row groups of ROW_GROUP_SIZE rows: byte for byte the file
    ``pq.write_table`` writes from the whole table, holding at most one row group's arrays.

    Each row group is written from contiguous arrays (the chunks of a column are concatenated first, one column
    at a time): the encoder's choices (e.g. when a column's dictionary grows too big and it falls back to plain
    encoding) depend on how the input is chunked, so a chunked input would give a different (equal) file."""

    def __init__(self, path: Path, schema: pa.Schema, row_group_size: int = ROW_GROUP_SIZE) -> None:
        self.path = Path(path)
        self.schema = schema
        self.row_group_size = row_group_size
        self._writer = pq.ParquetWriter(self.path, schema)
        self._pending: list[list[pa.Array]] = [[] for _ in schema]
        self._rows = 0
        self._groups = 0

    def write(self, arrays: Sequence[pa.Array]) -> None:
        """The next rows, one array per schema field."""
        if len(arrays) != len(self.schema) or len({len(a) for a in arrays}) > 1:
            raise ValueError("ParquetChunks.write: one array per field, all of the same length")
        for pending, values in zip(self._pending, arrays):
            pending.append(values)
        self._rows += len(arrays[0])
        while self._rows >= self.row_group_size:
            self._write_group(self.row_group_size)

    def _write_group(self, rows: int) -> None:
        if rows == 0:
            self._writer.write_table(self.schema.empty_table())
            self._groups += 1
            return
        columns = []
        for k, pending in enumerate(self._pending):
            whole = pa.concat_arrays(pending) if len(pending) != 1 else pending[0]
            self._pending[k] = [whole.slice(rows)] if len(whole) > rows else []
            columns.append(whole.slice(0, rows))
        self._writer.write_table(pa.Table.from_arrays(columns, schema=self.schema))
        self._groups += 1
        self._rows -= rows

    def close(self) -> None:
        if self._rows or not self._groups:
            self._write_group(self._rows)
        self._pending = [[] for _ in self.schema]
        self._writer.close()

    def abort(self) -> None:
        """Stop and remove the file (a value did not fit)."""
        self._pending = [[] for _ in self.schema]
        try:
            self._writer.close()
        finally:
            self.path.unlink(missing_ok=True)


def metrics_json(metrics: Mapping[str, Any]) -> str:
    """The metrics in their fixed key order; NaN and infinity are refused, not written."""
    return json.dumps(dict(metrics), indent=2, allow_nan=False, ensure_ascii=False) + "\n"
