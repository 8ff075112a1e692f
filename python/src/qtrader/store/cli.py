"""The store's commands: ``qtrader runs`` (the runs table), ``qtrader runs show RUN``, ``qtrader export RUN``."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from qtrader.errors import StoreError
from qtrader.libraries.numbers import plain
from qtrader.store.api import RunStore
from qtrader.store.export import write_jsonl
from qtrader.store.manifest import RECORDING
from qtrader.store.model import RunInfo
from qtrader.store.url import default_store_url, open_store, sqlite_path


def _existing_store(url: str | None) -> RunStore:
    """Open a store to read it: a SQLite file that does not exist is an error here, not a new empty store."""
    url = url or default_store_url()
    if url.lower().startswith("sqlite:"):
        path = sqlite_path(url)[0]
        if not path.is_file():
            raise StoreError(f"no run store at {path} (store URL {url}): pass --store URL or set $QTRADER_STORE")
    return open_store(url)


def _ref(text: str) -> int | str:
    """A run by id (digits) or by name (its newest run)."""
    return int(text) if text.isdigit() else text


def _time(info: RunInfo) -> str:
    return info.started_at.strftime("%Y-%m-%d %H:%M:%S")


def runs_table(runs: list[RunInfo]) -> Table:
    table = Table(title="Runs")
    table.add_column("id", justify="right")
    table.add_column("name", overflow="fold")
    table.add_column("status")
    table.add_column("start", no_wrap=True)
    for figure in ("bars", "final equity", "total return"):
        table.add_column(figure, justify="right", no_wrap=True)
    for info in runs:
        table.add_row(str(info.id), info.name, info.status.value, _time(info),
                      "" if info.bars is None else f"{info.bars:,}",
                      "" if info.final_equity is None else plain(info.final_equity),
                      "" if info.total_return is None else f"{info.total_return * 100:.2f}%")
    return table


def event_counts(store: RunStore, run_id: int) -> Counter[str]:
    return Counter(event.event_type for event in store.iter_events(run_id))


def recorded_level(info: RunInfo) -> str | None:
    recording = (info.manifest or {}).get(RECORDING)
    return recording.get("level") if isinstance(recording, dict) else None


def _runs(args: argparse.Namespace) -> int:
    out = Console()
    with _existing_store(args.store) as store:
        if args.action is None:
            out.print(runs_table(store.list_runs(limit=args.limit)))
            return 0
        if args.action != "show" or not args.run:
            raise StoreError("usage: qtrader runs [--store URL] | qtrader runs show RUN [--store URL]")
        info = store.get_run(_ref(args.run))
        out.print(runs_table([info]))
        if info.error:
            out.print(f"error: {info.error}", markup=False, highlight=False, soft_wrap=True)
        counts = Table(title=f"Events of run {info.id} ({info.events:,} stored, level {recorded_level(info)})")
        counts.add_column("event type")
        counts.add_column("count", justify="right")
        for event_type, count in sorted(event_counts(store, info.id).items()):
            counts.add_row(event_type, f"{count:,}")
        out.print(counts)
        out.print("manifest:")
        out.print_json(json.dumps(info.manifest, sort_keys=True))
    return 0


def _export(args: argparse.Namespace) -> int:
    with _existing_store(args.store) as store:
        info = store.get_run(_ref(args.run))
        level = recorded_level(info)
        if level != "full":
            raise StoreError(f"run {info.id} ({info.name}) was stored at level {level!r}: only a 'full' run has "
                             "every event to export; export by replay (rebuilding the bars and mark-to-market "
                             "states) is not implemented yet")
        if args.format == "parquet":
            from qtrader.store.parquet import write_parquet

            folder = Path(args.out or f"run-{info.id}-events")
            files = write_parquet(store, info.id, folder)
            Console(stderr=True).print(f"{len(files)} Parquet files written to {folder}", markup=False)
            return 0
        if args.out:
            with Path(args.out).open("wb") as file:
                count = write_jsonl(store, info.id, file)
            Console(stderr=True).print(f"{count:,} events written to {args.out}", markup=False)
        else:
            write_jsonl(store, info.id, sys.stdout.buffer)
            sys.stdout.buffer.flush()
    return 0


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    runs = commands.add_parser("runs", help="the runs in a run store (docs/store.md); 'runs show RUN' for one")
    runs.add_argument("action", nargs="?", choices=["show"], help="show one run: manifest, status, event counts")
    runs.add_argument("run", nargs="?", help="the run: its id, or a name (its newest run)")
    runs.add_argument("--store", help="store URL (default: $QTRADER_STORE, else sqlite:///runs/qtrader.db)")
    runs.add_argument("--limit", type=int, default=50, help="at most this many runs, newest first")
    runs.set_defaults(func=_runs)

    export = commands.add_parser("export", help="a stored run's events as events.jsonl or Parquet files")
    export.add_argument("run", help="the run: its id, or a name (its newest run)")
    export.add_argument("--format", choices=["jsonl", "parquet"], default="jsonl")
    export.add_argument("--out", help="jsonl: the file (default: standard output); parquet: the folder")
    export.add_argument("--store", help="store URL (default: $QTRADER_STORE, else sqlite:///runs/qtrader.db)")
    export.set_defaults(func=_export)
