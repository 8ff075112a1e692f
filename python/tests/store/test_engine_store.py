"""A backtest recorded into the run store, on both backends: the full level exports as the run folder's
events.jsonl byte for byte, the facts level keeps no bars or mark-to-market states, failures and interrupts are
marked with their error, and the runs commands show what was stored."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from qtrader.cli import main as cli_main
from qtrader.engine.backtest import BacktestEngine
from qtrader.errors import ConfigError, StrategyError
from qtrader.store import STORE_ENV, RunStatus, open_store
from engine.test_run_folder import GOOG
from engine.test_run_folder import config as folder_config


def config(tmp_path: Path, store: dict[str, str] | None, *, fail: str | None = None, report: bool = False) -> Path:
    """The run folder tests' demo config, with this ``store`` section (None: none)."""
    path = folder_config(tmp_path, fail=fail, report=report)
    if store is not None:
        raw = yaml.safe_load(path.read_text())
        path.write_text(yaml.safe_dump({**raw, "store": store}))
    return path


def types(lines: bytes) -> Counter[str]:
    return Counter(json.loads(line)["event_type"] for line in lines.splitlines())


def test_a_full_run_exports_as_its_event_log(tmp_path: Path, store_url: str, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COLUMNS", "200")  # the runs table on one line a run
    engine = BacktestEngine.from_yaml(config(tmp_path, {"url": store_url, "level": "full"}, report=True),
                                      output_dir=tmp_path / "out")
    engine.run()
    assert engine.stored_run_id is not None
    out = tmp_path / "exported.jsonl"
    assert cli_main(["export", str(engine.stored_run_id), "--store", store_url, "--out", str(out)]) == 0
    assert out.read_bytes() == (tmp_path / "out" / "events.jsonl").read_bytes()

    with open_store(store_url) as store:
        info = store.get_run(engine.stored_run_id)
    assert info.status is RunStatus.COMPLETED and info.error is None and info.name == "sma-crossover-goog"
    assert info.bars == 2148 and info.events == len(out.read_bytes().splitlines())
    assert info.final_equity is not None and info.total_return is not None and info.total_return > 0
    manifest = info.manifest or {}
    assert manifest["recording"] == {"level": "full"} and manifest["config"]["store"]["level"] == "full"
    assert [entry["path"] for entry in manifest["data_files"]] == [str(GOOG)]
    assert manifest["services"]["execution"] == {"where": "local"}

    capsys.readouterr()
    assert cli_main(["runs", "--store", store_url]) == 0
    table = capsys.readouterr().out
    assert "completed" in table and "2,148" in table and "sma-crossover-goog" in table
    assert cli_main(["runs", "show", str(engine.stored_run_id), "--store", store_url]) == 0
    shown = capsys.readouterr().out
    for event_type, count in types(out.read_bytes()).items():
        assert event_type in shown and f"{count:,}" in shown
    assert '"config_sha256"' in shown


def test_the_facts_level_keeps_no_bars_and_no_marks(tmp_path: Path, store_url: str,
                                                    capsys: pytest.CaptureFixture[str]):
    engine = BacktestEngine.from_yaml(config(tmp_path, {"url": store_url}), output_dir=tmp_path / "out")
    engine.run()
    logged = (tmp_path / "out" / "events.jsonl").read_bytes()
    with open_store(store_url) as store:
        stored = [event.line for event in store.iter_events(engine.stored_run_id)]
        info = store.get_run(engine.stored_run_id)
    kept = [line for line in logged.splitlines()
            if json.loads(line)["event_type"] != "PriceBar" and json.loads(line).get("reason") != "MARK_TO_MARKET"]
    assert stored == kept and len(kept) < len(logged.splitlines())
    assert types(b"\n".join(stored))["Fill"] > 0
    assert info.final_equity is not None and info.bars == 2148  # the summary still comes from every event

    capsys.readouterr()
    assert cli_main(["export", str(engine.stored_run_id), "--store", store_url]) == 2
    assert "not implemented yet" in capsys.readouterr().err


@pytest.mark.parametrize(("error", "raised", "status"), [("ValueError", StrategyError, RunStatus.FAILED),
                                                         ("KeyboardInterrupt", KeyboardInterrupt,
                                                          RunStatus.INTERRUPTED)])
def test_a_run_that_stops_is_marked_with_its_error(tmp_path: Path, store_url: str, error: str,
                                                   raised: type[BaseException], status: RunStatus):
    engine = BacktestEngine.from_yaml(config(tmp_path, {"url": store_url, "level": "full"}, fail=error),
                                      output_dir=tmp_path / "out")
    with pytest.raises(raised):
        engine.run()
    with open_store(store_url) as store:
        (info,) = store.list_runs()
    assert info.status is status and info.error
    if status is RunStatus.FAILED:
        assert "strategy broke at bar 300" in info.error
    assert info.events > 0 and info.bars is not None and info.bars >= 299  # what came before the stop is kept


def test_without_a_store_nothing_is_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(STORE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    engine = BacktestEngine.from_yaml(config(tmp_path, None), output_dir=tmp_path / "out")
    engine.run()
    assert engine.stored_run_id is None and not (tmp_path / "runs").exists()


def test_the_environment_names_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    url = f"sqlite:///{tmp_path}/env.db"
    monkeypatch.setenv(STORE_ENV, url)
    engine = BacktestEngine.from_yaml(config(tmp_path, None), output_dir=tmp_path / "out")
    engine.run()
    with open_store(url) as store:
        assert store.get_run(engine.stored_run_id).status is RunStatus.COMPLETED


def test_a_full_run_exports_as_parquet_files_per_event_type(tmp_path: Path, store_url: str):
    from qtrader.contracts.arrow_convert import read_parquet
    from qtrader.contracts.validation import parse_event

    engine = BacktestEngine.from_yaml(config(tmp_path, {"url": store_url, "level": "full"}),
                                      output_dir=tmp_path / "out")
    engine.run()
    folder = tmp_path / "parquet"
    assert cli_main(["export", "sma-crossover-goog", "--format", "parquet", "--out", str(folder),
                     "--store", store_url]) == 0
    logged = [parse_event(json.loads(line)) for line in (tmp_path / "out" / "events.jsonl").read_bytes().splitlines()]
    expected = Counter(event.event_type for event in logged)
    assert sorted(path.stem for path in folder.iterdir()) == sorted(expected)
    fills = read_parquet(folder / "Fill.parquet")
    assert fills == [event for event in logged if event.event_type == "Fill"]
    assert len(read_parquet(folder / "PriceBar.parquet")) == expected["PriceBar"]


def test_a_store_section_without_a_store_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(STORE_ENV, raising=False)
    engine = BacktestEngine.from_yaml(config(tmp_path, {"level": "full"}), output_dir=tmp_path / "out")
    with pytest.raises(ConfigError, match="no url and .QTRADER_STORE is unset"):
        engine.run()


def test_reading_a_store_file_that_is_not_there_is_a_clear_error(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]):
    missing = tmp_path / "none.db"
    assert cli_main(["runs", "--store", f"sqlite:///{missing}"]) == 2
    assert f"no run store at {missing}" in capsys.readouterr().err and not missing.exists()


def test_the_manifest_says_where_each_service_ran(tmp_path: Path):
    from qtrader.engine.config import load_run_config
    from qtrader.engine.store_run import run_manifest
    from qtrader.services.data import DataService

    path = config(tmp_path, None)
    raw = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump({**raw, "services": {"execution": {"address": "127.0.0.1:50051"}}}))
    run_config, raw = load_run_config(path)
    manifest = run_manifest(run_config, raw, DataService(run_config.data, base_dir=tmp_path, run_id="r"))
    assert manifest["services"]["execution"] == {"where": "remote", "address": "127.0.0.1:50051"}
    assert manifest["services"]["portfolio"] == {"where": "local"}
    assert manifest["data_files"][0]["sha256"] and manifest["config"]["services"]["execution"]["address"]
