"""A stored run's events as Parquet: one file per event type (``<EventType>.parquet``), with the generated Arrow
schemas (``qtrader.contracts.arrow_convert``); rows in the run's order within each type.

The events are parsed from their stored lines and held per type while the files are written, so memory grows
with the run (a 200k-bar run holds about half a million events).
"""

from __future__ import annotations

from pathlib import Path

import orjson

from qtrader.contracts.arrow_convert import group_by_type, write_parquet as write_events
from qtrader.contracts.validation import parse_event
from qtrader.store.api import RunStore


def write_parquet(store: RunStore, run_id: int, folder: Path) -> list[Path]:
    """Write the run's events under ``folder`` (created); returns the files, by event type."""
    events = (parse_event(orjson.loads(event.line), where=f"run {run_id} event {event.seq}")
              for event in store.iter_events(run_id))
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for event_type, group in sorted(group_by_type(events).items()):
        path = folder / f"{event_type}.parquet"
        write_events(group, path)
        files.append(path)
    return files
