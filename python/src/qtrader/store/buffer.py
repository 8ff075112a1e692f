"""Events on their way into the store: numbered in order and written a batch at a time.

The engine's hot path adds one event at a time; a transaction per event would cost far more than the event, so
events gather here and go to the store in one transaction per ``batch_size``. What is not flushed is not stored:
flush before a checkpoint and at the end of a run.
"""

from __future__ import annotations

from qtrader.store.api import RunStore
from qtrader.store.model import EventRow

#: Events per transaction: large enough that a commit costs little per event, small enough to lose little on a crash.
BATCH_SIZE = 2000


class EventBuffer:
    def __init__(self, store: RunStore, run_id: int, *, next_seq: int = 1, batch_size: int = BATCH_SIZE) -> None:
        self.store = store
        self.run_id = run_id
        self.batch_size = batch_size
        self._next = next_seq
        self._rows: list[EventRow] = []

    @property
    def last_seq(self) -> int:
        """The sequence number of the last event added (stored or not yet)."""
        return self._next - 1

    def add(self, event_type: str, event_id: str, line: bytes) -> int:
        """Queue one event (its exact JSON line, without a newline); returns its sequence number."""
        seq = self._next
        self._rows.append(EventRow(seq, event_type, event_id, line))
        self._next = seq + 1
        if len(self._rows) >= self.batch_size:
            self.flush()
        return seq

    def flush(self) -> None:
        """Store what is queued, in one transaction."""
        if self._rows:
            rows, self._rows = self._rows, []
            try:
                self.store.append_events(self.run_id, rows)
            except BaseException:
                self._rows = rows + self._rows  # kept, so a retry (e.g. once a server is back) sends them again
                raise
