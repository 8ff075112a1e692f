"""The run store: the one place where runs live (manifest, events, checkpoints, status). See docs/store.md."""

from qtrader.store.api import RunStore
from qtrader.store.buffer import EventBuffer
from qtrader.store.export import write_jsonl
from qtrader.store.model import Checkpoint, EventRow, RunInfo, RunStatus, StoredEvent, Writer
from qtrader.store.recorder import StoreRecorder
from qtrader.store.url import STORE_ENV, default_store_url, open_store

__all__ = ["Checkpoint", "EventBuffer", "EventRow", "RunInfo", "RunStatus", "RunStore", "STORE_ENV", "StoreRecorder",
           "StoredEvent", "Writer", "default_store_url", "open_store", "write_jsonl"]
