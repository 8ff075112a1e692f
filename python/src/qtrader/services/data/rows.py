"""Reading one bar file into validated rows; every bad row names the file and line.

A file is read column-wise with pyarrow as text (so prices stay exact decimal strings, never floats), then
each row is checked: a missing value or NaN, a negative price or volume, high below low, open or close outside
[low, high], a duplicate or out-of-order timestamp. CSV line numbers count the header as line 1; Parquet and
Arrow rows are numbered from 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain
from datetime import datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.feather as feather
import pyarrow.parquet as pq

from qtrader.errors import DataError, bounded

MAX_FRACTION_DIGITS = 12
#: The contracts' decimals hold at most 26 integer digits (decimal128(38, 12) in Arrow).
MAX_INTEGER_DIGITS = 26
FIELDS = ("timestamp", "open", "high", "low", "close", "volume")
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


#: A BarRow's fields as a plain tuple (what GoodRows yields: no Python code runs per row).
BarTuple = tuple[datetime, Decimal, Decimal, Decimal, Decimal, Decimal]


class BarRow(NamedTuple):
    """One good row (a plain tuple: it is made for every bar)."""

    timestamp: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


@dataclass(frozen=True)
class BadRow:
    kind: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


def detect_format(path: Path, declared: str | None) -> str:
    if declared:
        return declared
    suffix = path.suffix.lower()
    formats = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet", ".arrow": "arrow",
               ".feather": "arrow", ".ipc": "arrow"}
    if suffix not in formats:
        raise DataError(f"{path}: cannot tell the format from the extension {suffix!r}; set format: csv|parquet|arrow")
    return formats[suffix]


def read_table(path: Path, fmt: str) -> pa.Table:
    """The whole file as a table of strings (numbers keep their exact text)."""
    if not path.exists():
        raise DataError(f"{path}: data file not found")
    try:
        if fmt == "csv":
            header = _csv_header(path)
            return pacsv.read_csv(
                path,
                convert_options=pacsv.ConvertOptions(column_types={name: pa.string() for name in header},
                                                     strings_can_be_null=True, quoted_strings_can_be_null=True),
            )
        table = pq.read_table(path) if fmt == "parquet" else feather.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        if fmt == "csv" and "UTF8" in str(exc):
            raise DataError(f"{_first_non_utf8_line(path)}: not UTF-8 text; save the file as UTF-8") from None
        raise DataError(f"{path}: cannot read as {fmt}: {bounded(str(exc))}") from None
    if all(pa.types.is_string(f.type) for f in table.schema):
        return table
    return pa.table([_as_text(table.column(i), f, path) for i, f in enumerate(table.schema)], names=table.schema.names)


def _as_text(column: pa.ChunkedArray, field: pa.Field, path: Path) -> pa.ChunkedArray:
    """A column as text: numbers, dates and times are spelled by Arrow; bytes must be UTF-8; nothing nested."""
    if pa.types.is_string(field.type):
        return column
    if pa.types.is_nested(field.type):
        raise DataError(f"{path}: column {field.name!r} is of type {field.type}: a bar column holds numbers, "
                        "text or times")
    binary = pa.types.is_binary(field.type) or pa.types.is_large_binary(field.type) \
        or pa.types.is_fixed_size_binary(field.type)
    try:
        return column.cast(pa.string(), safe=binary)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        what = "holds bytes that are not UTF-8 text" if binary else \
            f"is of type {field.type}: a bar column holds numbers, text or times"
        raise DataError(f"{path}: column {field.name!r} {what}") from None


def _first_non_utf8_line(path: Path) -> str:
    """``path:line`` of the first line that is not UTF-8 (CSV lines count from 1, the header included)."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return f"{path}:{number}"
    return str(path)


def _csv_header(path: Path) -> list[str]:
    with path.open("rb") as handle:
        raw = handle.readline().rstrip(b"\r\n")
    if not raw:
        raise DataError(f"{path}:1: the file is empty; expected a header row")
    try:
        first = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError(f"{path}:1: not UTF-8 text; save the file as UTF-8") from None
    return [name.strip().strip('"') for name in first.split(",")]


def resolve_columns(table: pa.Table, mapping: dict[str, str], path: Path) -> dict[str, str]:
    """Map our field names to the file's columns: explicit mapping first, then case-insensitive names."""
    names = table.schema.names
    lower = {name.lower(): name for name in names}
    resolved = {}
    for field in FIELDS:
        if field in mapping:
            if mapping[field] not in names:
                raise DataError(f"{path}: column {mapping[field]!r} (mapped to {field}) not found; columns: {names}")
            resolved[field] = mapping[field]
        elif field in lower:
            resolved[field] = lower[field]
        elif field == "timestamp":
            for candidate in ("date", "datetime", "time", ""):
                if candidate in lower:
                    resolved[field] = lower[candidate]
                    break
            else:
                if names and names[0].startswith("Unnamed") or names and names[0] == "":
                    resolved[field] = names[0]
                else:
                    raise DataError(f"{path}: no timestamp column (looked for timestamp/date/datetime/time); "
                                    f"columns: {names}; map one with columns: {{timestamp: NAME}}")
        else:
            raise DataError(f"{path}: no {field!r} column; columns: {names}; map one with columns: {{{field}: NAME}}")
    return resolved


def parse_timestamp(text: str, zone: tzinfo) -> datetime:
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(timezone.utc)


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    text = text.strip()
    if not text or not _NUMBER.match(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def iter_rows(path: Path, fmt: str, columns: dict[str, str], timezone_name: str) -> Iterable[BarRow | BadRow] | GoodRows:
    """A BarRow for each good row and a BadRow (kind, file:line, message) for each bad one; GoodRows when Arrow
    found the whole file good."""
    table = read_table(path, fmt)
    resolved = resolve_columns(table, columns, path)
    zone = timezone.utc if timezone_name.upper() == "UTC" else ZoneInfo(timezone_name)
    names = [resolved[field] for field in FIELDS]
    fast = _fast_rows(table.select(names), timezone_name)
    if fast is not None:
        return fast
    return _checked_rows(table, names, path, fmt, zone)


def _checked_rows(table: pa.Table, names: list[str], path: Path, fmt: str, zone: tzinfo) -> Iterator[BarRow | BadRow]:
    """Row by row, each checked: the slow path that names the file and line of every bad row."""
    first_line = 2 if fmt == "csv" else 1
    label = "line" if fmt == "csv" else "row"
    previous: datetime | None = None
    index = -1
    for batch in table.select(names).to_batches(max_chunksize=1 << 15):
        columns = [batch.column(i).to_pylist() for i in range(len(names))]
        for row in zip(*columns):
            index += 1
            item = _check_row(row, index, path, fmt, first_line, label, zone, previous)
            if not isinstance(item, BadRow):
                previous = item[0]
            yield item


def _fast_rows(table: pa.Table, timezone_name: str) -> GoodRows | None:
    """The whole file checked column-wise by Arrow (exact decimal128 comparisons), then converted row by row.

    Returns None when anything is off (a value that does not parse, a rule broken, a timezone to apply): the
    row-by-row path then finds the exact file and line and says what is wrong, or skips and counts the row.
    Decimals keep the text of the file (Decimal("100") stays 100): Arrow only checks them.
    """
    if table.num_rows == 0 or timezone_name.upper() != "UTC":
        return None
    try:
        if any(column.null_count for column in table.columns):
            return None
        stamps = pc.cast(table.column(0), pa.timestamp("us"))
        texts = table.columns[1:]
        # decimal128(38, 12) holds exactly what the contracts allow; anything else fails the cast
        price_type = pa.decimal128(38, MAX_FRACTION_DIGITS)
        o, h, low, c, v = (pc.cast(column, price_type) for column in texts)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    # minimum < 0 rather than a comparison with a zero scalar: making a scalar from Python imports pandas
    broken = (
        pc.min(low).as_py() < 0
        or pc.min(v).as_py() < 0
        or pc.any(pc.less(h, low)).as_py()
        or pc.any(pc.or_(pc.less(o, low), pc.greater(o, h))).as_py()
        or pc.any(pc.or_(pc.less(c, low), pc.greater(c, h))).as_py()
        or stamps.null_count > 0
        or (len(stamps) > 1 and pc.any(pc.less_equal(stamps.slice(1), stamps.slice(0, len(stamps) - 1))).as_py())
    )
    if broken:
        return None
    return GoodRows(pc.cast(stamps, pa.int64()), texts)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
#: Python datetimes hold years 1..9999; Arrow writes such a time as "YYYY-MM-DD HH:MM:SS.ffffff".
_FIRST_US = int((datetime(1000, 1, 1, tzinfo=timezone.utc) - _EPOCH).total_seconds()) * 1_000_000
_LAST_US = int((datetime(9999, 12, 31, tzinfo=timezone.utc) - _EPOCH).total_seconds()) * 1_000_000
_CHUNK = 1 << 15
_MICROS = pa.timestamp("us")


class GoodRows:
    """The rows of a file Arrow checked as a whole: every one good, so the reader skips the per-row checks.

    Iterates BarRow-shaped plain tuples, made chunk by chunk entirely in C (``zip`` and ``map`` over the
    columns: no Python code runs per row).
    """

    def __init__(self, micros: pa.ChunkedArray, texts: list[pa.ChunkedArray]) -> None:
        self.count = len(micros)
        self._micros, self._texts = micros, texts

    def __iter__(self) -> Iterator[BarTuple]:
        return chain.from_iterable(map(self._chunk, range(0, self.count, _CHUNK)))

    def _chunk(self, start: int) -> Iterator[BarTuple]:
        micros = self._micros.slice(start, _CHUNK)
        dec = Decimal
        columns = [map(dec, column.slice(start, _CHUNK).to_pylist()) for column in self._texts]
        return zip(_datetimes(micros), *columns)


def _datetimes(micros: pa.ChunkedArray) -> Iterator[datetime]:
    """UTC datetimes of microseconds since the epoch: Arrow spells each (vectorised: "2024-01-02 09:30:00.000000",
    26 characters for a four-digit year, padded with a 'Z' to 27), ``fromisoformat`` reads it back (a seventh of
    the cost of epoch + timedelta). Times outside years 1000..9999 take the arithmetic. No Python value goes into
    Arrow here (an Arrow scalar made of one imports pandas); Arrow's own UTC spelling costs ten times as much."""
    if len(micros) and (pc.min(micros).as_py() < _FIRST_US or pc.max(micros).as_py() > _LAST_US):
        epoch, delta = _EPOCH, timedelta
        return (epoch + delta(0, 0, us) for us in micros.to_pylist())
    texts = pc.utf8_rpad(micros.cast(_MICROS).cast(pa.string()), width=27, padding="Z")
    return map(datetime.fromisoformat, texts.to_pylist())


def _check_row(row: tuple[Any, ...], index: int, path: Path, fmt: str, first_line: int, label: str, zone: tzinfo,
               previous: datetime | None) -> BarRow | BadRow:
    """One row: a BarRow, or a BadRow naming the file and line and what is wrong."""
    ts_text, o_text, h_text, l_text, c_text, v_text = row
    where = f"{path}:{first_line + index}" if fmt == "csv" else f"{path} {label} {first_line + index}"
    if ts_text is None or not ts_text.strip():
        return BadRow("missing_timestamp", where, "timestamp is empty")
    try:
        ts = parse_timestamp(ts_text, zone)
    except ValueError:
        return BadRow("bad_timestamp", where, f"timestamp {ts_text!r} is not an ISO 8601 date or date-time")
    values = []
    bad = None
    for field, text in zip(FIELDS[1:], (o_text, h_text, l_text, c_text, v_text)):
        value = _decimal(text)
        if value is None:
            bad = BadRow("nan", where, f"{field} is missing or not a number ({text!r})")
            break
        # _decimal returns finite decimals only, whose exponent is an int (no check on the per-row path)
        if value.as_tuple().exponent < -MAX_FRACTION_DIGITS:  # type: ignore[operator]
            bad = BadRow("too_many_decimals", where,
                         f"{field} {text} has more than {MAX_FRACTION_DIGITS} fraction digits (the contracts' limit)")
            break
        if value.adjusted() >= MAX_INTEGER_DIGITS:
            bad = BadRow("out_of_range", where, f"{field} {text.strip()[:40]} has more than {MAX_INTEGER_DIGITS} "
                         "integer digits (the contracts' limit)")
            break
        if value < 0:
            kind = "negative_volume" if field == "volume" else "negative_price"
            bad = BadRow(kind, where, f"{field} is negative ({text})")
            break
        values.append(value)
    if bad:
        return bad
    o, h, low, c, v = values
    if h < low:
        return BadRow("high_below_low", where, f"high {h} is below low {low}")
    if not low <= o <= h:
        return BadRow("open_outside_range", where, f"open {o} is outside [low {low}, high {h}]")
    if not low <= c <= h:
        return BadRow("close_outside_range", where, f"close {c} is outside [low {low}, high {h}]")
    if previous is not None and ts == previous:
        return BadRow("duplicate_timestamp", where, f"duplicate timestamp {ts_text}")
    if previous is not None and ts < previous:
        return BadRow("out_of_order_timestamp", where, f"timestamp {ts_text} is before the previous row's")
    return BarRow(ts, o, h, low, c, v)
