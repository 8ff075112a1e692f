"""Benchmark: appending a run's event lines to the run store (SQLite, PostgreSQL) beside writing them to a plain file.

Why: the store replaces events.jsonl as the place where a run's events go, so its cost per event is what a run
pays for it. The lines are real ones from a run's events.jsonl (cycled if the file has fewer); their type and id
are parsed before timing (the engine has them at hand). Each backend gets the same lines in batches of --batch
events, one transaction a batch, through the EventBuffer the engine uses; the figure includes the commits.
Reading them back (as an export or a replay does) is timed too.

PostgreSQL: --postgres URL (a database the benchmark may create and drop databases on), else a throwaway server
started with tools/postgres.sh (default, durable settings), else --no-postgres.

Usage: python tools/bench/bench_store.py --events runs/NAME/events.jsonl [--lines 200000] [--batch 2000]
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import orjson

from qtrader.store import EventBuffer, RunStatus, RunStore, open_store, write_jsonl
from qtrader.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[2]
Line = tuple[str, str, bytes]


def read_lines(path: Path, count: int) -> list[Line]:
    """The first ``count`` lines of an event log with their type and id (the log cycled if it is shorter)."""
    lines: list[Line] = []
    with path.open("rb") as file:
        for raw in file:
            event = orjson.loads(raw)
            lines.append((event["event_type"], event["event_id"], raw.rstrip(b"\n")))
            if len(lines) == count:
                return lines
    if not lines:
        raise SystemExit(f"{path} has no events")
    return [lines[i % len(lines)] for i in range(count)]


def timed(label: str, nbytes: int, count: int, run: Callable[[], object]) -> None:
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(f"{label:<42} {count:>9,} lines {seconds:8.2f} s {count / seconds:>12,.0f} lines/s "
          f"{nbytes / seconds / 1e6:8.1f} MB/s", flush=True)


def bench_store(label: str, store: RunStore, lines: list[Line], batch: int, nbytes: int) -> None:
    run = store.create_run("bench", {"benchmark": "bench_store"})

    def append() -> None:
        buffer = EventBuffer(store, run.id, batch_size=batch)
        add = buffer.add
        for event_type, event_id, line in lines:
            add(event_type, event_id, line)
        buffer.flush()

    timed(f"{label}: append", nbytes, len(lines), append)
    store.set_status(run.id, RunStatus.COMPLETED)
    out = io.BytesIO()
    timed(f"{label}: read back (export)", nbytes, len(lines), lambda: write_jsonl(store, run.id, out))
    assert out.getvalue().count(b"\n") == len(lines)


def bench_file(path: Path, lines: list[Line], nbytes: int) -> None:
    def write() -> None:
        with path.open("wb", buffering=1 << 20) as file:  # as engine/recorder.py writes events.jsonl
            for _, _, line in lines:
                file.write(line + b"\n")

    timed("plain file (events.jsonl, not synced)", nbytes, len(lines), write)


@contextmanager
def postgres_database(url: str | None) -> Iterator[str]:
    """A fresh database on the given server, or on a throwaway one started for the benchmark; dropped after."""
    import psycopg

    folder = None
    if url is None:
        folder = os.path.join(tempfile.gettempdir(), f"qtrader-pgbench-{os.getpid()}")
        env = {**os.environ, "QTRADER_PG_DIR": folder}
        url = subprocess.run([str(REPO / "tools" / "postgres.sh"), "start"], env=env, capture_output=True, text=True,
                             check=True).stdout.strip()
    name = f"qtrader_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        finally:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        if folder is not None:
            subprocess.run([str(REPO / "tools" / "postgres.sh"), "stop"], env={**os.environ, "QTRADER_PG_DIR": folder},
                           check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=Path, default=REPO / "runs" / "sma-crossover-goog" / "events.jsonl",
                        help="a run's events.jsonl (default: the demo's, after `make demo`)")
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=2000, help="events per transaction")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: start a throwaway one)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--out", type=Path, help="folder for the file and the SQLite store (default: a temp folder)")
    args = parser.parse_args()
    if not args.events.exists():
        raise SystemExit(f"{args.events} not found: pass --events runs/NAME/events.jsonl (e.g. after `make demo`)")

    lines = read_lines(args.events, args.lines)
    nbytes = sum(len(line) + 1 for _, _, line in lines)
    print(f"{len(lines):,} lines from {args.events}, {nbytes / 1e6:.1f} MB, batches of {args.batch}")
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch)
        out.mkdir(parents=True, exist_ok=True)
        bench_file(out / "events.jsonl", lines, nbytes)
        db = out / "bench-store.db"
        for synchronous in ("FULL", "NORMAL"):
            for suffix in ("", "-wal", "-shm"):
                db.with_name(db.name + suffix).unlink(missing_ok=True)
            with SQLiteStore(db, synchronous=synchronous) as store:
                bench_store(f"SQLite (WAL, synchronous={synchronous})", store, lines, args.batch, nbytes)
            print(f"{'':<42} store file {db.stat().st_size / 1e6:.1f} MB")
        if not args.no_postgres:
            with postgres_database(args.postgres) as url, open_store(url) as store:
                bench_store("PostgreSQL (COPY)", store, lines, args.batch, nbytes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
