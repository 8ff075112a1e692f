"""The store's schema, as ordered migration steps for each backend: the one home of its tables.

A store records every step it applied in ``schema_version``. Opening a store applies the steps it lacks, in order,
in one transaction; a store whose version is above ``SCHEMA_VERSION`` was written by a newer QTrader and is refused.
To change the schema, append a step (never edit an applied one) with its SQL for both backends, and a test.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sqlite: tuple[str, ...]
    postgresql: tuple[str, ...]

    def statements(self, dialect: str) -> tuple[str, ...]:
        return self.sqlite if dialect == "sqlite" else self.postgresql


_STATUSES = "('running', 'completed', 'failed', 'interrupted')"

SCHEMA_VERSION_TABLE = {
    "sqlite": "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
              "applied_at TEXT NOT NULL, qtrader_version TEXT NOT NULL)",
    "postgresql": "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
                  "applied_at TIMESTAMPTZ NOT NULL, qtrader_version TEXT NOT NULL)",
}

_V1_SQLITE = (
    # AUTOINCREMENT: a deleted run's id is never given to another run.
    f"""CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN {_STATUSES}),
        error TEXT,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        manifest TEXT NOT NULL,
        config_sha256 TEXT,
        sweep_id TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        events INTEGER NOT NULL DEFAULT 0,
        bars INTEGER,
        final_equity TEXT,
        total_return TEXT,
        writer_host TEXT,
        writer_pid INTEGER,
        writer_started TEXT,
        heartbeat_at TEXT)""",
    "CREATE INDEX runs_by_name ON runs (name, id)",
    "CREATE INDEX runs_by_sweep ON runs (sweep_id, id)",
    # A rowid table, not WITHOUT ROWID on (run, seq): appends at the end of a rowid b-tree fill its pages, where an
    # index b-tree of ~600-byte rows is left about half full (a store of 1.8x the size, measured).
    """CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        event_type TEXT NOT NULL,
        event_id TEXT NOT NULL,
        line BLOB NOT NULL)""",
    "CREATE UNIQUE INDEX events_by_seq ON events (run_id, seq)",
    "CREATE INDEX events_by_type ON events (run_id, event_type, seq)",
    """CREATE TABLE checkpoints (
        run_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        data_position TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, seq))""",
    """CREATE TABLE checkpoint_states (
        run_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        service TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('json', 'bytes')),
        state BLOB NOT NULL,
        PRIMARY KEY (run_id, seq, service))""",
)

_V1_POSTGRESQL = (
    f"""CREATE TABLE runs (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN {_STATUSES}),
        error TEXT,
        started_at TIMESTAMPTZ NOT NULL,
        ended_at TIMESTAMPTZ,
        manifest JSONB NOT NULL,
        config_sha256 TEXT,
        sweep_id TEXT,
        tags JSONB NOT NULL DEFAULT '[]',
        events BIGINT NOT NULL DEFAULT 0,
        bars BIGINT,
        final_equity TEXT,
        total_return TEXT,
        writer_host TEXT,
        writer_pid INTEGER,
        writer_started TEXT,
        heartbeat_at TIMESTAMPTZ)""",
    "CREATE INDEX runs_by_name ON runs (name, id)",
    "CREATE INDEX runs_by_sweep ON runs (sweep_id, id)",
    # bytea, not json/jsonb: the line is kept byte for byte (jsonb would reorder keys); query it with
    # convert_from(line, 'UTF8')::jsonb. No foreign key: its check would cost a trigger call per event.
    """CREATE TABLE events (
        run_id BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        event_type TEXT NOT NULL,
        event_id TEXT NOT NULL,
        line BYTEA NOT NULL,
        PRIMARY KEY (run_id, seq))""",
    "CREATE INDEX events_by_type ON events (run_id, event_type, seq)",
    """CREATE TABLE checkpoints (
        run_id BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        data_position JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (run_id, seq))""",
    """CREATE TABLE checkpoint_states (
        run_id BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        service TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('json', 'bytes')),
        state BYTEA NOT NULL,
        PRIMARY KEY (run_id, seq, service))""",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "runs, events, checkpoints", _V1_SQLITE, _V1_POSTGRESQL),
)

#: The schema version this QTrader writes and the highest it reads.
SCHEMA_VERSION = MIGRATIONS[-1].version


def pending(current: int, migrations: tuple[Migration, ...] = MIGRATIONS) -> tuple[Migration, ...]:
    """The steps a store at version ``current`` lacks, in order (the versions must run 1, 2, 3, ... with no gap)."""
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise AssertionError(f"store migration {migration.version} is out of order (expected {expected})")
    return migrations[current:]
