"""DataService: formats, merge order, warm-up, corporate actions, and a clear error for every bad-row kind."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

from qtrader.contracts.validation import validate_event
from qtrader.errors import ConfigError, DataError
from qtrader.services.data import DataService

REPO = Path(__file__).resolve().parents[4]
GOOG = REPO / "python/examples/data/GOOG.csv"
HEADER = "date,open,high,low,close,volume\n"
GOOD = ["2024-01-02,10,11,9,10.5,100", "2024-01-03,10.5,12,10,11,200", "2024-01-04,11,11.5,10.5,11.2,150"]


def write_csv(tmp_path: Path, rows: list[str], name: str = "bars.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n")
    return path


def service(sources: list[dict], tmp_path: Path, **extra) -> DataService:
    return DataService({"sources": sources, **extra}, base_dir=tmp_path)


def test_goog_csv_is_read_exactly():
    data = DataService({"sources": [{"symbol": "GOOG", "path": str(GOOG)}]})
    events = list(data.events())
    assert len(events) == 2148 == data.stats.bars_published
    first = events[0]
    # GOOG.csv line 2: 2004-08-19,100,104.06,95.96,100.34,22351900
    assert (first.symbol, first.open, first.high, first.low, first.close, first.volume) == (
        "GOOG", Decimal("100"), Decimal("104.06"), Decimal("95.96"), Decimal("100.34"), Decimal("22351900"))
    assert first.occurred_at == datetime(2004, 8, 19, tzinfo=timezone.utc)
    for event in events[:20] + events[-20:]:
        validate_event(event.to_dict())


def test_parquet_and_arrow_sources_give_the_same_bars(tmp_path: Path):
    csv = write_csv(tmp_path, GOOD)
    table = pa.table({"date": ["2024-01-02", "2024-01-03", "2024-01-04"], "open": ["10", "10.5", "11"],
                      "high": ["11", "12", "11.5"], "low": ["9", "10", "10.5"], "close": ["10.5", "11", "11.2"],
                      "volume": ["100", "200", "150"]})
    pq.write_table(table, tmp_path / "bars.parquet")
    feather.write_feather(table, tmp_path / "bars.arrow")
    results = []
    for name in ("bars.csv", "bars.parquet", "bars.arrow"):
        events = list(service([{"symbol": "X", "path": name}], tmp_path).events())
        results.append([(e.occurred_at, e.open, e.high, e.low, e.close, e.volume) for e in events])
    assert csv.exists() and results[0] == results[1] == results[2] and len(results[0]) == 3


def test_symbols_merge_in_time_order_ties_in_config_order(tmp_path: Path):
    write_csv(tmp_path, GOOD, "a.csv")
    write_csv(tmp_path, ["2024-01-01,1,1,1,1,1", "2024-01-03,1,1,1,1,1"], "b.csv")
    events = list(service([{"symbol": "B", "path": "b.csv"}, {"symbol": "A", "path": "a.csv"}], tmp_path).events())
    assert [(e.occurred_at.day, e.symbol) for e in events] == [(1, "B"), (2, "A"), (3, "B"), (3, "A"), (4, "A")]


def test_start_end_and_warmup_bars(tmp_path: Path):
    write_csv(tmp_path, GOOD + ["2024-01-05,11,12,10,11,1", "2024-01-08,11,12,10,11,1"])
    events = list(service([{"symbol": "X", "path": "bars.csv"}], tmp_path, start="2024-01-04", end="2024-01-05",
                          warmup_bars=2).events())
    # two warm-up bars before the start (01-02, 01-03), then 01-04 and 01-05; 01-08 is after the end
    assert [e.occurred_at.day for e in events] == [2, 3, 4, 5]


def test_corporate_actions_come_before_the_bars_of_their_ex_date(tmp_path: Path):
    write_csv(tmp_path, GOOD)
    (tmp_path / "actions.csv").write_text(
        "symbol,action_type,ex_date,split_to,split_from,cash_amount,pay_date\n"
        "X,SPLIT,2024-01-03,3,2,,\n"
        "X,CASH_DIVIDEND,2024-01-04,,,0.25,2024-01-10\n")
    data = service([{"symbol": "X", "path": "bars.csv"}], tmp_path, corporate_actions=[{"path": "actions.csv"}])
    events = list(data.events())
    kinds = [(e.event_type, e.occurred_at.day) for e in events]
    assert kinds == [("PriceBar", 2), ("CorporateAction", 3), ("PriceBar", 3), ("CorporateAction", 4), ("PriceBar", 4)]
    # the n-th event of the stream, bar or action, is uuid5(run_id, "data/n")
    run = uuid.UUID(data.run_id)
    assert [e.event_id for e in events] == [str(uuid.uuid5(run, f"data/{n}")) for n in range(1, 6)]
    assert (data.stats.bars_published, data.stats.actions_published) == (3, 2)
    split, dividend = events[1], events[3]
    assert (split.split_to, split.split_from) == (Decimal(3), Decimal(2))
    assert dividend.cash_amount == Decimal("0.25") and dividend.pay_date.isoformat() == "2024-01-10"
    for event in (split, dividend):
        validate_event(event.to_dict())


def test_bad_corporate_action_names_file_and_line(tmp_path: Path):
    write_csv(tmp_path, GOOD)
    (tmp_path / "actions.csv").write_text("symbol,action_type,ex_date,split_to,split_from\nX,SPLIT,2024-01-03,3,\n")
    with pytest.raises(DataError, match=r"actions.csv:2: split_from"):
        list(service([{"symbol": "X", "path": "bars.csv"}], tmp_path, corporate_actions=[{"path": "actions.csv"}]).events())


BAD_ROWS = [
    ("nan", "2024-01-03,NaN,12,10,11,200", "open is missing or not a number"),
    ("empty", "2024-01-03,10.5,,10,11,200", "high is missing or not a number"),
    ("high_below_low", "2024-01-03,10.5,9,10,9.5,200", "high 9 is below low 10"),
    ("open_outside", "2024-01-03,13,12,10,11,200", "open 13 is outside [low 10, high 12]"),
    ("close_outside", "2024-01-03,10.5,12,10,9,200", "close 9 is outside [low 10, high 12]"),
    ("negative_price", "2024-01-03,-1,12,-2,11,200", "open is negative"),
    ("negative_volume", "2024-01-03,10.5,12,10,11,-200", "volume is negative"),
    ("duplicate", "2024-01-02,10.5,12,10,11,200", "duplicate timestamp 2024-01-02"),
    ("out_of_order", "2024-01-01,10.5,12,10,11,200", "timestamp 2024-01-01 is before the previous row's"),
    ("bad_timestamp", "2024-13-03,10.5,12,10,11,200", "not an ISO 8601 date"),
]


@pytest.mark.parametrize("kind, row, message", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_each_bad_row_kind_names_file_and_line(tmp_path: Path, kind: str, row: str, message: str):
    path = write_csv(tmp_path, [GOOD[0], row, GOOD[2]])
    with pytest.raises(DataError) as caught:
        list(service([{"symbol": "X", "path": "bars.csv"}], tmp_path).events())
    assert f"{path}:3: " in str(caught.value)  # header is line 1, the bad row is line 3
    assert message in str(caught.value)


@pytest.mark.parametrize("kind, row, message", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_bad_rows_skipped_and_counted_when_configured(tmp_path: Path, kind: str, row: str, message: str):
    write_csv(tmp_path, [GOOD[0], row, GOOD[2]])
    data = service([{"symbol": "X", "path": "bars.csv"}], tmp_path, on_bad_row="skip")
    events = list(data.events())
    assert [e.occurred_at.day for e in events] == [2, 4]
    assert data.stats.rows_skipped == 1 and data.stats.rows_read == 3
    assert message in data.stats.skipped_rows[0]


def test_parquet_bad_row_names_the_row(tmp_path: Path):
    table = pa.table({"date": ["2024-01-02", "2024-01-03"], "open": ["10", "10"], "high": ["11", "9"],
                      "low": ["9", "10"], "close": ["10", "10"], "volume": ["1", "1"]})
    pq.write_table(table, tmp_path / "bars.parquet")
    with pytest.raises(DataError, match=r"bars.parquet row 2: high 9 is below low 10"):
        list(service([{"symbol": "X", "path": "bars.parquet"}], tmp_path).events())


def test_numeric_parquet_columns_are_read_exactly(tmp_path: Path):
    table = pa.table({"date": ["2024-01-02"], "open": pa.array([Decimal("10.10")], pa.decimal128(10, 2)),
                      "high": [11], "low": [9], "close": [10], "volume": [5]})
    pq.write_table(table, tmp_path / "bars.parquet")
    (event,) = service([{"symbol": "X", "path": "bars.parquet"}], tmp_path).events()
    assert event.open == Decimal("10.10") and event.high == Decimal(11)


def test_missing_file_and_unknown_keys(tmp_path: Path):
    with pytest.raises(DataError, match="file not found"):
        service([{"symbol": "X", "path": "nope.csv"}], tmp_path)
    write_csv(tmp_path, GOOD)
    with pytest.raises(ConfigError, match=re.escape("data.sources[0].colour: unknown key")):
        service([{"symbol": "X", "path": "bars.csv", "colour": "red"}], tmp_path)
    with pytest.raises(ConfigError, match=r"data.on_bad_row"):
        service([{"symbol": "X", "path": "bars.csv"}], tmp_path, on_bad_row="ignore")


def test_missing_column_is_named(tmp_path: Path):
    (tmp_path / "bars.csv").write_text("date,open,high,low,close\n2024-01-02,1,1,1,1\n")
    with pytest.raises(DataError, match="no 'volume' column"):
        list(service([{"symbol": "X", "path": "bars.csv"}], tmp_path).events())


@pytest.mark.parametrize("stamps", [
    ["2024-01-02", "2024-01-02T09:30:00", "2024-01-02T09:30:00.000001", "2024-01-02 09:30:00.5", "2024-12-31T23:59:59.999999"],
    ["0999-12-31T23:59:59", "1000-01-01", "1969-12-31T23:59:59.999999", "1970-01-01"],  # before year 1000: arithmetic
    ["9999-12-30", "9999-12-31T00:00:00.000001"],
])
def test_whole_file_rows_equal_the_row_by_row_reading(tmp_path: Path, stamps: list[str]):
    from qtrader.services.data.rows import GoodRows, _checked_rows, iter_rows, read_table

    prices = ["100.10", "100", "1E+2", "0.000000000001", "99.5000", "7"]
    lines = [f"{t},{prices[i % 6]},{prices[i % 6]},{prices[i % 6]},{prices[i % 6]},{i}" for i, t in enumerate(stamps)]
    path = write_csv(tmp_path, lines)
    fast = iter_rows(path, "csv", {}, "UTC")
    assert type(fast) is GoodRows and fast.count == len(stamps)
    table = read_table(path, "csv")
    checked = list(_checked_rows(table, table.schema.names, path, "csv", timezone.utc))
    rows = list(fast)
    assert rows == [tuple(r) for r in checked]
    assert [str(v) for r in rows for v in r[1:]] == [str(v) for r in checked for v in r[1:]]  # the file's spelling
    assert all(r[0].tzinfo is timezone.utc for r in rows)
    assert rows[0][0] == datetime.fromisoformat(stamps[0]).replace(tzinfo=timezone.utc)
