"""A run's events: appended in whole batches that continue the sequence, read back in order, exported byte for byte."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import orjson
import pytest

from qtrader.contracts.validation import parse_event
from qtrader.engine.recorder import EventRecorder
from qtrader.errors import StoreError
from qtrader.store import EventBuffer, EventRow, RunStore, StoreRecorder, write_jsonl

from .helpers import make_rows

REPO = Path(__file__).resolve().parents[3]


def test_append_and_read_in_order(store: RunStore) -> None:
    run = store.create_run("r", {})
    assert store.append_events(run.id, make_rows(1, 10)) == 10
    assert store.append_events(run.id, make_rows(11, 5)) == 15
    assert store.append_events(run.id, []) == 15
    assert list(store.iter_events(run.id)) == make_rows(1, 15)
    assert list(store.iter_events(run.id, from_seq=12)) == make_rows(12, 4)
    assert list(store.iter_events(run.id, from_seq=3, to_seq=5)) == make_rows(3, 3)
    fills = [row for row in make_rows(1, 15) if row.event_type in ("Fill", "Order")]
    assert list(store.iter_events(run.id, types={"Fill", "Order"})) == fills
    assert list(store.iter_events(run.id, types=[])) == []
    assert store.get_run(run.id).events == 15


def test_reading_pages_through_a_long_run(store: RunStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "PAGE", 7)
    run = store.create_run("r", {})
    store.append_events(run.id, make_rows(1, 50))
    assert [row.seq for row in store.iter_events(run.id)] == list(range(1, 51))
    assert [row.seq for row in store.iter_events(run.id, types=["Fill"])] == list(range(4, 51, 5))


@pytest.mark.parametrize("batch, message", [
    (make_rows(2, 3), "has 0 events, so the next batch starts at 1"),
    (make_rows(1, 2) + make_rows(4, 1), "must run 1, 2, ... with no gap"),
    (make_rows(1, 1) + make_rows(1, 1), "must run 1, 2, ... with no gap"),
])
def test_a_batch_must_continue_the_sequence(store: RunStore, batch: Sequence[EventRow], message: str) -> None:
    run = store.create_run("r", {})
    with pytest.raises(StoreError, match=message):
        store.append_events(run.id, batch)
    assert list(store.iter_events(run.id)) == []
    store.append_events(run.id, make_rows(1, 2))
    with pytest.raises(StoreError, match="has 2 events, so the next batch starts at 3"):
        store.append_events(run.id, make_rows(2, 2))  # a batch sent twice is refused whole
    assert store.get_run(run.id).events == 2


def test_runs_keep_their_own_events(store: RunStore) -> None:
    a, b = store.create_run("a", {}), store.create_run("b", {})
    for first in (1, 4):
        store.append_events(a.id, make_rows(first, 3, "a"))
        store.append_events(b.id, make_rows(first, 3, "b"))
    assert list(store.iter_events(a.id)) == make_rows(1, 6, "a")
    assert list(store.iter_events(b.id)) == make_rows(1, 6, "b")
    with pytest.raises(StoreError, match="no run 999"):
        store.append_events(999, make_rows(1, 1))


def test_truncate_drops_later_events_and_checkpoints(store: RunStore) -> None:
    from qtrader.store import Checkpoint

    run = store.create_run("r", {})
    store.append_events(run.id, make_rows(1, 20))
    store.write_checkpoint(run.id, Checkpoint(8, {"bars": 3}, {"portfolio": {"cash": "1"}}))
    store.write_checkpoint(run.id, Checkpoint(16, {"bars": 6}, {"portfolio": {"cash": "2"}}))
    assert store.truncate_events(run.id, 10) == 10
    assert store.get_run(run.id).events == 10
    checkpoint = store.latest_checkpoint(run.id)
    assert checkpoint is not None and checkpoint.seq == 8
    store.append_events(run.id, make_rows(11, 2, "again"))
    assert list(store.iter_events(run.id)) == make_rows(1, 10) + make_rows(11, 2, "again")


def test_export_is_byte_identical_to_the_event_log(store: RunStore, tmp_path: Path) -> None:
    """Real event lines (the conformance inputs) go in through the buffer and come out as the same bytes."""
    log = b"".join(path.read_bytes() for path in sorted((REPO / "conformance" / "cases").glob("*/*/input.jsonl")))
    assert log.count(b"\n") > 500
    run = store.create_run("export", {})
    buffer = EventBuffer(store, run.id, batch_size=128)
    for line in log.splitlines():
        event = orjson.loads(line)
        buffer.add(event["event_type"], event["event_id"], line)
    buffer.flush()
    out = io.BytesIO()
    assert write_jsonl(store, run.id, out) == log.count(b"\n") == buffer.last_seq
    assert out.getvalue() == log


def test_the_store_recorder_writes_what_the_event_log_writes(store: RunStore, tmp_path: Path) -> None:
    """The engine's two recorders side by side on the same events: the store's export is the events.jsonl."""
    events = [parse_event(orjson.loads(line)) for path in sorted((REPO / "conformance" / "cases").glob("*/*/input.jsonl"))
              for line in path.read_bytes().splitlines()]
    run = store.create_run("recorded", {})
    log, recorder = EventRecorder(tmp_path / "events.jsonl"), StoreRecorder(store, run.id, batch_size=100)
    for event in events:
        log(event)
        recorder(event)
    log.close()
    recorder.close()
    out = io.BytesIO()
    assert write_jsonl(store, run.id, out) == recorder.count == log.count == len(events)
    assert out.getvalue() == (tmp_path / "events.jsonl").read_bytes()


class _FailingOnce:
    """A store whose first append fails, as one does while a server is away."""

    def __init__(self) -> None:
        self.batches: list[list[EventRow]] = []
        self.failed = False

    def append_events(self, run_id: int, events: Sequence[EventRow]) -> int:
        if not self.failed:
            self.failed = True
            raise StoreError("the server went away")
        self.batches.append(list(events))
        return events[-1].seq


def test_buffer_batches_and_keeps_what_failed() -> None:
    fake = _FailingOnce()
    buffer = EventBuffer(fake, 1, batch_size=3)  # type: ignore[arg-type]
    buffer.add("PriceBar", "e1", b"1")
    buffer.add("PriceBar", "e2", b"2")
    with pytest.raises(StoreError):
        buffer.add("Fill", "e3", b"3")  # the third fills the batch: the flush fails, the events stay queued
    assert buffer.add("Fill", "e4", b"4") == 4
    buffer.flush()
    assert [[row.seq for row in batch] for batch in fake.batches] == [[1, 2, 3, 4]]
    assert buffer.last_seq == 4
