"""The event log: every event the bus publishes, one JSON object a line, in publish order.

Lines are written whole (an event is serialized before it is written), so a log cut short by an error is still
complete and readable up to its last line.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from qtrader.contracts.base import ContractModel
from qtrader.contracts.jsonl import dumps


class EventRecorder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = path.open("wb", buffering=1 << 20)
        self.count = 0

    def __call__(self, event: ContractModel) -> None:
        self._file.write(dumps(event) + b"\n")
        self.count += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
