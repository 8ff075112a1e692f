"""A stored run's events back as an events.jsonl: each stored line and a newline, byte for byte as written."""

from __future__ import annotations

from typing import BinaryIO

from qtrader.store.api import RunStore


def write_jsonl(store: RunStore, run_id: int, out: BinaryIO) -> int:
    """Write the run's event log to ``out``; returns the number of events."""
    count = 0
    for event in store.iter_events(run_id):
        out.write(event.line)
        out.write(b"\n")
        count += 1
    return count
