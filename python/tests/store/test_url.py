"""Which store a URL names: SQLite paths (relative and absolute), PostgreSQL, the default and $QTRADER_STORE."""

from __future__ import annotations

from pathlib import Path

import pytest

from qtrader.errors import StoreError
from qtrader.store import STORE_ENV, default_store_url, open_store
from qtrader.store.postgres import redact
from qtrader.store.sqlite import SQLiteStore
from qtrader.store.url import sqlite_path


def test_sqlite_urls(tmp_path: Path) -> None:
    assert sqlite_path("sqlite:///runs/qtrader.db") == (Path("runs/qtrader.db"), {})
    assert sqlite_path("sqlite:////var/lib/qtrader.db?synchronous=normal") == (Path("/var/lib/qtrader.db"),
                                                                                {"synchronous": "normal"})
    with pytest.raises(StoreError, match="names no file"):
        sqlite_path("sqlite://")
    with pytest.raises(StoreError, match="unknown option 'journal'"):
        sqlite_path("sqlite:///x.db?journal=off")
    with pytest.raises(StoreError, match="synchronous must be full or normal, not 'off'"):
        open_store(f"sqlite:///{tmp_path}/x.db?synchronous=off")
    with open_store(f"sqlite:///{tmp_path}/x.db?synchronous=normal") as store:
        assert isinstance(store, SQLiteStore)
        with store._transaction(False, "read the setting") as cur:
            cur.execute("PRAGMA synchronous")
            assert cur.fetchone()[0] == 1  # NORMAL


def test_default_store_is_runs_qtrader_db_or_the_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(STORE_ENV, raising=False)
    assert default_store_url() == "sqlite:///runs/qtrader.db"
    monkeypatch.chdir(tmp_path)
    with open_store() as store:
        assert isinstance(store, SQLiteStore) and store.path == Path("runs/qtrader.db")
    assert (tmp_path / "runs" / "qtrader.db").exists()
    monkeypatch.setenv(STORE_ENV, f"sqlite:///{tmp_path}/elsewhere.db")
    with open_store() as store:
        assert isinstance(store, SQLiteStore) and store.path == tmp_path / "elsewhere.db"


def test_unknown_urls_are_refused() -> None:
    with pytest.raises(StoreError, match="unknown store URL 'mysql://x': use sqlite:///"):
        open_store("mysql://x")


def test_passwords_are_never_shown() -> None:
    assert redact("postgresql://qt:s3cret@db.internal:5432/runs") == "postgresql://qt:***@db.internal:5432/runs"
    assert redact("postgresql://qt@127.0.0.1/runs") == "postgresql://qt@127.0.0.1/runs"
