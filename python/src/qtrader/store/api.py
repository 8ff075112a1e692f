"""The one interface every run store backend implements (SQLite, PostgreSQL); callers depend on this only.

A store holds many runs. Each run has a manifest (what it was made from), its events in sequence order with their
exact JSON lines, checkpoints, a status with wall-clock start and end, and summary figures for listing. One
process writes a run at a time (the run's writer); any number of processes read. A store object is used by one
thread at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from decimal import Decimal
from types import TracebackType
from typing import Protocol

from qtrader.store.model import Checkpoint, EventRow, JsonValue, RunInfo, RunStatus, StoredEvent


class RunStore(Protocol):
    """Runs, their events, checkpoints and status, in one place (docs/store.md)."""

    #: Where the store is, with any password left out (safe to print).
    url: str

    def create_run(self, name: str, manifest: Mapping[str, JsonValue], *, sweep_id: str | None = None,
                   tags: Sequence[str] = ()) -> RunInfo:
        """A new run, status ``running``, held by this process; its id is unique in the store, its name need not be."""
        ...

    def append_events(self, run_id: int, events: Sequence[EventRow]) -> int:
        """Store a batch in one transaction; sequence numbers must continue the run's exactly. Returns the last one."""
        ...

    def iter_events(self, run_id: int, *, from_seq: int = 1, to_seq: int | None = None,
                    types: Collection[str] | None = None) -> Iterator[StoredEvent]:
        """The run's events in sequence order, from ``from_seq`` (and up to ``to_seq``), optionally of some types;
        those stored when the iteration starts (a writer may go on meanwhile)."""
        ...

    def truncate_events(self, run_id: int, after_seq: int) -> int:
        """Drop the events (and checkpoints) after ``after_seq``, as a resume from a checkpoint does; returns how many."""
        ...

    def write_checkpoint(self, run_id: int, checkpoint: Checkpoint) -> None:
        """Store every service's state, the data position and the sequence at once (all or nothing)."""
        ...

    def latest_checkpoint(self, run_id: int) -> Checkpoint | None:
        """The checkpoint with the highest sequence number, or None."""
        ...

    def set_summary(self, run_id: int, *, bars: int | None = None, final_equity: Decimal | None = None,
                    total_return: Decimal | None = None) -> None:
        """Record the figures ``list_runs`` shows; a figure left as None keeps its stored value."""
        ...

    def set_status(self, run_id: int, status: RunStatus, *, error: str | None = None) -> None:
        """End a run (completed, failed with its error, interrupted), or take it up again (running, by this process)."""
        ...

    def heartbeat(self, run_id: int) -> None:
        """Say the writer is alive (appends do it too); a run whose heartbeat is old can be recovered elsewhere."""
        ...

    def get_run(self, ref: int | str) -> RunInfo:
        """One run with its manifest, by id or by name (the newest run of that name)."""
        ...

    def list_runs(self, *, name: str | None = None, status: RunStatus | None = None, sweep_id: str | None = None,
                  limit: int | None = None) -> list[RunInfo]:
        """Runs, newest first, without their manifests."""
        ...

    def recover(self, *, stale_after_seconds: float = ...) -> list[RunInfo]:
        """Mark ``interrupted`` every running run whose writer is gone; returns those runs."""
        ...

    def close(self) -> None:
        ...

    def __enter__(self) -> RunStore:
        ...

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        ...
