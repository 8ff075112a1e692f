"""ReportingService: equity curve, trades, exports, metrics and the edge cases of a run."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qtrader.errors import ConfigError, DataError
from qtrader.libraries.performance import METRIC_KEYS, Trade, compute_metrics
from qtrader.services.reporting import ReportingService
from qtrader.services.reporting.exports import EQUITY_SCHEMA, TRADES_SCHEMA

from .factory import Events, closed_lot, day

D = Decimal


def feed(service: ReportingService, events: Events) -> ReportingService:
    for event in events.log:
        service.observe(event)
    return service


def _no_nan(text: str) -> dict:
    def refuse(name: str) -> None:
        raise AssertionError(f"metrics.json contains {name}")

    return json.loads(text, parse_constant=refuse)


# -- equity curve ------------------------------------------------------------------------------------------------


def test_equity_curve_keeps_the_last_state_of_each_timestamp() -> None:
    ev = Events()
    ev.state(day(0), "1000")
    ev.state(day(1), "500", {"GOOG": (5, 100)}, reason="FILL")  # after a fill: 500 + 5 x 100 = 1000
    ev.state(day(1), "500", {"GOOG": (5, 110)})  # the bar's mark-to-market: 500 + 5 x 110 = 1050 (last: wins)
    ev.state(day(2), "500", {"GOOG": (5, 90)})  # 500 + 450 = 950
    rows = feed(ReportingService(), ev).equity_rows()
    assert [r["timestamp"] for r in rows] == [day(0), day(1), day(2)]
    assert [r["equity"] for r in rows] == [D("1000"), D("1050"), D("950")]
    assert rows[1]["market_value"] == D("550") and rows[1]["cash"] == D("500")
    assert rows[1]["gross_exposure"] == D("550")
    # leverage copied from the state: 550 / 1050 rounded to 12 places
    assert rows[1]["leverage"] == (D(550) / D(1050)).quantize(D("1e-12"))


def test_drawdown_column_matches_a_hand_computation() -> None:
    ev = Events()
    for i, equity in enumerate(["100", "120", "90", "108", "130", "117"]):
        ev.state(day(i), equity)
    rows = feed(ReportingService(), ev).equity_rows()
    # running peak 100, 120, 120, 120, 130, 130
    # drawdown = equity / peak - 1: 0, 0, 90/120-1 = -0.25, 108/120-1 = -0.1, 0, 117/130-1 = -0.1
    assert [r["drawdown"] for r in rows] == [D(0), D(0), D("-0.25"), D("-0.1"), D(0), D("-0.1")]


def test_drawdown_is_rounded_half_even_to_12_places() -> None:
    ev = Events()
    ev.state(day(0), "3")
    ev.state(day(1), "2")
    rows = feed(ReportingService(), ev).equity_rows()
    # 2/3 - 1 = -0.333333333333333... -> 12 places
    assert rows[1]["drawdown"] == D("-0.333333333333")


def test_states_out_of_time_order_are_sorted() -> None:
    ev = Events()
    ev.state(day(2), "102")
    ev.state(day(0), "100")
    ev.state(day(1), "101")
    rows = feed(ReportingService(), ev).equity_rows()
    assert [r["equity"] for r in rows] == [D(100), D(101), D(102)]


# -- trades ------------------------------------------------------------------------------------------------------


def _two_trades(ev: Events) -> None:
    ev.state(day(0), "10000")
    # long 10 @ 100 opened day 0, closed day 3 12:00 @ 112: gross 10 x 12 = 120, commission 2, net 118
    # short -4 @ 50 opened day 1, closed day 3 12:00 @ 55: gross -4 x 5 = -20, commission 1.5, net -21.5
    ev.state(day(3.5), "10096.5", closed=[
        closed_lot("lot-a", 10, 100, 112, day(0), day(3.5), commission=2),
        closed_lot("lot-b", -4, 50, 55, day(1), day(3.5), commission="1.5", symbol="MSFT"),
    ])


def test_trade_rows_come_from_closed_lots() -> None:
    ev = Events()
    _two_trades(ev)
    trades = feed(ReportingService(), ev).trade_rows()
    assert trades == [
        {"symbol": "GOOG", "side": "LONG", "quantity": D(10), "entry_time": day(0), "entry_price": D(100),
         "exit_time": day(3.5), "exit_price": D(112), "gross_pnl": D(120), "commission": D(2), "net_pnl": D(118),
         "holding_days": D("3.5"), "lot_id": "lot-a"},
        {"symbol": "MSFT", "side": "SHORT", "quantity": D(4), "entry_time": day(1), "entry_price": D(50),
         "exit_time": day(3.5), "exit_price": D(55), "gross_pnl": D(-20), "commission": D("1.5"),
         "net_pnl": D("-21.5"), "holding_days": D("2.5"), "lot_id": "lot-b"},
    ]


def test_activity_counters() -> None:
    ev = Events()
    ev.bar(day(0), 100)
    ev.fill(day(0), 10, "100.5")
    ev.state(day(0), "0", {"GOOG": (10, 100)}, reason="FILL")
    ev.fill(day(1), 4, "99.25", side="SELL")
    ev.state(day(1), "400", {"GOOG": (6, 99)})
    ev.state(day(2), "1000")
    ev.rejected(day(2), "MAX_POSITIONS", "CONCENTRATION")
    ev.rejected(day(2), "MAX_POSITIONS")
    svc = feed(ReportingService(), ev)
    # notional: |10 x 100.5| + |4 x 99.25| = 1005 + 397 = 1402
    assert svc.traded_notional == D("1402.00")
    assert svc.exposure() == [True, True, False]
    assert svc.event_counts() == {"Fill": 2, "PortfolioState": 3, "PriceBar": 1, "SignalRejected": 2}
    assert svc.rejection_counts() == {"CONCENTRATION": 1, "MAX_POSITIONS": 2}
    assert [r["codes"] for r in svc.rejections()] == [["MAX_POSITIONS", "CONCENTRATION"], ["MAX_POSITIONS"]]
    m = svc.metrics()
    assert m["exposure"] == pytest.approx(2 / 3)
    # equity: 0 + 10 x 100 = 1000; 400 + 6 x 99 = 994; 1000 -> mean (1000 + 994 + 1000) / 3 = 998
    # turnover = 1402 / 998
    assert m["turnover"] == pytest.approx(1402 / 998)


# -- exports -----------------------------------------------------------------------------------------------------


def test_exports_csv_and_parquet(tmp_path: Path) -> None:
    ev = Events()
    _two_trades(ev)
    svc = feed(ReportingService(), ev)
    svc.finish(tmp_path, {"name": "t"})
    with (tmp_path / "equity.csv").open() as handle:
        lines = list(csv.reader(handle))
    assert lines == [
        ["timestamp", "cash", "market_value", "equity", "gross_exposure", "leverage", "drawdown"],
        ["2024-01-01T00:00:00Z", "10000", "0", "10000", "0", "0", "0"],
        ["2024-01-04T12:00:00Z", "10096.5", "0", "10096.5", "0", "0", "0"],
    ]
    with (tmp_path / "trades.csv").open() as handle:
        trades = list(csv.reader(handle))
    assert trades[0] == ["symbol", "side", "quantity", "entry_time", "entry_price", "exit_time", "exit_price",
                         "gross_pnl", "commission", "net_pnl", "holding_days", "lot_id"]
    assert trades[2] == ["MSFT", "SHORT", "4", "2024-01-02T00:00:00Z", "50", "2024-01-04T12:00:00Z", "55", "-20",
                         "1.5", "-21.5", "2.5", "lot-b"]

    equity = pq.read_table(tmp_path / "equity.parquet")
    assert equity.schema.equals(EQUITY_SCHEMA)
    assert equity.schema.field("equity").type == pa.decimal128(38, 12)
    assert equity.schema.field("timestamp").type == pa.timestamp("us", tz="UTC")
    assert equity.column("equity").to_pylist() == [D("10000"), D("10096.5")]
    table = pq.read_table(tmp_path / "trades.parquet")
    assert table.schema.equals(TRADES_SCHEMA)
    assert table.column("net_pnl").to_pylist() == [D(118), D("-21.5")]
    assert table.column("exit_time").to_pylist() == [day(3.5), day(3.5)]


def test_metrics_json_equals_compute_metrics_on_the_same_curve(tmp_path: Path) -> None:
    ev = Events()
    equities = ["1000", "1100", "990", "1089", "1200"]
    for i, e in enumerate(equities):
        ev.bar(day(i), 100 + i)
        ev.state(day(i), e)
    ev.state(day(5), "1150", closed=[closed_lot("l1", 2, 10, 15, day(1), day(5), commission=1)])
    ev.fill(day(5), 2, 15, side="SELL")
    svc = feed(ReportingService({"periods_per_year": 12, "risk_free_rate": 0.02}), ev)
    returned = svc.finish(tmp_path, {})
    text = (tmp_path / "metrics.json").read_text()
    written = _no_nan(text)
    # independent computation: the curve and trades written out by hand
    expected = compute_metrics(
        [(day(i), D(e)) for i, e in enumerate([*equities, "1150"])],
        [Trade("GOOG", day(1), day(5), D(2), D(10), D(15), D(9), "LONG")],  # net = 2 x 5 - 1 = 9
        risk_free_rate=0.02, periods_per_year=12,
        exposure=[False] * 6, traded_notional=D(30),  # one fill 2 x 15
    )
    assert written == json.loads(json.dumps(expected))
    assert list(written) == list(METRIC_KEYS)  # stable key order
    assert returned == expected
    assert written["trade_count"] == 1 and written["total_pnl"] == "9"


# -- benchmark ---------------------------------------------------------------------------------------------------


def test_benchmark_from_a_symbol_of_the_run(tmp_path: Path) -> None:
    ev = Events()
    closes = [100, 110, 99, 108.9]
    equities = ["1000", "1100", "990", "1089"]  # the strategy IS the benchmark: same returns
    for i, (c, e) in enumerate(zip(closes, equities, strict=True)):
        ev.bar(day(i), c)
        ev.bar(day(i), 5, symbol="OTHER")
        ev.state(day(i), e)
    svc = feed(ReportingService({"benchmark": {"symbol": "GOOG"}}), ev)
    # returns of closes: 110/100-1 = 0.1, 99/110-1 = -0.1, 108.9/99-1 = 0.1
    assert svc.benchmark_returns() == {day(1): pytest.approx(0.1), day(2): pytest.approx(-0.1),
                                       day(3): pytest.approx(0.1)}
    m = svc.metrics()
    assert m["benchmark_periods"] == 3
    assert m["beta"] == pytest.approx(1.0)
    assert m["tracking_error"] == pytest.approx(0.0, abs=1e-12)
    # the chart's benchmark: 1000 x close / 100
    data = svc.report_data(m, {})
    assert data.benchmark_values == [D(1000), D(1100), D(990), D(1089)]


def test_benchmark_from_a_csv_file_matched_by_date(tmp_path: Path) -> None:
    path = tmp_path / "bench.csv"
    path.write_text("date,close\n2024-01-01,50\n2024-01-02,55\n2024-01-04,44\n")
    ev = Events()
    for i, e in enumerate(["100", "105", "110", "100"]):
        ev.state(day(i), e)
    svc = feed(ReportingService({"benchmark": {"path": "bench.csv"}}, base_dir=tmp_path), ev)
    # day 2 (2024-01-03) has no close: only the period ending day 1 has both ends (55/50-1 = 0.1)
    assert svc.benchmark_returns() == {day(1): pytest.approx(0.1)}
    assert svc.metrics()["benchmark_periods"] == 1


def test_benchmark_file_with_the_data_files_layout(repo: Path) -> None:
    # GOOG.csv: an unnamed date column and Open,High,Low,Close,Volume
    svc = ReportingService({"benchmark": {"path": str(repo / "python/examples/data/GOOG.csv")}})
    ev = Events()
    from datetime import UTC, datetime

    ev.state(datetime(2004, 8, 19, tzinfo=UTC), "100")
    ev.state(datetime(2004, 8, 20, tzinfo=UTC), "101")
    feed(svc, ev)
    # closes 100.34 then 108.31
    assert svc.benchmark_returns() == {datetime(2004, 8, 20, tzinfo=UTC): pytest.approx(108.31 / 100.34 - 1)}


def test_benchmark_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        ReportingService({"benchmark": {"path": str(tmp_path / "missing.csv")}})
    bad = tmp_path / "bad.csv"
    bad.write_text("date,close\n2024-01-01,50\n2024-01-02,abc\n")
    with pytest.raises(DataError, match=r"bad.csv:3"):
        ReportingService({"benchmark": {"path": str(bad)}})
    header = tmp_path / "header.csv"
    header.write_text("day,price\n")
    with pytest.raises(DataError, match="needs a 'date' and a 'close' column"):
        ReportingService({"benchmark": {"path": str(header)}})


def test_benchmark_symbol_never_seen_is_a_warning_not_an_error(tmp_path: Path) -> None:
    ev = Events()
    ev.state(day(0), "100")
    ev.state(day(1), "101")
    svc = feed(ReportingService({"benchmark": {"symbol": "NOPE"}}), ev)
    assert svc.metrics()["benchmark_periods"] == 0
    assert any("NOPE" in w for w in svc.warnings())
    svc.finish(tmp_path, {})
    assert "benchmark symbol NOPE has no close" in (tmp_path / "report.html").read_text()


# -- config ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"colour": "red"}, r"reporting\.colour: unknown key"),
        ({"benchmark": {"symbol": "GOOG", "ticker": "X"}}, r"reporting\.benchmark\.ticker: unknown key"),
        ({"benchmark": {"symbol": "GOOG", "path": "x.csv"}}, "exactly one"),
        ({"benchmark": {}}, "exactly one"),
        ({"periods_per_year": 0}, r"reporting\.periods_per_year"),
        ({"html": "maybe"}, r"reporting\.html"),
    ],
)
def test_bad_config_is_a_config_error(config: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ReportingService(config)


def test_html_false_writes_no_report(tmp_path: Path) -> None:
    ev = Events()
    ev.state(day(0), "100")
    feed(ReportingService({"html": False}), ev).finish(tmp_path, {})
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "equity.csv", "equity.parquet", "metrics.json", "trades.csv", "trades.parquet"]


# -- edge cases --------------------------------------------------------------------------------------------------


def _run(kind: str) -> Events:
    ev = Events()
    if kind == "no events":
        return ev
    if kind == "single bar":
        ev.state(day(0), "1000")
    elif kind == "flat":
        for i in range(5):
            ev.state(day(i), "1000")
    elif kind == "never recovers":
        for i, e in enumerate(["1000", "900", "800", "850"]):
            ev.state(day(i), e)
        ev.state(day(4), "700", closed=[closed_lot("l", 1, 100, 50, day(0), day(4))])
    elif kind == "no trades":
        for i, e in enumerate(["1000", "1010", "1005"]):
            ev.state(day(i), e)
    return ev


@pytest.mark.parametrize("kind", ["no events", "single bar", "flat", "never recovers", "no trades"])
def test_degenerate_runs_report_without_nan(tmp_path: Path, kind: str) -> None:
    svc = feed(ReportingService({"benchmark": {"symbol": "GOOG"}}), _run(kind))
    metrics = svc.finish(tmp_path, {"name": kind})
    written = _no_nan((tmp_path / "metrics.json").read_text())
    assert written == json.loads(json.dumps(metrics))
    html = (tmp_path / "report.html").read_text()
    assert "<h2>Metrics</h2>" in html
    if kind != "never recovers":
        assert 'id="chart-trade-pnl" data-chart="chart-trade-pnl" data-rendered="empty"><p>no trades</p>' in html
        assert '<p class="empty" id="trades-empty">no trades</p>' in html
    if kind == "never recovers":
        assert written["max_drawdown_recovery"] is None
        assert written["max_drawdown"] == pytest.approx(-0.3)  # 700 / 1000 - 1
    if kind == "flat":
        assert written["sharpe_ratio"] is None and written["max_drawdown"] == 0.0
    if kind in ("no events", "single bar"):
        assert 'data-rendered="empty"><p>no period returns' in html


def test_report_is_deterministic(tmp_path: Path) -> None:
    outputs = []
    for run in ("a", "b"):
        ev = Events()
        _two_trades(ev)
        feed(ReportingService(), ev).finish(tmp_path / run, {"name": "same"})
        outputs.append({p.name: p.read_bytes() for p in sorted((tmp_path / run).iterdir())
                        if p.suffix != ".parquet"})
    assert outputs[0] == outputs[1]
