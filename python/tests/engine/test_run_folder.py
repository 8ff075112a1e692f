"""Run folders: never delete what is not a run, replace a run only with a complete one, one writer at a time,
failed and interrupted runs marked so, a full disk a clear error that leaves nothing half-written."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from qtrader.cli import main as cli_main
from qtrader.engine import run_folder
from qtrader.engine.backtest import BacktestEngine
from qtrader.engine.recorder import EventRecorder
from qtrader.engine.run_folder import MARKER, RunFolder, read_marker
from qtrader.errors import RunFolderError, StrategyError

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "python/examples/sma_crossover_goog.yaml"
GOOG = REPO / "python/examples/data/GOOG.csv"

FAILING = '''
class FailsLate:
    def __init__(self, at: int = 300):
        self.at, self.seen = at, 0

    def on_bar(self, bar, ctx):
        self.seen += 1
        if self.seen == self.at:
            raise {error}("strategy broke at bar %d" % self.seen)
'''


def config(tmp_path: Path, *, fail: str | None = None, output_dir: str | None = None, report: bool = False) -> Path:
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["data"]["sources"][0]["path"] = str(GOOG)
    raw["run"]["report"] = report
    if output_dir is not None:
        raw["run"]["output_dir"] = output_dir
    if fail:
        (tmp_path / "fails.py").write_text(FAILING.format(error=fail))
        raw["strategies"] = [{"id": "f", "name": "fails.py:FailsLate"}]
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_a_complete_run_is_marked_and_replaces_the_previous_one(tmp_path: Path):
    out = tmp_path / "out"
    BacktestEngine.from_yaml(config(tmp_path), output_dir=out).run()
    marker = read_marker(out)
    assert marker is not None and marker["status"] == "complete" and marker["name"] == "sma-crossover-goog"
    (out / "stale.txt").write_text("from the previous run")
    BacktestEngine.from_yaml(config(tmp_path), output_dir=out).run()
    assert not (out / "stale.txt").exists() and read_marker(out)["status"] == "complete"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")) == [".out.lock"]  # no leftovers


@pytest.mark.parametrize("setup", ["cwd_with_code", "config_yaml_is_no_marker"])
def test_a_folder_that_is_not_a_run_folder_is_refused_and_untouched(tmp_path: Path, monkeypatch, setup: str):
    project = tmp_path / "project"
    project.mkdir()
    (project / "strategy.py").write_text("years of work")
    (project / "config.yaml").write_text("run: {name: x}")  # the old rule took this for a run folder
    if setup == "cwd_with_code":
        monkeypatch.chdir(project)
        path, output = config(tmp_path, output_dir="."), None
    else:
        path, output = config(tmp_path), project
    with pytest.raises(RunFolderError, match="not a QTrader run folder"):
        BacktestEngine.from_yaml(path, output_dir=output).run()
    assert sorted(p.name for p in project.iterdir()) == ["config.yaml", "strategy.py"]


def test_a_failed_rerun_keeps_the_previous_results_and_marks_its_own(tmp_path: Path, capsys):
    out = tmp_path / "out"
    BacktestEngine.from_yaml(config(tmp_path), output_dir=out).run()
    good = (out / "events.jsonl").read_bytes()
    code = cli_main(["run", str(config(tmp_path, fail="RuntimeError")), "--output", str(out), "--no-progress"])
    assert code == 2
    assert (out / "events.jsonl").read_bytes() == good and read_marker(out)["status"] == "complete"
    failed = tmp_path / "out.failed"
    marker = read_marker(failed)
    assert marker["status"] == "failed" and "strategy broke at bar 300" in marker["message"]
    assert "partial output, marked as not complete" in capsys.readouterr().err
    # qtrader report refuses it, or says plainly that it covers part of the run
    assert cli_main(["report", str(failed)]) == 2
    assert "the run did not complete (status 'failed'" in capsys.readouterr().err
    assert cli_main(["report", str(failed), "--partial"]) == 0
    assert "covers only part of the run" in capsys.readouterr().err


def test_a_failed_first_run_is_left_at_the_target_marked_failed(tmp_path: Path):
    out = tmp_path / "out"
    with pytest.raises(StrategyError, match=r"strategy f \(fails.py:FailsLate\) failed on the GOOG bar of .*: "
                       "RuntimeError: strategy broke at bar 300"):
        BacktestEngine.from_yaml(config(tmp_path, fail="RuntimeError"), output_dir=out).run()
    assert read_marker(out)["status"] == "failed"
    assert len((out / "events.jsonl").read_text().splitlines()) > 300


def test_ctrl_c_marks_the_run_interrupted_and_exits_130(tmp_path: Path, capsys):
    out = tmp_path / "out"
    code = cli_main(["run", str(config(tmp_path, fail="KeyboardInterrupt")), "--output", str(out), "--no-progress"])
    assert code == 130
    assert "interrupted (Ctrl-C)" in capsys.readouterr().err
    assert read_marker(out)["status"] == "interrupted"


def test_a_second_run_on_the_same_folder_is_refused(tmp_path: Path):
    out = tmp_path / "out"
    with RunFolder(out, "id", "first").writing():
        with pytest.raises(RunFolderError, match="another qtrader run is writing to"):
            BacktestEngine.from_yaml(config(tmp_path), output_dir=out).run()
    assert read_marker(out)["name"] == "first"


def test_a_full_disk_is_a_clear_error_and_leaves_nothing_half_written(tmp_path: Path, monkeypatch):
    out = tmp_path / "out"
    BacktestEngine.from_yaml(config(tmp_path), output_dir=out).run()
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    write = EventRecorder.__call__

    def fills_up(self, event):
        if self.count == 500:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.path))
        write(self, event)

    monkeypatch.setattr(EventRecorder, "__call__", fills_up)
    with pytest.raises(RunFolderError, match="the disk filled up while writing the run"):
        BacktestEngine.from_yaml(config(tmp_path), output_dir=out).run()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out", "run.yaml"]


def test_free_space_is_checked_at_the_start_and_while_writing(tmp_path: Path, monkeypatch):
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(run_folder.shutil, "disk_usage", lambda path: usage._replace(free=10 << 20))
    with pytest.raises(RunFolderError, match="only 10 MiB free"):
        BacktestEngine.from_yaml(config(tmp_path), output_dir=tmp_path / "out").run()
    assert not (tmp_path / "out").exists()
    calls = []

    def shrinking(path):
        calls.append(path)
        return usage._replace(free=usage.free if len(calls) == 1 else 1 << 20)

    monkeypatch.setattr(run_folder.shutil, "disk_usage", shrinking)
    monkeypatch.setattr("qtrader.engine.recorder.CHECK_EVERY", 256)
    with pytest.raises(RunFolderError, match="only 1 MiB free"):
        BacktestEngine.from_yaml(config(tmp_path), output_dir=tmp_path / "out").run()
    assert len(calls) == 2
    assert read_marker(tmp_path / "out")["status"] == "failed"


def test_the_marker_is_json_with_the_run_id(tmp_path: Path):
    engine = BacktestEngine.from_yaml(config(tmp_path), output_dir=tmp_path / "out")
    engine.run()
    marker = json.loads((tmp_path / "out" / MARKER).read_text())
    assert marker == {"format": 1, "run_id": engine.run_id, "name": "sma-crossover-goog", "status": "complete"}


def test_files_put_in_the_folder_during_the_run_are_kept_and_the_run_says_where_it_is(tmp_path: Path):
    out = tmp_path / "out"
    with pytest.raises(RunFolderError, match=r"not a QTrader run folder .*\(the run completed: it is in .*\.out\.tmp-"):
        with RunFolder(out, "id", "x").writing():
            out.mkdir()
            (out / "notes.txt").write_text("mine")
    assert (out / "notes.txt").read_text() == "mine"
