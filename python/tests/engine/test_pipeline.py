"""The whole pipeline on real data: the SMA example against an independent computation, determinism, the
event log's validity, the accounting invariant on every state, and clear config errors."""

from __future__ import annotations

import csv
import json
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from qtrader.cli import main as cli_main
from qtrader.contracts.validation import contract_errors, parse_event
from qtrader.engine.backtest import BacktestEngine
from qtrader.errors import ConfigError, RunFolderError

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "python/examples/sma_crossover_goog.yaml"
GOOG = REPO / "python/examples/data/GOOG.csv"


def independent_sma_crossover(fast: int = 10, slow: int = 30, quantity: int = 100, cash: Decimal = Decimal(100000)):
    """The example's rules in plain Python, written apart from QTrader: exact means with Fraction; a cross is a
    change of sign of fast - slow (ties belong to neither side; the first ready bar only sets the side); long
    only; the order decided on bar t's close fills at bar t+1's open; no costs."""
    with GOOG.open() as handle:
        rows = [(r[""], Decimal(r["Open"]), Decimal(r["Close"])) for r in csv.DictReader(handle)]
    closes: list[Fraction] = []
    side, holding, pending = 0, False, None
    trades, entry = [], None
    for date, open_, close in rows:
        if pending == "BUY":
            cash -= open_ * quantity
            holding, entry, pending = True, (date, open_), None
        elif pending == "SELL":
            cash += open_ * quantity
            trades.append((entry[0], entry[1], date, open_))
            holding, entry, pending = False, None, None
        closes.append(Fraction(str(close)))
        if len(closes) < slow:
            continue
        difference = sum(closes[-fast:]) / fast - sum(closes[-slow:]) / slow
        sign = (difference > 0) - (difference < 0)
        if sign == 0:
            continue
        previous, side = side, sign
        if previous == 0 or previous == sign:
            continue
        if sign > 0 and not holding:
            pending = "BUY"
        elif sign < 0 and holding:
            pending = "SELL"
    equity = cash + (rows[-1][2] * quantity if holding else 0)
    return trades, equity, entry


@pytest.fixture(scope="module")
def example_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "sma"
    result = BacktestEngine.from_yaml(EXAMPLE, output_dir=out).run()
    assert result.data.bars_published == 2148
    return out


def test_sma_example_matches_an_independent_computation(example_run: Path):
    trades, equity, _open_entry = independent_sma_crossover()
    with (example_run / "trades.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    got = [(r["entry_time"][:10], Decimal(r["entry_price"]), r["exit_time"][:10], Decimal(r["exit_price"]),
            Decimal(r["quantity"])) for r in rows]
    assert got == [(a, b, c, d, Decimal(100)) for a, b, c, d in trades]
    assert len(trades) > 20
    for row, (_, entry_price, _, exit_price) in zip(rows, trades):
        assert Decimal(row["net_pnl"]) == (exit_price - entry_price) * 100
    with (example_run / "equity.csv").open() as handle:
        curve = list(csv.DictReader(handle))
    assert Decimal(curve[-1]["equity"]) == equity
    metrics = json.loads((example_run / "metrics.json").read_text())
    assert Decimal(metrics["final_equity"]) == equity


def test_event_log_is_valid_and_the_invariant_holds_after_every_state(example_run: Path):
    types: dict[str, int] = {}
    states = 0
    with (example_run / "events.jsonl").open() as handle:
        for number, line in enumerate(handle, 1):
            event = json.loads(line)
            errors = list(contract_errors(event))
            assert not errors, f"events.jsonl:{number}: {errors[0]}"
            types[event["event_type"]] = types.get(event["event_type"], 0) + 1
            if event["event_type"] == "PortfolioState":
                states += 1
                cash, market_value = Decimal(event["cash"]), Decimal(event["market_value"])
                assert cash + market_value == Decimal(event["equity"]), f"events.jsonl:{number}"
                for position in event["positions"]:
                    assert sum(Decimal(lot["quantity"]) for lot in position["lots"]) == Decimal(position["quantity"])
    assert types["PriceBar"] == 2148 and states >= 2148
    assert types["Signal"] == types["Order"] and types["Fill"] >= types["Order"] - 1


def _keys_in_model_order(obj: dict, model, where: str) -> None:
    fields = list(type(model).model_fields)
    assert list(obj) == [f for f in fields if f in obj], f"{where}: keys {list(obj)} are not in the order {fields}"
    for key, value in obj.items():
        if isinstance(value, dict):
            _keys_in_model_order(value, getattr(model, key), f"{where}.{key}")
        elif isinstance(value, list):
            for i, (item, sub) in enumerate(zip(value, getattr(model, key))):
                if isinstance(item, dict):
                    _keys_in_model_order(item, sub, f"{where}.{key}[{i}]")


def test_event_log_keys_follow_the_contract_order(example_run: Path):
    """The hot paths build events from complete field dicts; the serialized key order must stay the model's
    (the schema's), which other languages reproduce."""
    seen = set()
    with (example_run / "events.jsonl").open() as handle:
        for number, line in enumerate(handle, 1):
            obj = json.loads(line)
            _keys_in_model_order(obj, parse_event(obj), f"events.jsonl:{number}")
            seen.add(obj["event_type"])
    assert {"PriceBar", "PortfolioState", "Signal", "Order", "OrderUpdate", "Fill"} <= seen


def test_same_config_gives_a_byte_identical_event_log(example_run: Path, tmp_path: Path):
    BacktestEngine.from_yaml(EXAMPLE, output_dir=tmp_path / "again").run()
    assert (tmp_path / "again/events.jsonl").read_bytes() == (example_run / "events.jsonl").read_bytes()


def _config(tmp_path: Path, **changes) -> Path:
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["data"]["sources"][0]["path"] = str(GOOG)
    for key, value in changes.items():
        raw[key] = value
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize("change, message", [
    ({"colour": "red"}, r"config\.yaml: colour: unknown key"),
    ({"services": {"data": {"address": "x:1"}}}, r"config\.yaml: services\.data: unknown key"),
    ({"execution": {"commission": {"model": "per_share", "rate": 0.005, "minimum": -1}}},
     r"config\.yaml: execution\.commission\.minimum: must be >= 0"),
    ({"run": {"name": "x", "speed": 3}}, "run.speed: unknown key"),
    ({"strategies": [{"id": "s", "name": "NoSuchStrategy"}]}, "unknown strategy 'NoSuchStrategy'"),
    ({"manager": {"policy": "nope.yaml"}}, "neither a built-in"),
    ({"execution": {"colour": 1}}, "execution.colour: unknown key"),
    ({"portfolio": {"colour": 1}}, "portfolio.colour: unknown key"),
])
def test_config_errors_say_which(tmp_path: Path, change, message):
    with pytest.raises(ConfigError, match=message):
        BacktestEngine.from_yaml(_config(tmp_path, **change), output_dir=tmp_path / "run")


def test_missing_files_are_named(tmp_path: Path):
    with pytest.raises(ConfigError, match="config file not found"):
        BacktestEngine.from_yaml(tmp_path / "absent.yaml")
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["data"]["sources"][0]["path"] = "no/such.csv"
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(raw))
    from qtrader.errors import DataError

    with pytest.raises(DataError, match="file not found"):
        BacktestEngine.from_yaml(path)


def test_cli_prints_errors_without_traceback_and_exits_non_zero(tmp_path: Path, capsys):
    assert cli_main(["run", str(_config(tmp_path, colour="red")), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "colour: unknown key" in err and "Traceback" not in err
    with pytest.raises(ConfigError):
        cli_main(["--debug", "run", str(_config(tmp_path, colour="red")), "--no-progress"])


def test_cli_run_prints_the_summary(tmp_path: Path, capsys):
    config = _config(tmp_path)
    assert cli_main(["run", str(config), "--no-progress", "--output", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    for label in ("Total return", "Max drawdown", "Trades", "Final equity", "Rows skipped"):
        assert label in out
    assert (tmp_path / "out/report.html").exists()
    shutil.rmtree(tmp_path / "out")


def test_a_folder_that_is_not_a_run_folder_is_never_overwritten(tmp_path: Path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(RunFolderError, match="not a QTrader run folder"):
        BacktestEngine.from_yaml(EXAMPLE, output_dir=precious).run()
    assert (precious / "thesis.tex").read_text() == "years of work"
