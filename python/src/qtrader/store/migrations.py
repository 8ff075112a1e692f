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

#: Each backend's column types, so that step 1 writes its tables once for both (never change them: a later step
#: brings its own SQL).
_TYPES = {
    # AUTOINCREMENT: a deleted run's id is never given to another run. Events get a rowid, not WITHOUT ROWID on
    # (run, seq): appends at the end of a rowid b-tree fill its pages, where an index b-tree of ~600-byte rows is
    # left about half full (a store of 1.8x the size, measured).
    "sqlite": {"run_id": "INTEGER PRIMARY KEY AUTOINCREMENT", "int": "INTEGER", "time": "TEXT", "json": "TEXT",
               "bytes": "BLOB", "event_rowid": "id INTEGER PRIMARY KEY,"},
    # bytea, not json/jsonb, for a line: it is kept byte for byte (jsonb would reorder keys); query it with
    # convert_from(line, 'UTF8')::jsonb. No foreign key on events: its check would cost a trigger call per event.
    "postgresql": {"run_id": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "int": "BIGINT",
                   "time": "TIMESTAMPTZ", "json": "JSONB", "bytes": "BYTEA", "event_rowid": ""},
}

SCHEMA_VERSION_TABLE = {
    dialect: "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
             f"applied_at {types['time']} NOT NULL, qtrader_version TEXT NOT NULL)"
    for dialect, types in _TYPES.items()
}


def _v1(dialect: str) -> tuple[str, ...]:
    t = _TYPES[dialect]
    return (
        f"""CREATE TABLE runs (
            id {t['run_id']},
            name TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN {_STATUSES}),
            error TEXT,
            started_at {t['time']} NOT NULL,
            ended_at {t['time']},
            manifest {t['json']} NOT NULL,
            config_sha256 TEXT,
            sweep_id TEXT,
            tags {t['json']} NOT NULL DEFAULT '[]',
            events {t['int']} NOT NULL DEFAULT 0,
            bars {t['int']},
            final_equity TEXT,
            total_return TEXT,
            writer_host TEXT,
            writer_pid INTEGER,
            writer_started TEXT,
            heartbeat_at {t['time']})""",
        "CREATE INDEX runs_by_name ON runs (name, id)",
        "CREATE INDEX runs_by_sweep ON runs (sweep_id, id)",
        f"""CREATE TABLE events ({t['event_rowid']}
            run_id {t['int']} NOT NULL,
            seq {t['int']} NOT NULL,
            event_type TEXT NOT NULL,
            event_id TEXT NOT NULL,
            line {t['bytes']} NOT NULL)""",
        "CREATE UNIQUE INDEX events_by_seq ON events (run_id, seq)",
        "CREATE INDEX events_by_type ON events (run_id, event_type, seq)",
        f"""CREATE TABLE checkpoints (
            run_id {t['int']} NOT NULL,
            seq {t['int']} NOT NULL,
            data_position {t['json']} NOT NULL,
            created_at {t['time']} NOT NULL,
            PRIMARY KEY (run_id, seq))""",
        f"""CREATE TABLE checkpoint_states (
            run_id {t['int']} NOT NULL,
            seq {t['int']} NOT NULL,
            service TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('json', 'bytes')),
            state {t['bytes']} NOT NULL,
            PRIMARY KEY (run_id, seq, service))""",
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "runs, events, checkpoints", _v1("sqlite"), _v1("postgresql")),
)

#: The schema version this QTrader writes and the highest it reads.
SCHEMA_VERSION = MIGRATIONS[-1].version


def pending(current: int, migrations: tuple[Migration, ...] = MIGRATIONS) -> tuple[Migration, ...]:
    """The steps a store at version ``current`` lacks, in order (the versions must run 1, 2, 3, ... with no gap)."""
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise AssertionError(f"store migration {migration.version} is out of order (expected {expected})")
    return migrations[current:]
