"""Several processes on one store: concurrent writers keep their runs apart; a writer killed mid-batch loses only
that batch, and its run is marked interrupted by ``recover()``."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from multiprocessing.queues import Queue
from typing import Any

from qtrader.store import RunStatus, open_store

from .helpers import make_rows

_fork = multiprocessing.get_context("fork")
BATCHES, BATCH = 25, 200


def _write_run(url: str, name: str, start: Any) -> None:
    start.wait(30)
    with open_store(url) as store:
        run = store.create_run(name, {"writer": name})
        for first in range(1, BATCHES * BATCH, BATCH):
            store.append_events(run.id, make_rows(first, BATCH, name))
        store.set_summary(run.id, bars=BATCHES)
        store.set_status(run.id, RunStatus.COMPLETED)


def _race(target: Callable[..., None], *args: tuple[Any, ...]) -> None:
    """Run ``target(*arg, start)`` in a process per ``arg``, all released at once; each must succeed."""
    start = _fork.Event()
    processes = [_fork.Process(target=target, args=(*arg, start)) for arg in args]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0


def test_two_processes_write_one_store_at_once(store_url: str) -> None:
    open_store(store_url).close()  # the schema exists before the race starts (opening a new store races too: below)
    _race(_write_run, (store_url, "left"), (store_url, "right"))
    with open_store(store_url) as store:
        runs = {run.name: run for run in store.list_runs()}
        assert sorted(runs) == ["left", "right"]
        for name, run in runs.items():
            assert (run.status, run.events, run.bars) == (RunStatus.COMPLETED, BATCHES * BATCH, BATCHES)
            assert list(store.iter_events(run.id)) == make_rows(1, BATCHES * BATCH, name)


def _open(url: str, start: Any) -> None:
    start.wait(30)
    open_store(url).close()


def test_two_processes_open_a_new_store_at_once(store_url: str) -> None:
    _race(_open, (store_url,), (store_url,), (store_url,))


def _write_until_killed(url: str, ids: Queue[int], batch: int) -> None:
    with open_store(url) as store:
        run = store.create_run("doomed", {})
        ids.put(run.id)
        first = 1
        while True:
            store.append_events(run.id, make_rows(first, batch, "doomed"))
            first += batch


def test_a_writer_killed_mid_batch_loses_only_that_batch(store_url: str) -> None:
    batch = 3000
    ids: Queue[int] = _fork.Queue()
    writer = _fork.Process(target=_write_until_killed, args=(store_url, ids, batch))
    writer.start()
    run_id = ids.get(timeout=30)
    with open_store(store_url) as store:
        deadline = time.monotonic() + 60
        while store.get_run(run_id).events < 3 * batch and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.005 * (os.getpid() % 7))  # somewhere inside a later batch
        os.kill(writer.pid or 0, signal.SIGKILL)
        writer.join(30)
    assert writer.exitcode == -signal.SIGKILL
    with open_store(store_url) as store:  # the store opens; every committed batch is whole
        run = store.get_run(run_id)
        assert run.status is RunStatus.RUNNING and run.events >= 3 * batch and run.events % batch == 0
        assert list(store.iter_events(run_id)) == make_rows(1, run.events, "doomed")
        recovered = store.recover()
        assert [got.id for got in recovered] == [run_id]
        run = store.get_run(run_id)
        assert run.status is RunStatus.INTERRUPTED and run.error is not None
        assert f"writer process {writer.pid} on" in run.error and run.ended_at is not None
