"""Runs in a store: identity, manifest, status with wall-clock times, summary figures, listing and recovery."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

import qtrader.store.sql as sql
from qtrader.errors import StoreError
from qtrader.store import RunStatus, RunStore, Writer
from qtrader.store.lease import this_writer
from .helpers import make_rows


def test_create_and_get_run(store: RunStore) -> None:
    manifest = {"config_sha256": "ab" * 32, "config": {"run": {"name": "demo"}, "b": [1, "2"]}}
    first = store.create_run("demo", manifest, sweep_id="sweep-1", tags=["nightly", "sma"])
    second = store.create_run("demo", {})
    assert second.id > first.id
    assert store.get_run("demo").id == second.id  # a name finds its newest run
    got = store.get_run(first.id)
    assert got.manifest == manifest
    assert got.config_sha256 == "ab" * 32
    assert (got.name, got.status, got.events, got.sweep_id, got.tags) == ("demo", RunStatus.RUNNING, 0, "sweep-1",
                                                                           ("nightly", "sma"))
    assert got.writer == this_writer()
    assert got.ended_at is None and got.started_at.tzinfo is not None
    assert abs(datetime.now(timezone.utc) - got.started_at) < timedelta(minutes=1)
    assert store.get_run(str(first.id)).id == first.id
    with pytest.raises(StoreError, match="no run 'nothing'"):
        store.get_run("nothing")


def test_list_runs_filters_and_order(store: RunStore) -> None:
    a = store.create_run("a", {}, sweep_id="s")
    b = store.create_run("b", {}, sweep_id="s")
    c = store.create_run("a", {})
    store.set_status(b.id, RunStatus.COMPLETED)
    assert [run.id for run in store.list_runs()] == [c.id, b.id, a.id]
    assert [run.id for run in store.list_runs(name="a")] == [c.id, a.id]
    assert [run.id for run in store.list_runs(sweep_id="s")] == [b.id, a.id]
    assert [run.id for run in store.list_runs(status=RunStatus.RUNNING)] == [c.id, a.id]
    assert [run.id for run in store.list_runs(limit=1)] == [c.id]
    assert all(run.manifest is None for run in store.list_runs())


def test_status_and_summary(store: RunStore) -> None:
    run = store.create_run("r", {})
    store.append_events(run.id, make_rows(1, 3))
    store.set_summary(run.id, bars=2, final_equity=Decimal("100123.45"), total_return=Decimal("0.00123450"))
    store.set_summary(run.id, bars=3)  # the other figures are kept
    store.set_status(run.id, RunStatus.FAILED, error="DataError: bad row at data.csv:12")
    got = store.get_run(run.id)
    assert (got.status, got.error, got.events, got.bars) == (RunStatus.FAILED, "DataError: bad row at data.csv:12", 3, 3)
    assert got.final_equity == Decimal("100123.45") and str(got.total_return) == "0.00123450"
    assert got.ended_at is not None and got.ended_at >= got.started_at
    with pytest.raises(StoreError, match="run .* is failed; set it running again"):
        store.append_events(run.id, make_rows(4, 1))
    store.set_status(run.id, RunStatus.RUNNING)  # taken up again (a resume)
    store.append_events(run.id, make_rows(4, 1))
    store.set_status(run.id, RunStatus.COMPLETED)
    got = store.get_run(run.id)
    assert (got.status, got.error, got.events) == (RunStatus.COMPLETED, None, 4)
    with pytest.raises(StoreError, match="no run 999"):
        store.set_summary(999, bars=1)


def test_only_the_holder_writes_a_run(store: RunStore, monkeypatch: pytest.MonkeyPatch) -> None:
    run = store.create_run("held", {})
    other = Writer(this_writer().host, this_writer().pid + 1, "")
    monkeypatch.setattr(sql, "this_writer", lambda: other)
    for write in (lambda: store.append_events(run.id, make_rows(1, 1)), lambda: store.heartbeat(run.id),
                  lambda: store.set_status(run.id, RunStatus.COMPLETED),
                  lambda: store.set_status(run.id, RunStatus.RUNNING), lambda: store.truncate_events(run.id, 0)):
        with pytest.raises(StoreError, match=f"held by process {run.writer.pid if run.writer else 0}"):
            write()
    assert store.get_run(run.id).events == 0


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


def test_recover_marks_runs_whose_writer_is_gone(store: RunStore, monkeypatch: pytest.MonkeyPatch) -> None:
    me = this_writer()
    alive = store.create_run("alive", {})
    monkeypatch.setattr(sql, "this_writer", lambda: Writer(me.host, _dead_pid(), ""))
    dead = store.create_run("dead", {})
    monkeypatch.setattr(sql, "this_writer", lambda: Writer("another-host", 1, ""))
    remote_fresh = store.create_run("remote", {})
    monkeypatch.setattr(sql, "this_writer", lambda: Writer(me.host, me.pid, "1"))  # the pid, reused
    reused = store.create_run("reused", {})
    monkeypatch.undo()
    done = store.create_run("done", {})
    store.set_status(done.id, RunStatus.COMPLETED)

    recovered = store.recover()
    assert sorted(run.name for run in recovered) == ["dead", "reused"]
    got = store.get_run(dead.id)
    assert got.status is RunStatus.INTERRUPTED and got.ended_at is not None
    assert got.error is not None and f"writer process {dead.writer.pid if dead.writer else 0}" in got.error
    assert store.get_run(reused.id).status is RunStatus.INTERRUPTED
    assert store.get_run(alive.id).status is RunStatus.RUNNING
    assert store.get_run(done.id).status is RunStatus.COMPLETED
    assert store.get_run(remote_fresh.id).status is RunStatus.RUNNING  # another host: only a stale heartbeat counts
    assert [run.name for run in store.recover(stale_after_seconds=0)] == ["remote"]
    assert store.recover() == []
