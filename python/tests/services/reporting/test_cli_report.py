"""report_run_dir rebuilds a run folder's files from events.jsonl; summary_table shows the headline figures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from qtrader.errors import ContractError, DataError
from qtrader.services.reporting import ReportingService
from qtrader.services.reporting.cli_report import report_run_dir
from qtrader.services.reporting.summary import summary_table

from .factory import Events, closed_lot, day

RUN_CONFIG = {"name": "replay", "reporting": {"benchmark": {"symbol": "GOOG"}, "html": False, "title": "Replay"}}


def _events() -> Events:
    ev = Events()
    closes = [100, 104, 98, 103, 107]
    for i, c in enumerate(closes):
        ev.bar(day(i), c)
        if i == 1:
            ev.fill(day(i), 10, c)
        ev.state(day(i), "1000" if i < 1 else "-40", {"GOOG": (10, c)} if i >= 1 else None)
    ev.rejected(day(2), "MAX_POSITIONS")
    ev.state(day(5), "1030", closed=[closed_lot("lot-1", 10, 104, 107, day(1), day(5), commission=0)])
    return ev


def _write_run(run_dir: Path, ev: Events) -> None:
    run_dir.mkdir()
    (run_dir / "events.jsonl").write_text("".join(e.to_json() + "\n" for e in ev.log))
    (run_dir / "config.yaml").write_text(yaml.safe_dump(RUN_CONFIG, sort_keys=False))


def test_report_run_dir_reproduces_the_live_outputs(tmp_path: Path) -> None:
    ev = _events()
    live = tmp_path / "live"
    service = ReportingService({**RUN_CONFIG["reporting"], "html": True})
    for event in ev.log:
        service.observe(event)
    service.finish(live, RUN_CONFIG)

    run_dir = tmp_path / "run"
    _write_run(run_dir, ev)
    report = report_run_dir(run_dir)
    assert report == run_dir / "report.html"  # written although the config says html: false
    for name in ("equity.csv", "trades.csv", "metrics.json", "report.html"):
        assert (run_dir / name).read_bytes() == (live / name).read_bytes(), name
    html = report.read_text()
    assert "<title>Replay</title>" in html and "MAX_POSITIONS" in html


def test_report_run_dir_errors_name_the_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no events.jsonl"):
        report_run_dir(tmp_path)
    ev = _events()
    run_dir = tmp_path / "run"
    _write_run(run_dir, ev)
    lines = (run_dir / "events.jsonl").read_text().splitlines()
    lines[2] = lines[2].replace('"close":"104"', '"close":1.5')  # a float price breaks the contract
    (run_dir / "events.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(ContractError, match=r"events\.jsonl:3"):
        report_run_dir(run_dir)
    lines[2] = "{not json"
    (run_dir / "events.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"events\.jsonl:3: not a JSON event"):
        report_run_dir(run_dir)


def test_summary_table_rows() -> None:
    metrics = {"total_return": 0.1234, "cagr": None, "sharpe_ratio": 1.23456, "max_drawdown": -0.25,
               "trade_count": 7, "win_rate": 4 / 7, "final_equity": "112340.5"}
    table = summary_table(metrics, {"Rows skipped": 3, "Fees": Decimal("1E+1")})
    console = Console(record=True, width=80)
    console.print(table)
    text = console.export_text()
    expected = [("Total return", "12.34%"), ("CAGR", "n/a"), ("Sharpe ratio", "1.235"),
                ("Max drawdown", "-25.00%"), ("Trades", "7"), ("Win rate", "57.14%"),  # 4/7 = 0.571428...
                ("Final equity", "112,340.50"), ("Rows skipped", "3"), ("Fees", "10")]
    lines = [line for line in text.splitlines() if "│" in line]
    for label, value in expected:
        assert any(label in line and value in line for line in lines), (label, value, text)
    assert table.row_count == len(expected)
