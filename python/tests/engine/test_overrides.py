"""`qtrader run CONFIG --set key=value`: dotted-key overrides applied before validation (engine/overrides.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from qtrader.cli import main as cli_main
from qtrader.engine.config import load_run_config
from qtrader.engine.overrides import apply_overrides, parse_assignment
from qtrader.errors import ConfigError

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "python/examples/sma_crossover_goog.yaml"


def _fills(run_dir: Path) -> int:
    return (run_dir / "events.jsonl").read_text().count('"event_type":"Fill"')


def _run(tmp_path: Path, name: str, config: Path, *sets: str) -> Path:
    out = tmp_path / name
    args = ["run", str(config), "--no-progress", "--no-report", "--output", str(out)]
    for text in sets:
        args += ["--set", text]
    assert cli_main(args) == 0
    return out


def test_an_override_changes_the_run_exactly_as_the_same_edit_of_the_file(tmp_path: Path):
    overridden = _run(tmp_path, "set", EXAMPLE, "strategies.0.params.fast=5")
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["strategies"][0]["params"]["fast"] = 5
    (tmp_path / "data").mkdir()
    shutil.copy(EXAMPLE.parent / raw["data"]["sources"][0]["path"], tmp_path / "data")  # the path is relative
    edited = tmp_path / "fast5.yaml"
    edited.write_text(yaml.safe_dump(raw))
    from_file = _run(tmp_path, "file", edited)
    plain = _run(tmp_path, "plain", EXAMPLE)
    assert (overridden / "events.jsonl").read_bytes() == (from_file / "events.jsonl").read_bytes()
    assert _fills(overridden) != _fills(plain)
    assert yaml.safe_load((overridden / "config.yaml").read_text())["strategies"][0]["params"]["fast"] == 5


def test_values_are_read_as_yaml_and_the_file_is_left_alone():
    raw = {"a": {"b": "x"}, "l": [1, 2]}
    assert parse_assignment("a.b=50000") == ("a.b", 50000)
    assert parse_assignment("a.b='50000'") == ("a.b", "50000")
    assert parse_assignment("a.b=true") == ("a.b", True)
    assert parse_assignment("a.b=x=y") == ("a.b", "x=y")
    assert apply_overrides(raw, [("a.b", 1), ("l.1", 3), ("a.c", None)]) == {"a": {"b": 1, "c": None}, "l": [1, 3]}
    assert raw == {"a": {"b": "x"}, "l": [1, 2]}


@pytest.mark.parametrize("key, message", [
    ("strategies.3.params.fast", r"strategies\.3\.params\.fast: index 3 is out of range \(strategies has 1 items\)"),
    ("strategies.first.params.fast", r"strategies is a list: 'first' is not an index"),
    ("strategy.0.params.fast", r"the config has no key 'strategy' \(it has: data, execution"),
    ("strategies.0.parms.fast", r"strategies\.0 has no key 'parms'"),
    ("run.name.x", r"run\.name is a value \('sma-crossover-goog'\)"),
    ("run..name", "an empty step"),
])
def test_bad_paths_are_errors_naming_the_key(key: str, message: str):
    with pytest.raises(ConfigError, match=message):
        load_run_config(EXAMPLE, [(key, 5)])


def test_a_new_key_is_refused_by_the_config_validation_and_malformed_sets_are_named(tmp_path: Path, capsys):
    with pytest.raises(ConfigError, match=r"with --set portfolio\.colour\): portfolio\.colour: unknown key"):
        load_run_config(EXAMPLE, [("portfolio.colour", "red")])
    assert cli_main(["run", str(EXAMPLE), "--no-progress", "--set", "fast5"]) == 2
    assert "--set fast5: expected KEY=VALUE" in capsys.readouterr().err
