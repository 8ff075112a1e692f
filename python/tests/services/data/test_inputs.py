"""Data from outside is checked where it enters: values the contracts cannot hold, text that is not UTF-8, column
types that are not bars, and an empty result."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qtrader.contracts.validation import validate_event
from qtrader.errors import DataError
from qtrader.services.data import DataService

HEADER = b"date,open,high,low,close,volume\n"
GOOD = b"2024-01-02,10,11,9,10.5,100\n"


def events(tmp_path: Path, content: bytes | pa.Table, name: str = "bars.csv", **extra) -> list:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        pq.write_table(content, path)
    data = DataService({"sources": [{"symbol": "X", "path": name}], **extra}, base_dir=tmp_path)
    out = list(data.events())
    for event in out:
        validate_event(event.to_dict())  # nothing contract-invalid ever gets out
    return out


@pytest.mark.parametrize("row", [b"2024-01-03,1e30,1e30,1e30,1e30,100", b"2024-01-03,10,11,9,10.5,1e27",
                                 b"2024-01-03,100000000000000000000000000,100000000000000000000000000,1,1,1"])
def test_a_value_beyond_the_contracts_range_is_a_bad_row(tmp_path: Path, row: bytes):
    with pytest.raises(DataError, match=r"bars.csv:3: \w+ .* has more than 26 integer digits"):
        events(tmp_path, HEADER + GOOD + row + b"\n")
    kept = events(tmp_path, HEADER + GOOD + row + b"\n", on_bad_row="skip")
    assert len(kept) == 1


def test_the_largest_value_the_contracts_hold_is_read(tmp_path: Path):
    big = b"9" * 26
    (bar,) = events(tmp_path, HEADER + b"2024-01-02," + b",".join([big] * 4) + b",1\n")
    assert str(bar.close) == big.decode()


@pytest.mark.parametrize("content, line", [(HEADER + GOOD + b"2024-01-03,10,11,9,10.5,1\xff0\n", 3),
                                           (b"da\xfft,open,high,low,close,volume\n" + GOOD, 1)])
def test_a_csv_that_is_not_utf8_is_named_with_its_line(tmp_path: Path, content: bytes, line: int):
    with pytest.raises(DataError, match=rf"bars.csv:{line}: not UTF-8 text"):
        events(tmp_path, content)


def table(open_column: pa.Array) -> pa.Table:
    return pa.table({"date": ["2024-01-02"], "open": open_column, "high": ["11"], "low": ["9"], "close": ["10"],
                     "volume": ["1"]})


@pytest.mark.parametrize("column, message", [
    (pa.array([[1.0]]), "column 'open' is of type list<element: double>"),
    (pa.array([{"a": 1}]), "column 'open' is of type struct<a: int64>"),
    (pa.array([b"\xff1"], pa.binary()), "column 'open' holds bytes that are not UTF-8 text"),
])
def test_unsupported_parquet_columns_are_named(tmp_path: Path, column: pa.Array, message: str):
    with pytest.raises(DataError, match=message):
        events(tmp_path, table(column), "bars.parquet")


def test_utf8_binary_and_numeric_parquet_columns_are_read(tmp_path: Path):
    (bar,) = events(tmp_path, table(pa.array([b"10"], pa.binary())), "bars.parquet")
    assert str(bar.open) == "10"


@pytest.mark.parametrize("content, extra, message", [
    (HEADER, {}, r"no bars: the data \(bars.csv\) gave none \(0 rows read"),
    (HEADER + GOOD, {"start": "2025-01-01", "end": "2024-01-01"}, "data.start 2025-01-01 is after data.end 2024-01-01"),
    (HEADER + GOOD, {"start": "2025-01-01"}, "no bars inside data.start 2025-01-01"),
])
def test_an_empty_result_is_an_error_unless_expected(tmp_path: Path, content: bytes, extra: dict, message: str):
    with pytest.raises(DataError, match=message):
        events(tmp_path, content, **extra)
    assert events(tmp_path, content, allow_empty=True, **extra) == []
