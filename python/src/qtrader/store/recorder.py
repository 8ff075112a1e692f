"""The event log's twin for the store: every event the bus publishes, into a run, in publish order.

Called like ``engine/recorder.EventRecorder`` (once per event, then ``close()``) and writes the same bytes per line
(``qtrader.contracts.jsonl.dumps``), so exporting the run (``write_jsonl``) gives the file that recorder writes.
"""

from __future__ import annotations

from qtrader.contracts.base import ContractModel
from qtrader.contracts.jsonl import dumps
from qtrader.store.api import RunStore
from qtrader.store.buffer import BATCH_SIZE, EventBuffer


class StoreRecorder:
    def __init__(self, store: RunStore, run_id: int, *, next_seq: int = 1, batch_size: int = BATCH_SIZE) -> None:
        self.buffer = EventBuffer(store, run_id, next_seq=next_seq, batch_size=batch_size)
        self._add = self.buffer.add

    def __call__(self, event: ContractModel) -> None:
        fields = event.__dict__  # the envelope's type and id, without attribute lookups through the model
        self._add(fields["event_type"], fields["event_id"], dumps(event))

    @property
    def count(self) -> int:
        return self.buffer.last_seq

    def close(self) -> None:
        """Store what is still queued (a run's end, or before a checkpoint)."""
        self.buffer.flush()
