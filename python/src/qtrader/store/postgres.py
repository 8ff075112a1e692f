"""The server backend: PostgreSQL through psycopg 3, a batch of events written with COPY inside one transaction.

psycopg is imported only when such a store is opened, so SQLite users never need it (nor a server). When the
server is down, or goes away mid-run, the operation fails with a StoreError and its transaction is rolled back by
the server; everything committed before stays. The next operation connects again, so a writer can retry the same
batch once the server is back.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from qtrader.errors import StoreError
from qtrader.store.manifest import canonical_json
from qtrader.store.model import EventRow, JsonValue
from qtrader.store.sql import Cursor, SqlStore

#: The key of the advisory lock that makes concurrent openers of a new store migrate one at a time.
_MIGRATION_LOCK = 0x51_7472_6164  # "Qtrad"
_COPY_EVENTS = "COPY events (run_id, seq, event_type, event_id, line) FROM STDIN (FORMAT BINARY)"


def redact(url: str) -> str:
    """The URL without its password (safe to print or store)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def _one_line(exc: BaseException) -> str:
    """A driver's message (often several lines, with hints) on one line."""
    return " ".join(str(exc).split())


def _psycopg() -> ModuleType:
    try:
        return importlib.import_module("psycopg")
    except ImportError:
        raise StoreError("a postgresql:// store needs psycopg 3: pip install 'psycopg[binary]'") from None


class _Cursor:
    """A psycopg cursor that takes the shared SQL's ``?`` placeholders."""

    _converted: dict[str, str] = {}

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    @classmethod
    def _sql(cls, sql: str) -> str:
        converted = cls._converted.get(sql)
        if converted is None:
            converted = cls._converted[sql] = sql.replace("?", "%s")
        return converted

    @property
    def rowcount(self) -> int:
        return int(self.raw.rowcount)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.raw.execute(self._sql(sql), params)

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any:
        return self.raw.executemany(self._sql(sql), params)

    def fetchone(self) -> Any:
        return self.raw.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self.raw.fetchall())


class PostgresStore(SqlStore):
    """A run store in a PostgreSQL database (or in the first schema of the URL's search_path) (docs/store.md)."""

    dialect = "postgresql"

    def __init__(self, url: str, *, connect_timeout: int = 10) -> None:
        self._psycopg = _psycopg()
        self._conninfo = url
        self.url = redact(url)
        self.connect_timeout = connect_timeout
        self._conn: Any = None
        self._conn = self._connect()
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    def _connect(self) -> Any:
        try:
            return self._psycopg.connect(self._conninfo, autocommit=True, connect_timeout=self.connect_timeout)
        except self._psycopg.Error as exc:
            raise StoreError(f"cannot connect to the PostgreSQL store {self.url}: {_one_line(exc)} (`make postgres` "
                             "starts a local server for development)") from None

    @contextmanager
    def _transaction(self, write: bool, doing: str) -> Iterator[Cursor]:
        psycopg = self._psycopg
        if self._conn is None or self._conn.closed or self._conn.broken:
            self.close()
            self._conn = self._connect()
        try:
            with self._conn.transaction(), self._conn.cursor() as raw:
                yield _Cursor(raw)
        except psycopg.OperationalError as exc:
            raise StoreError(f"the PostgreSQL store {self.url} went away while trying to {doing} "
                             f"({_one_line(exc)}): that transaction was rolled back, everything committed before "
                             "it is kept; retry once the server is back") from exc
        except psycopg.Error as exc:
            raise StoreError(f"{self.url}: could not {doing}: {_one_line(exc)}") from exc

    def _insert_events(self, cur: Cursor, run_id: int, events: Sequence[EventRow]) -> None:
        assert isinstance(cur, _Cursor)
        with cur.raw.copy(_COPY_EVENTS) as copy:
            copy.set_types(["int8", "int8", "text", "text", "bytea"])
            for event in events:
                copy.write_row((run_id, *event))

    def _table_names(self, cur: Cursor) -> set[str]:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return {row[0] for row in cur.fetchall()}

    def _lock_schema(self, cur: Cursor) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))

    def _json_in(self, value: JsonValue) -> Any:
        return self._psycopg.types.json.Jsonb(value, dumps=lambda obj: canonical_json(obj).decode())

    def _json_out(self, value: Any) -> JsonValue:
        return value  # psycopg reads jsonb into Python values

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
