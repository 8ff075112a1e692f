"""The store's schema: ordered migrations, a newer store refused by name and version, damaged files refused clearly."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from qtrader.errors import StoreError
from qtrader.store import open_store
from qtrader.store.migrations import MIGRATIONS, SCHEMA_VERSION, Migration, pending
from qtrader.store.sql import SqlStore

from .helpers import make_rows


def test_migration_steps_are_ordered() -> None:
    assert pending(0) == MIGRATIONS and pending(SCHEMA_VERSION) == ()
    skipping = (MIGRATIONS[0], Migration(3, "a gap", (), ()))
    with pytest.raises(AssertionError, match="migration 3 is out of order"):
        pending(0, skipping)


def test_a_new_store_has_the_current_schema(store_url: str) -> None:
    with open_store(store_url) as store:
        assert isinstance(store, SqlStore) and store.schema_version() == SCHEMA_VERSION


def test_opening_applies_the_missing_steps(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_store(store_url) as store:
        run = store.create_run("old", {})
        store.append_events(run.id, make_rows(1, 3))
    step = ("ALTER TABLE runs ADD COLUMN note TEXT", "UPDATE runs SET note = 'migrated'")
    monkeypatch.setattr(SqlStore, "migrations", (*MIGRATIONS, Migration(SCHEMA_VERSION + 1, "a note", step, step)))
    with open_store(store_url) as store:
        assert isinstance(store, SqlStore) and store.schema_version() == SCHEMA_VERSION + 1
        assert list(store.iter_events(run.id)) == make_rows(1, 3)
        with store._transaction(False, "read the note") as cur:
            cur.execute("SELECT note FROM runs WHERE id = ?", (run.id,))
            assert cur.fetchone()[0] == "migrated"


def test_a_store_written_by_a_newer_version_is_refused(store_url: str) -> None:
    with open_store(store_url) as store:
        assert isinstance(store, SqlStore)
        with store._transaction(True, "pretend a newer QTrader wrote it") as cur:
            cur.execute("INSERT INTO schema_version (version, description, applied_at, qtrader_version) "
                        "VALUES (?, ?, ?, ?)", (SCHEMA_VERSION + 7, "from the future", store._time_in(
                            datetime.now(timezone.utc)), "9.9.9"))
    with pytest.raises(StoreError, match=f"has store schema version {SCHEMA_VERSION + 7}, written by QTrader "
                                         f"9.9.9; this QTrader .* reads schema versions up to {SCHEMA_VERSION}"):
        open_store(store_url)


def test_a_database_with_other_tables_is_not_taken_over(store_url: str, tmp_path: Path) -> None:
    with open_store(store_url) as store:
        assert isinstance(store, SqlStore)
        with store._transaction(True, "drop the store's tables, add another") as cur:
            for table in ("schema_version", "checkpoint_states", "checkpoints", "events", "runs"):
                cur.execute(f"DROP TABLE {table}")
            cur.execute("CREATE TABLE prices (x INTEGER)")
    with pytest.raises(StoreError, match=r"has tables \(prices\) but is not a QTrader store"):
        open_store(store_url)


def _closed_store_file(tmp_path: Path, events: int = 4000) -> Path:
    path = tmp_path / "store.db"
    with open_store(f"sqlite:///{path}") as store:
        run = store.create_run("r", {})
        for first in range(1, events, 1000):
            store.append_events(run.id, make_rows(first, 1000))
    assert not path.with_name("store.db-wal").exists()  # closing the last connection folds the WAL in
    return path


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    path.write_text("run,equity\n1,100\n")
    with pytest.raises(StoreError, match="is not a SQLite database"):
        open_store(f"sqlite:///{path}")


def test_a_truncated_file_is_refused(tmp_path: Path) -> None:
    path = _closed_store_file(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError, match=f"{path} is truncated: its header says {len(data)} bytes"):
        open_store(f"sqlite:///{path}")


def test_a_damaged_file_is_a_store_error(tmp_path: Path) -> None:
    path = _closed_store_file(tmp_path)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for start in range(2 * page, len(data) - page, 3 * page):  # garbage over every third page after the schema
        data[start:start + page] = bytes((start + i) * 7919 % 251 for i in range(page))
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="is damaged .*malformed"):
        with open_store(f"sqlite:///{path}") as store:
            list(store.iter_events(1))
            for run in store.list_runs():
                list(store.iter_events(run.id))
