"""The embedded backend: one SQLite file in WAL mode, one transaction per batch, written with executemany.

Several processes can share the file: each write transaction takes the write lock at once (BEGIN IMMEDIATE) and
waits up to ``timeout`` seconds for another writer's batch to commit; readers never block writers. Commits are
synced (``synchronous=FULL``), so a committed batch survives a crash of the process or of the machine; with
``synchronous=NORMAL`` (a URL option) commits are faster and survive a crash of the process, not a power cut.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from qtrader.errors import StoreError
from qtrader.store.model import EventRow
from qtrader.store.sql import Cursor, SqlStore

_HEADER = b"SQLite format 3\x00"
#: Event rows are ~600 bytes: 16 KiB pages hold them with less slack than the default 4 KiB (a 14% smaller store).
PAGE_SIZE = 16384
_DAMAGED = ("malformed", "not a database", "file is encrypted", "disk i/o error", "corrupt")


def check_file(path: Path) -> None:
    """Refuse a file that is not SQLite, or whose header says it is longer than it is (truncated), before opening."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0:
        return  # a new, empty store
    with path.open("rb") as file:
        header = file.read(100)
    if len(header) < 100 or not header.startswith(_HEADER):
        raise StoreError(f"{path} is not a SQLite database (so not a QTrader store): point QTRADER_STORE at "
                         "another file, or move this one away")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    in_header_size_valid = header[24:28] == header[92:96]  # the file change counter equals version-valid-for
    wal = path.with_name(path.name + "-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0  # then the WAL may hold pages past the file's end
    if pages and in_header_size_valid and not wal_pending and size < pages * page_size:
        raise StoreError(f"{path} is truncated: its header says {pages * page_size} bytes, the file has {size}; "
                         "restore it from a copy, or point QTRADER_STORE at another file")


class SQLiteStore(SqlStore):
    """A run store in one SQLite file (docs/store.md)."""

    dialect = "sqlite"

    def __init__(self, path: Path, *, timeout: float = 60.0, synchronous: str = "FULL") -> None:
        if synchronous not in ("FULL", "NORMAL"):
            raise StoreError(f"{path}: synchronous must be full or normal, not {synchronous.lower()!r}")
        self.path = path
        self.url = f"sqlite:///{path}"
        self.timeout = timeout
        check_file(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of the store {path}: {exc}") from None
        try:
            self._conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._error(exc, "open the store") from None
        try:
            self._conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # for a new file only
            self._conn.execute("PRAGMA journal_mode = WAL").fetchall()
            self._conn.execute(f"PRAGMA synchronous = {synchronous}")
            self._migrate()
        except sqlite3.Error as exc:
            self._conn.close()
            raise self._error(exc, "open the store") from None
        except BaseException:
            self._conn.close()
            raise

    def _error(self, exc: sqlite3.Error, doing: str) -> StoreError:
        text = str(exc)
        if any(word in text.lower() for word in _DAMAGED):
            return StoreError(f"{self.path} is damaged ({text}) while trying to {doing}: restore it from a copy, "
                              "or point QTRADER_STORE at another file")
        if "locked" in text.lower() or "busy" in text.lower():
            return StoreError(f"{self.path}: could not {doing}: another process held the store's write lock for "
                              f"over {self.timeout:g} s ({text})")
        return StoreError(f"{self.path}: could not {doing}: {text}")

    @contextmanager
    def _transaction(self, write: bool, doing: str) -> Iterator[Cursor]:
        cursor = self._conn.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield cursor
            cursor.execute("COMMIT")
        except BaseException as exc:
            if self._conn.in_transaction:
                try:
                    self._conn.rollback()
                except sqlite3.Error:
                    pass
            if isinstance(exc, sqlite3.Error):
                raise self._error(exc, doing) from exc
            raise
        finally:
            cursor.close()

    def _insert_events(self, cur: Cursor, run_id: int, events: Sequence[EventRow]) -> None:
        cur.executemany("INSERT INTO events (run_id, seq, event_type, event_id, line) VALUES (?, ?, ?, ?, ?)",
                        [(run_id, *event) for event in events])

    def _table_names(self, cur: Cursor) -> set[str]:
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        return {row[0] for row in cur.fetchall()}

    def close(self) -> None:
        self._conn.close()
