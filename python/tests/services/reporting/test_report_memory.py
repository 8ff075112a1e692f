"""The columnar equity curve and the streaming finish: chunk boundaries, the last state per timestamp, states out
of time order, a decimal the Parquet type cannot hold, and files equal to the ones the list-based writers wrote."""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys
from array import array
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from qtrader.contracts.scalars import timestamp_to_str
from qtrader.libraries.numbers import plain
from qtrader.libraries.performance import CurveStats, compute_metrics
from qtrader.services.reporting import ReportingService, exports
from qtrader.services.reporting.charts import decimate, decimate_array
from qtrader.services.reporting.curve import month_keys, timestamp_texts, to_micros
from qtrader.services.reporting.exports import EQUITY_SCHEMA, TRADES_SCHEMA, DecimalRangeError, ParquetChunks
from qtrader.services.reporting.html import build_html
from qtrader.services.reporting.rows import EQUITY_COLUMNS, TRADE_COLUMNS

from .factory import Events, closed_lot, day

D = Decimal
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _state(t: datetime, cash: str, mv: str = "0", *, lev: str = "0", exposed: bool = False) -> SimpleNamespace:
    """A PortfolioState as the observer reads it (any decimals, even ones no contract would pass)."""
    equity = D(cash) + D(mv)
    positions = [SimpleNamespace(quantity=D(1 if exposed else 0))]
    return SimpleNamespace(event_type="PortfolioState", occurred_at=t, cash=D(cash), market_value=D(mv),
                           equity=equity, gross_exposure=abs(D(mv)), leverage=D(lev), positions=positions,
                           closed_lots=None)


def _points(states: list[SimpleNamespace]) -> list[tuple]:
    """The reference: the last state per timestamp, sorted (what the list-based service kept)."""
    latest = {}
    for s in states:
        latest[s.occurred_at] = (s.occurred_at, s.cash, s.market_value, s.equity, s.gross_exposure, s.leverage,
                                 any(p.quantity for p in s.positions))
    return sorted(latest.values(), key=lambda p: p[0])


def _feed(states: list[SimpleNamespace], chunk_size: int, config: dict | None = None) -> ReportingService:
    svc = ReportingService(config, chunk_size=chunk_size)
    for s in states:
        svc.observe(s)
    return svc


# the values: exponents of all kinds (the CSV keeps each Decimal's own text), negative zero, negatives
CASH = ["100000", "99913.00", "1E+5", "-0.00", "100500.5", "-250.125", "0E-14", "101000.000000000000", "98000",
        "98000.10", "97000", "99999.999999999999", "100001"]


def _curve(n: int) -> list[SimpleNamespace]:
    return [_state(T0 + timedelta(minutes=i, microseconds=7 * (i % 3)), CASH[i % len(CASH)], mv=str(i % 4 * 10),
                   lev="0.000000000000" if i % 2 else "0.5", exposed=bool(i % 3)) for i in range(n)]


def _drawdown(equity: D, peak: D) -> D:
    """equity / peak - 1 from exact fractions, rounded half-even to 12 places, trailing zeros dropped."""
    if not (peak > 0 and equity < peak):
        return D(0)
    scaled = round((Fraction(equity) / Fraction(peak) - 1) * 10**12)  # round() on a Fraction is half-even
    return D(scaled).scaleb(-12).normalize() if scaled else D(0)


def _reference_rows(points: list[tuple]) -> list[dict]:
    """The equity rows worked out here, independently of the service: the drawdown from the running peak."""
    rows, peak = [], None
    for t, cash, mv, equity, gross, leverage, _exposed in points:
        peak = equity if peak is None or equity > peak else peak
        rows.append(dict(zip(EQUITY_COLUMNS, (t, cash, mv, equity, gross, leverage, _drawdown(equity, peak)))))
    return rows


def _reference_files(tmp: Path, points: list[tuple]) -> tuple[bytes, pa.Table, bytes]:
    """equity.csv and equity.parquet as the list-based writers wrote them (pa.array on the Decimals)."""
    rows = _reference_rows(points)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(EQUITY_COLUMNS)
    for row in rows:
        writer.writerow([timestamp_to_str(row["timestamp"]), *(plain(row[c]) for c in EQUITY_COLUMNS[1:])])
    arrays = [pa.array([row[f.name] for row in rows], type=f.type) for f in EQUITY_SCHEMA]
    pq.write_table(pa.Table.from_arrays(arrays, schema=EQUITY_SCHEMA), tmp / "ref.parquet")
    return buf.getvalue().encode(), pq.read_table(tmp / "ref.parquet"), (tmp / "ref.parquet").read_bytes()


@pytest.mark.parametrize("chunk_size", [1, 3, 4, 13, 1000])
def test_a_curve_longer_than_the_chunk_size_writes_the_list_based_files(tmp_path: Path, chunk_size: int) -> None:
    states = _curve(40)
    svc = _feed(states, chunk_size)
    assert len(svc._frozen) == (0 if chunk_size >= 40 else (40 - 1) // chunk_size)
    points = _points(states)
    assert [tuple(r) for r in svc.equity_rows()] == [tuple(r.values()) for r in _reference_rows(points)]
    assert svc.exposure() == [p[6] for p in points]
    svc.finish(tmp_path / "run", {"name": "chunks"})
    csv_bytes, table, parquet_bytes = _reference_files(tmp_path, points)
    assert (tmp_path / "run" / "equity.csv").read_bytes() == csv_bytes
    assert pq.read_table(tmp_path / "run" / "equity.parquet").equals(table)
    assert (tmp_path / "run" / "equity.parquet").read_bytes() == parquet_bytes


def test_every_output_is_the_same_for_any_chunk_size(tmp_path: Path) -> None:
    ev = Events()
    for i in range(12):
        ev.bar(day(i), 100 + (i * 7) % 11)
        ev.state(day(i), str(1000 - i * 3), {"GOOG": (5, 100 + (i * 7) % 11)} if i % 4 else None)
        if i % 5 == 4:
            ev.state(day(i), "1000", closed=[closed_lot(f"l{i}", 5, 100, 104, day(i - 2), day(i), commission=1)])
    outputs = []
    for size in (2, 5, 65_536):
        svc = ReportingService({"benchmark": {"symbol": "GOOG"}}, chunk_size=size)
        for event in ev.log:
            svc.observe(event)
        svc.finish(tmp_path / str(size), {"name": "same"})
        outputs.append({p.name: p.read_bytes() for p in sorted((tmp_path / str(size)).iterdir())})
        # the streamed page equals the page of the whole rows (the list-based path)
        page = build_html(svc.report_data(svc.metrics(), {"name": "same"}))
        assert (tmp_path / str(size) / "report.html").read_text() == page
    assert outputs[0] == outputs[1] == outputs[2]


def test_the_last_state_of_a_timestamp_wins_across_a_chunk_boundary() -> None:
    t = [T0 + timedelta(days=i) for i in range(5)]
    states = [_state(t[0], "100"), _state(t[1], "101"), _state(t[2], "102"),
              _state(t[2], "202"),  # the open chunk is full: this replaces its last point, no freeze yet
              _state(t[3], "103"),  # a new timestamp: the chunk of 3 is frozen, this one opens the next
              _state(t[3], "203"), _state(t[3], "303"), _state(t[4], "104")]
    svc = _feed(states, 3)
    assert len(svc._frozen) == 1
    assert [r["cash"] for r in svc.equity_rows()] == [D(100), D(101), D(202), D(303), D(104)]
    assert [r["timestamp"] for r in svc.equity_rows()] == t


def test_states_out_of_time_order_across_chunks_keep_the_last_arrival(tmp_path: Path) -> None:
    t = [T0 + timedelta(hours=i) for i in range(6)]
    arrivals = [(5, "105"), (0, "100"), (1, "101"), (5, "205"), (2, "102"), (0, "200"), (4, "104"), (3, "103"),
                (3, "203"), (1, "201")]
    states = [_state(t[i], cash, exposed=i % 2 == 0) for i, cash in arrivals]
    expected = _points(states)
    for size in (1, 2, 3, 100):
        svc = _feed(states, size)
        assert [r["cash"] for r in svc.equity_rows()] == [D(200), D(201), D(102), D(203), D(104), D(205)]
        assert [tuple(r) for r in svc.equity_rows()] == [tuple(r.values()) for r in _reference_rows(expected)]
        assert svc.exposure() == [p[6] for p in expected]
        svc.finish(tmp_path / str(size), {})
        csv_bytes, table, _ = _reference_files(tmp_path, expected)
        assert (tmp_path / str(size) / "equity.csv").read_bytes() == csv_bytes
        assert pq.read_table(tmp_path / str(size) / "equity.parquet").equals(table)


def test_metrics_of_the_streamed_curve_equal_compute_metrics_on_the_list(tmp_path: Path) -> None:
    rng = random.Random(5)
    states, equity = [], D(1000)
    for i in range(300):
        equity = (equity * D(1 + rng.uniform(-0.03, 0.03))).quantize(D("0.01"))
        states.append(_state(T0 + timedelta(days=i), str(equity), exposed=rng.random() < 0.4))
    svc = _feed(states, 7, {"periods_per_year": 12, "risk_free_rate": 0.01})
    returned = svc.finish(tmp_path, {})
    points = _points(states)
    expected = compute_metrics([(p[0], p[3]) for p in points], [], risk_free_rate=0.01, periods_per_year=12,
                               exposure=[p[6] for p in points], traded_notional=D(0))
    assert returned == expected
    assert json.loads((tmp_path / "metrics.json").read_text()) == json.loads(json.dumps(expected))


def test_curve_stats_in_pieces_equal_the_whole_curve() -> None:
    rng = random.Random(11)
    for trial in range(30):
        n = rng.randint(0, 60)
        values = [D(rng.choice([100, 90, 110, 95, 120, 80, 0, -5] if trial % 7 == 0 else [100, 90, 110, 95, 120]))
                  + D(rng.randint(0, 3)) for _ in range(n)]
        times = [T0 + timedelta(days=i) for i in range(n)]
        whole = compute_metrics(list(zip(times, values)), [])
        stats = CurveStats()
        cut = 0
        while cut < n:
            step = rng.randint(1, 9)
            stats.add(times[cut:cut + step], values[cut:cut + step])
            cut += step
        assert compute_metrics(stats, []) == whole, trial


def _huge_cash_run() -> ReportingService:
    svc = ReportingService(chunk_size=2)
    for i, cash in enumerate(["100", "101", "102", "1E+30", "104"]):
        svc.observe(_state(T0 + timedelta(days=i), cash))
    return svc


def test_a_decimal_too_large_for_decimal128_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DecimalRangeError, match=r"cash = 1000000000000000000000000000000 at 2024-01-04T00:00:00Z "
                                                r"does not fit the Parquet type decimal128\(38, 12\)"):
        _huge_cash_run().finish(tmp_path, {})
    # as before: the CSV files are written (exact), the equity Parquet file is not, nor the metrics
    lines = (tmp_path / "equity.csv").read_text().splitlines()
    assert len(lines) == 6 and lines[4].startswith("2024-01-04T00:00:00Z,1000000000000000000000000000000,")
    assert (tmp_path / "trades.csv").exists()
    assert not (tmp_path / "equity.parquet").exists() and not (tmp_path / "metrics.json").exists()
    # too many fraction digits too, and in the trades export
    with pytest.raises(DecimalRangeError, match=r"quantity = 0.0000000000001 at row 1"):
        exports.write_parquet(tmp_path / "t.parquet", pa.schema([pa.field("quantity", exports.DECIMAL_TYPE)]),
                              [{"quantity": D("1E-13")}])


def test_a_trade_too_large_for_decimal128_names_its_lot_and_time(tmp_path: Path) -> None:
    # valid events cannot carry such a value (the contracts' decimals fit decimal128(38, 12)); a row built
    # outside them, e.g. by a caller of the exports, is refused with its place named
    from qtrader.services.reporting.service import _trade_place

    row = {"lot_id": "lot-big", "symbol": "GOOG", "exit_time": day(2), "gross_pnl": D("1E+27")}
    schema = pa.schema([pa.field("gross_pnl", exports.DECIMAL_TYPE)])
    with pytest.raises(DecimalRangeError, match=r"gross_pnl = 1000000000000000000000000000 at lot lot-big "
                                                r"\(GOOG, closed " + timestamp_to_str(day(2)) + r"\) does not fit"):
        exports.write_parquet(tmp_path / "t.parquet", schema, [row], where=_trade_place)


def test_list_writers_are_byte_identical_to_pa_array(tmp_path: Path) -> None:
    ev = Events()
    ev.state(day(0), "10000")
    ev.state(day(3.5), "10096.5", closed=[
        closed_lot("lot-a", 10, 100, 112, day(0), day(3.5), commission=2),
        closed_lot("lot-b", -4, "50.125", 55, day(1), day(3.5), commission="1.5", symbol="MSFT"),
    ])
    svc = ReportingService()
    for event in ev.log:
        svc.observe(event)
    for name, rows in (("some", svc.trade_rows()), ("none", [])):
        exports.write_parquet(tmp_path / f"{name}.parquet", TRADES_SCHEMA, rows)
        arrays = [pa.array([row[f.name] for row in rows], type=f.type) for f in TRADES_SCHEMA]
        pq.write_table(pa.Table.from_arrays(arrays, schema=TRADES_SCHEMA), tmp_path / f"{name}-ref.parquet")
        assert (tmp_path / f"{name}.parquet").read_bytes() == (tmp_path / f"{name}-ref.parquet").read_bytes()
    assert TRADE_COLUMNS == tuple(f.name for f in TRADES_SCHEMA)
    texts = ["", "GOOG", "caf\u00e9", "\u6771\u4eac", "a,b\nc"]
    assert exports.string_array(texts).equals(pa.array(texts, pa.string()))


def test_parquet_chunks_write_the_file_write_table_writes(tmp_path: Path) -> None:
    schema = pa.schema([pa.field("t", exports.TIMESTAMP_TYPE, nullable=False),
                        pa.field("v", exports.DECIMAL_TYPE, nullable=False)])
    n = 23
    micros = [i * 60_000_000 + (i % 2) for i in range(n)]
    texts = [str(D(i * 37 % 101) / 8) for i in range(n)]
    for group in (4, 5, 23, 100):
        whole = pa.Table.from_arrays([exports.timestamp_array(micros), exports.decimal_array("\n".join(texts), n)],
                                     schema=schema)
        pq.write_table(whole, tmp_path / "whole.parquet", row_group_size=group)
        writer = ParquetChunks(tmp_path / "chunks.parquet", schema, row_group_size=group)
        for start in range(0, n, 3):
            part = texts[start:start + 3]
            writer.write([exports.timestamp_array(micros[start:start + 3]),
                          exports.decimal_array("\n".join(part), len(part))])
        writer.close()
        assert (tmp_path / "chunks.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes(), group
    empty = ParquetChunks(tmp_path / "empty.parquet", schema)
    empty.close()
    pq.write_table(schema.empty_table(), tmp_path / "empty-ref.parquet")
    assert (tmp_path / "empty.parquet").read_bytes() == (tmp_path / "empty-ref.parquet").read_bytes()


def test_timestamp_texts_and_month_keys_match_the_datetime_functions() -> None:
    times = [datetime(1, 1, 1, tzinfo=UTC), datetime(999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
             datetime(1969, 12, 31, 23, 59, 59, 1, tzinfo=UTC), datetime(1970, 1, 1, tzinfo=UTC),
             datetime(2024, 2, 29, 12, 0, 0, 500_000, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)]
    micros = to_micros(times)
    assert timestamp_texts(micros) == [timestamp_to_str(t) for t in times]
    keys, ends = month_keys(micros)
    assert keys == [(t.year, t.month) for t in times] and ends == list(range(len(times)))
    assert month_keys(array("q")) == ([], [])


def test_decimate_array_keeps_the_same_points_as_decimate() -> None:
    import numpy as np

    rng = random.Random(3)
    for n in (10, 4000, 4001, 10_007, 50_000):
        values = [float(rng.randint(0, 50)) for _ in range(n)]  # many ties: the first of equals must be kept
        assert decimate_array(np.asarray(values)) == decimate(values), n


def test_finish_does_not_import_pandas(tmp_path: Path) -> None:
    script = f"""
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from qtrader.services.reporting import ReportingService
svc = ReportingService(chunk_size=4)
for i in range(10):
    svc.observe(SimpleNamespace(event_type="PortfolioState", occurred_at=datetime(2024, 1, 1, tzinfo=UTC)
        + timedelta(days=i), cash=Decimal(100 + i), market_value=Decimal(0), equity=Decimal(100 + i),
        gross_exposure=Decimal(0), leverage=Decimal(0), positions=[], closed_lots=None))
svc.finish({str(tmp_path)!r}, {{}})
print("pandas" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert (tmp_path / "report.html").exists()


def test_benchmark_walk_in_pieces_values_closes_from_the_first_positive_one() -> None:
    from qtrader.services.reporting.benchmark import BenchmarkWalk, level_returns, scaled_to_equity

    levels = [None, D(0), D(50), None, D(100), D(110)]
    equity = [D(1000), D(1000), D(1000), D(1200), D(1300), D(1400)]
    # worked by hand: buy and hold from 1000 at the first positive close (50); returns only between two closes
    # with a positive start: 110 / 100 - 1
    expected_values = [None, D(0), D(1000), None, D(2000), D(2200)]
    for cut in range(len(levels) + 1):
        values: list = [None] * len(levels)
        walk = BenchmarkWalk(values.__setitem__)
        walk.add(levels[:cut], equity[:cut])
        walk.add(levels[cut:], equity[cut:])
        assert values == expected_values, cut
        assert walk.returns == {5: pytest.approx(0.1)} and walk.any_level
    assert scaled_to_equity(levels, equity) == expected_values
    assert level_returns([T0 + timedelta(days=i) for i in range(6)], levels) == {T0 + timedelta(days=5): pytest.approx(0.1)}
    empty = BenchmarkWalk()
    empty.add([None, None], equity[:2])
    assert not empty.any_level and empty.returns == {}
