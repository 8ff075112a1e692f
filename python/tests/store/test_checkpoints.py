"""Checkpoints: every service's state, the data position and the event sequence, written all or nothing."""

from __future__ import annotations

import pytest

from qtrader.errors import StoreError
from qtrader.store import Checkpoint, RunStore

from .helpers import make_rows


def test_latest_checkpoint_round_trip(store: RunStore) -> None:
    run = store.create_run("r", {})
    assert store.latest_checkpoint(run.id) is None
    store.append_events(run.id, make_rows(1, 30))
    store.write_checkpoint(run.id, Checkpoint(10, {"bars": 4, "sources": {"AAPL": 4}},
                                              {"portfolio": {"cash": "100000.00", "lots": []}}))
    later = {"portfolio": {"cash": "99000.50", "lots": [{"qty": "10"}]}, "execution": b"\x00\xffopaque",
             "strategy": ["a", 1, None, True]}
    store.write_checkpoint(run.id, Checkpoint(30, {"bars": 12}, later))
    latest = store.latest_checkpoint(run.id)
    assert latest is not None
    assert (latest.seq, latest.data_position, dict(latest.services)) == (30, {"bars": 12}, later)
    assert isinstance(latest.services["execution"], bytes)
    assert latest.created_at is not None
    assert store.latest_checkpoint(run.id + 1) is None


def test_a_checkpoint_never_runs_ahead_of_the_events(store: RunStore) -> None:
    run = store.create_run("r", {})
    store.append_events(run.id, make_rows(1, 5))
    with pytest.raises(StoreError, match="only 5 of its events are stored"):
        store.write_checkpoint(run.id, Checkpoint(6, {}, {"portfolio": {}}))
    assert store.latest_checkpoint(run.id) is None


def test_a_checkpoint_is_written_whole_or_not_at_all(store: RunStore) -> None:
    run = store.create_run("r", {})
    store.append_events(run.id, make_rows(1, 5))
    store.write_checkpoint(run.id, Checkpoint(5, {"bars": 2}, {"portfolio": {"v": 1}}))
    with pytest.raises(StoreError, match="checkpoint of run .* at event 5"):  # the same sequence again: refused
        store.write_checkpoint(run.id, Checkpoint(5, {"bars": 9}, {"portfolio": {"v": 2}, "strategy": {"v": 2}}))
    latest = store.latest_checkpoint(run.id)
    assert latest is not None and (latest.data_position, dict(latest.services)) == ({"bars": 2}, {"portfolio": {"v": 1}})
