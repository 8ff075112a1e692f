"""The event log: every event the bus publishes, one JSON object a line, in publish order.

Lines are written whole (an event is serialized before it is written), so a log cut short by an error is still
complete and readable up to its last line. Every 16,384 events the free space of its disk is checked, so a run
stops with a clear error before the disk is full rather than at the first failed write.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from qtrader.contracts.base import ContractModel
from qtrader.contracts.jsonl import dumps
from qtrader.engine.run_folder import check_free_space

#: Events between two free-space checks (a power of two: the check is one bit test per event).
CHECK_EVERY = 1 << 14


class EventRecorder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] = path.open("wb", buffering=1 << 20)
        self.count = 0

    def __call__(self, event: ContractModel) -> None:
        self._file.write(dumps(event) + b"\n")
        count = self.count = self.count + 1
        if not count & (CHECK_EVERY - 1):
            check_free_space(self.path.parent)

    def close(self) -> None:
        self._file.close()  # a second close does nothing
