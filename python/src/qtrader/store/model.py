"""The run store's value types: what a run row, a stored event and a checkpoint are, whatever the backend.

Wall-clock times (when a run started and ended, the writer's last heartbeat) live here and never inside events, so
the events of a run stay byte-identical from one run of the same config and data to the next (docs/store.md).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple, TypeAlias

#: A JSON value as the standard library reads it (the manifest, a data position, a service's JSON state).
JsonValue: TypeAlias = Any


class RunStatus(str, enum.Enum):
    """Where a run is: its writer is at work, it ended well, it ended with an error, or its writer vanished."""

    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class EventRow(NamedTuple):
    """One event to store: its sequence number in the run (1, 2, ...), type, id and exact JSON line (no newline)."""

    seq: int
    event_type: str
    event_id: str
    line: bytes


#: What a stored event reads back as: the same four fields.
StoredEvent = EventRow


@dataclass(frozen=True)
class Checkpoint:
    """Every service's state, the data position and the event sequence at one instant, written atomically.

    ``seq`` is the last event the state includes: a resume replays nothing up to it and continues with ``seq + 1``.
    A service's state is opaque bytes or a JSON value; the store gives back what it was given.
    """

    seq: int
    data_position: JsonValue
    services: Mapping[str, bytes | JsonValue]
    created_at: datetime | None = None


@dataclass(frozen=True)
class Writer:
    """The process that writes a run: it holds the run while it is alive (docs/store.md, "Recovering runs")."""

    host: str
    pid: int
    #: The process's start time as the OS counts it (Linux: clock ticks since boot), so a reused pid is not taken
    #: for the writer; empty where the OS does not say.
    started: str


@dataclass(frozen=True)
class RunInfo:
    """One run's row: identity, status, wall-clock times, summary figures and, from ``get_run``, its manifest."""

    id: int
    name: str
    status: RunStatus
    started_at: datetime
    ended_at: datetime | None
    error: str | None
    events: int
    bars: int | None
    final_equity: Decimal | None
    total_return: Decimal | None
    config_sha256: str | None
    sweep_id: str | None
    tags: tuple[str, ...]
    writer: Writer | None
    heartbeat_at: datetime | None
    manifest: Mapping[str, JsonValue] | None = field(default=None, compare=False)
