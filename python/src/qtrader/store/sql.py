"""The store's operations, written once in SQL for both backends; each backend supplies a connection and a few hooks.

Statements use ``?`` placeholders (the PostgreSQL backend rewrites them). Every statement runs inside
``_transaction``, the one place where a backend's errors become a ``StoreError`` that says what was being done.
The rules that keep a run whole live here: a batch continues the run's sequence exactly, only the process that
holds a run writes it, a checkpoint never runs ahead of the stored events.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timezone
from decimal import Decimal
from operator import itemgetter
from types import TracebackType
from typing import Any, ClassVar, Protocol

import orjson

from qtrader import __version__
from qtrader.libraries.numbers import plain
from qtrader.errors import StoreError
from qtrader.store.lease import STALE_AFTER_SECONDS, this_writer, writer_gone
from qtrader.store.manifest import canonical_json
from qtrader.store.migrations import MIGRATIONS, SCHEMA_VERSION_TABLE, Migration, pending
from qtrader.store.model import Checkpoint, EventRow, JsonValue, RunInfo, RunStatus, StoredEvent, Writer

_RUN_COLUMNS = ("id, name, status, started_at, ended_at, error, events, bars, final_equity, total_return, "
                "config_sha256, sweep_id, tags, writer_host, writer_pid, writer_started, heartbeat_at")
#: The run is running and held by the writer named in the parameters (the lease every write of a run checks).
_HELD = "id = ? AND status = 'running' AND writer_host = ? AND writer_pid = ?"


class Cursor(Protocol):
    """What the shared SQL needs of a backend's cursor (DB-API 2)."""

    @property
    def rowcount(self) -> int: ...

    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else plain(value)


class SqlStore(abc.ABC):
    """A ``RunStore`` over a SQL database; subclasses connect and fill in the hooks below."""

    dialect: ClassVar[str]
    #: Events read per query by ``iter_events`` (no read transaction stays open while a caller consumes them).
    PAGE = 5000
    url: str
    migrations: tuple[Migration, ...] = MIGRATIONS

    # ---- hooks -------------------------------------------------------------------------------------------------

    @abc.abstractmethod
    def _transaction(self, write: bool, doing: str) -> AbstractContextManager[Cursor]:
        """A transaction (a write one takes the write lock at once); backend errors become StoreError."""

    @abc.abstractmethod
    def _insert_events(self, cur: Cursor, run_id: int, events: Sequence[EventRow]) -> None:
        """Insert a batch the fastest way the backend has."""

    @abc.abstractmethod
    def _table_names(self, cur: Cursor) -> set[str]:
        """The tables of the store's database (or schema)."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def _lock_schema(self, cur: Cursor) -> None:
        """Make concurrent openers of a new store migrate one at a time (SQLite's write lock already does)."""
        return None

    def _time_in(self, value: datetime) -> Any:
        return value.isoformat()

    def _time_out(self, value: Any) -> datetime:
        return (value if isinstance(value, datetime) else datetime.fromisoformat(value)).astimezone(timezone.utc)

    def _json_in(self, value: JsonValue) -> Any:
        return canonical_json(value).decode()

    def _json_out(self, value: Any) -> JsonValue:
        return orjson.loads(value)

    # ---- schema ------------------------------------------------------------------------------------------------

    def _schema_version(self, cur: Cursor) -> int | None:
        """The store's version, or None for a database without QTrader's tables (refused if it has others); a store
        newer than this QTrader is an error naming both versions."""
        tables = self._table_names(cur)
        if "schema_version" not in tables:
            if tables:
                raise StoreError(f"{self.url} has tables ({', '.join(sorted(tables)[:5])}) but is not a QTrader "
                                 "store: point QTRADER_STORE at a new file, or an empty database or schema")
            return None
        cur.execute("SELECT version, qtrader_version FROM schema_version ORDER BY version DESC LIMIT 1")
        row = cur.fetchone()
        if row is None:
            return 0
        version, newest = int(row[0]), self.migrations[-1].version
        if version > newest:
            raise StoreError(f"{self.url} has store schema version {version}, written by QTrader {row[1]}; this "
                             f"QTrader ({__version__}) reads schema versions up to {newest}: upgrade QTrader")
        return version

    def _due(self, version: int | None) -> bool:
        """Whether migrations are due (``version`` None: a new store)."""
        return version is None or version < self.migrations[-1].version

    def _migrate(self) -> None:
        with self._transaction(False, "read the store's schema version") as cur:
            due = self._due(self._schema_version(cur))
        if not due:
            return
        with self._transaction(True, "upgrade the store's schema") as cur:
            self._lock_schema(cur)
            version = self._schema_version(cur)  # again: another process may have migrated in between
            if not self._due(version):
                return
            if version is None:
                cur.execute(SCHEMA_VERSION_TABLE[self.dialect])
            for migration in pending(version or 0, self.migrations):
                for statement in migration.statements(self.dialect):
                    cur.execute(statement)
                cur.execute("INSERT INTO schema_version (version, description, applied_at, qtrader_version) "
                            "VALUES (?, ?, ?, ?)",
                            (migration.version, migration.description, self._time_in(_now()), __version__))

    def schema_version(self) -> int:
        with self._transaction(False, "read the store's schema version") as cur:
            return self._schema_version(cur) or 0

    # ---- runs --------------------------------------------------------------------------------------------------

    def _run(self, row: Sequence[Any], manifest: Any = None) -> RunInfo:
        (run_id, name, status, started, ended, error, events, bars, equity, total_return, config_sha256, sweep_id,
         tags, host, pid, started_ticks, heartbeat) = row
        return RunInfo(
            id=int(run_id), name=name, status=RunStatus(status), started_at=self._time_out(started),
            ended_at=None if ended is None else self._time_out(ended), error=error, events=int(events),
            bars=None if bars is None else int(bars),
            final_equity=None if equity is None else Decimal(equity),
            total_return=None if total_return is None else Decimal(total_return),
            config_sha256=config_sha256, sweep_id=sweep_id, tags=tuple(self._json_out(tags)),
            writer=None if host is None else Writer(host, int(pid), started_ticks or ""),
            heartbeat_at=None if heartbeat is None else self._time_out(heartbeat),
            manifest=None if manifest is None else self._json_out(manifest))

    def create_run(self, name: str, manifest: Mapping[str, JsonValue], *, sweep_id: str | None = None,
                   tags: Sequence[str] = ()) -> RunInfo:
        writer, now = this_writer(), self._time_in(_now())
        config_sha256 = manifest.get("config_sha256")
        with self._transaction(True, f"create run {name!r}") as cur:
            cur.execute("INSERT INTO runs (name, status, started_at, manifest, config_sha256, sweep_id, tags, "
                        "writer_host, writer_pid, writer_started, heartbeat_at) "
                        "VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        (name, now, self._json_in(dict(manifest)),
                         config_sha256 if isinstance(config_sha256, str) else None, sweep_id,
                         self._json_in(list(tags)), writer.host, writer.pid, writer.started, now))
            run_id = int(cur.fetchone()[0])
        return self.get_run(run_id)

    def get_run(self, ref: int | str) -> RunInfo:
        by_id = isinstance(ref, int) or ref.isdigit()
        where = "id = ?" if by_id else "name = ? ORDER BY id DESC LIMIT 1"
        with self._transaction(False, f"read run {ref!r}") as cur:
            cur.execute(f"SELECT {_RUN_COLUMNS}, manifest FROM runs WHERE {where}", (int(ref) if by_id else ref,))
            row = cur.fetchone()
        if row is None:
            raise StoreError(f"no run {ref!r} in {self.url}")
        return self._run(row[:-1], row[-1])

    def list_runs(self, *, name: str | None = None, status: RunStatus | None = None, sweep_id: str | None = None,
                  limit: int | None = None) -> list[RunInfo]:
        filters = {"name": name, "status": None if status is None else RunStatus(status).value, "sweep_id": sweep_id}
        given = {column: value for column, value in filters.items() if value is not None}
        where = " AND ".join(f"{column} = ?" for column in given) or "1 = 1"
        params: list[Any] = list(given.values())
        if limit is not None:
            params.append(int(limit))
        with self._transaction(False, "list runs") as cur:
            cur.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE {where} ORDER BY id DESC"
                        + (" LIMIT ?" if limit is not None else ""), params)
            rows = cur.fetchall()
        return [self._run(row) for row in rows]

    def _refusal(self, cur: Cursor, run_id: int, writing: str,
                 otherwise: Callable[[int], str] = lambda events: "it changed meanwhile") -> StoreError:
        """Why a write to a run was refused: it is not there, not running, held by another process, or else
        ``otherwise(the run's stored event count)``."""
        cur.execute("SELECT status, writer_host, writer_pid, events FROM runs WHERE id = ?", (run_id,))
        row = cur.fetchone()
        if row is None:
            return StoreError(f"no run {run_id} in {self.url}")
        status, host, pid, events = row
        if status != RunStatus.RUNNING.value:
            return StoreError(f"cannot {writing}: run {run_id} is {status}; set it running again first")
        if (host, pid) != self._held(run_id)[1:]:
            return StoreError(f"cannot {writing}: run {run_id} is held by process {pid} on {host}, not by this "
                              "process (if that process is gone, recover() marks the run interrupted)")
        return StoreError(f"cannot {writing}: {otherwise(int(events))}")

    def _held(self, run_id: int) -> tuple[int, str, int]:
        writer = this_writer()
        return run_id, writer.host, writer.pid

    def set_summary(self, run_id: int, *, bars: int | None = None, final_equity: Decimal | None = None,
                    total_return: Decimal | None = None) -> None:
        with self._transaction(True, f"record the summary of run {run_id}") as cur:
            cur.execute("UPDATE runs SET bars = COALESCE(?, bars), final_equity = COALESCE(?, final_equity), "
                        "total_return = COALESCE(?, total_return) WHERE id = ?",
                        (bars, _decimal(final_equity), _decimal(total_return), run_id))
            if cur.rowcount != 1:
                raise StoreError(f"no run {run_id} in {self.url}")

    def set_status(self, run_id: int, status: RunStatus, *, error: str | None = None) -> None:
        status = RunStatus(status)
        now = self._time_in(_now())
        with self._transaction(True, f"mark run {run_id} {status.value}") as cur:
            if status is RunStatus.RUNNING:  # take the run up again: only if no live process holds it
                writer = this_writer()
                cur.execute("UPDATE runs SET status = 'running', ended_at = NULL, error = NULL, writer_host = ?, "
                            "writer_pid = ?, writer_started = ?, heartbeat_at = ? WHERE id = ? AND "
                            "(status <> 'running' OR (writer_host = ? AND writer_pid = ?))",
                            (writer.host, writer.pid, writer.started, now, run_id, writer.host, writer.pid))
            else:
                cur.execute(f"UPDATE runs SET status = ?, error = ?, ended_at = ? WHERE {_HELD}",
                            (status.value, error, now, *self._held(run_id)))
            if cur.rowcount != 1:
                raise self._refusal(cur, run_id, f"mark run {run_id} {status.value}")

    def heartbeat(self, run_id: int) -> None:
        with self._transaction(True, f"record a heartbeat of run {run_id}") as cur:
            cur.execute(f"UPDATE runs SET heartbeat_at = ? WHERE {_HELD}", (self._time_in(_now()), *self._held(run_id)))
            if cur.rowcount != 1:
                raise self._refusal(cur, run_id, f"record a heartbeat of run {run_id}")

    def recover(self, *, stale_after_seconds: float = STALE_AFTER_SECONDS) -> list[RunInfo]:
        recovered = []
        now = _now()
        for run in self.list_runs(status=RunStatus.RUNNING):
            reason = writer_gone(run.writer, run.heartbeat_at, now, stale_after_seconds)
            if reason is None or run.heartbeat_at is None:
                continue
            with self._transaction(True, f"mark run {run.id} interrupted") as cur:
                # Only if nothing happened since it was read (the heartbeat is the writer's sign of life).
                cur.execute("UPDATE runs SET status = 'interrupted', ended_at = ?, error = ? WHERE id = ? AND "
                            "status = 'running' AND heartbeat_at = ?",
                            (self._time_in(now), f"interrupted: {reason}", run.id, self._time_in(run.heartbeat_at)))
                changed = cur.rowcount == 1
            if changed:
                recovered.append(self.get_run(run.id))
        return recovered

    # ---- events ------------------------------------------------------------------------------------------------

    def append_events(self, run_id: int, events: Sequence[EventRow]) -> int:
        if not events:
            return self.get_run(run_id).events
        first, last = events[0].seq, events[-1].seq
        if list(map(itemgetter(0), events)) != list(range(first, first + len(events))):
            raise StoreError(f"cannot append to run {run_id}: a batch's sequence numbers must run {first}, "
                             f"{first + 1}, ... with no gap")
        writing = f"append events {first}..{last} to run {run_id}"
        with self._transaction(True, writing) as cur:
            cur.execute(f"UPDATE runs SET events = ?, heartbeat_at = ? WHERE {_HELD} AND events = ?",
                        (last, self._time_in(_now()), *self._held(run_id), first - 1))
            if cur.rowcount != 1:
                raise self._refusal(cur, run_id, writing,
                                    lambda stored: f"run {run_id} has {stored} events, so the next batch starts at "
                                                   f"{stored + 1}")
            self._insert_events(cur, run_id, events)
        return last

    def iter_events(self, run_id: int, *, from_seq: int = 1, to_seq: int | None = None,
                    types: Collection[str] | None = None) -> Iterator[StoredEvent]:
        # Pages are ranges of sequence numbers (a run's are 1..events with no gap), so each query reads at most
        # PAGE rows whatever plan the database picks (a LIMIT after a sort of every later event costs quadratic time).
        sql = "SELECT seq, event_type, event_id, line FROM events WHERE run_id = ? AND seq >= ? AND seq <= ?"
        wanted: list[str] = []
        if types is not None:
            wanted = sorted(set(types))
            if not wanted:
                return
            sql += f" AND event_type IN ({', '.join('?' * len(wanted))})"
        sql += " ORDER BY seq"
        stored = self.get_run(run_id).events
        last = stored if to_seq is None else min(to_seq, stored)
        for start in range(max(from_seq, 1), last + 1, self.PAGE):
            end = min(start + self.PAGE - 1, last)
            with self._transaction(False, f"read the events {start}..{end} of run {run_id}") as cur:
                cur.execute(sql, (run_id, start, end, *wanted))
                rows = cur.fetchall()
            for row in rows:
                yield EventRow(row[0], row[1], row[2], bytes(row[3]))

    def truncate_events(self, run_id: int, after_seq: int) -> int:
        writing = f"drop the events of run {run_id} after {after_seq}"
        with self._transaction(True, writing) as cur:
            cur.execute(f"UPDATE runs SET events = CASE WHEN events > ? THEN ? ELSE events END WHERE {_HELD}",
                        (after_seq, after_seq, *self._held(run_id)))
            if cur.rowcount != 1:
                raise self._refusal(cur, run_id, writing)
            cur.execute("DELETE FROM events WHERE run_id = ? AND seq > ?", (run_id, after_seq))
            dropped = cur.rowcount
            for table in ("checkpoint_states", "checkpoints"):
                cur.execute(f"DELETE FROM {table} WHERE run_id = ? AND seq > ?", (run_id, after_seq))
        return dropped

    # ---- checkpoints -------------------------------------------------------------------------------------------

    def write_checkpoint(self, run_id: int, checkpoint: Checkpoint) -> None:
        states = []
        for service, state in sorted(checkpoint.services.items()):
            if isinstance(state, (bytes, bytearray, memoryview)):
                states.append((run_id, checkpoint.seq, service, "bytes", bytes(state)))
            else:
                states.append((run_id, checkpoint.seq, service, "json", canonical_json(state)))
        writing = f"write the checkpoint of run {run_id} at event {checkpoint.seq}"
        now = self._time_in(_now())
        with self._transaction(True, writing) as cur:
            cur.execute(f"UPDATE runs SET heartbeat_at = ? WHERE {_HELD} AND events >= ?",
                        (now, *self._held(run_id), checkpoint.seq))
            if cur.rowcount != 1:
                raise self._refusal(cur, run_id, writing,
                                    lambda stored: f"only {stored} of its events are stored (append them first)")
            cur.execute("INSERT INTO checkpoints (run_id, seq, data_position, created_at) VALUES (?, ?, ?, ?)",
                        (run_id, checkpoint.seq, self._json_in(checkpoint.data_position), now))
            if states:
                cur.executemany("INSERT INTO checkpoint_states (run_id, seq, service, kind, state) "
                                "VALUES (?, ?, ?, ?, ?)", states)

    def latest_checkpoint(self, run_id: int) -> Checkpoint | None:
        with self._transaction(False, f"read the latest checkpoint of run {run_id}") as cur:
            cur.execute("SELECT seq, data_position, created_at FROM checkpoints WHERE run_id = ? "
                        "ORDER BY seq DESC LIMIT 1", (run_id,))
            head = cur.fetchone()
            if head is None:
                return None
            cur.execute("SELECT service, kind, state FROM checkpoint_states WHERE run_id = ? AND seq = ? "
                        "ORDER BY service", (run_id, head[0]))
            rows = cur.fetchall()
        services = {service: bytes(state) if kind == "bytes" else orjson.loads(bytes(state))
                    for service, kind, state in rows}
        return Checkpoint(seq=int(head[0]), data_position=self._json_out(head[1]), services=services,
                          created_at=self._time_out(head[2]))

    # ---- lifetime ----------------------------------------------------------------------------------------------

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
