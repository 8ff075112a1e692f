"""A PostgreSQL server that is down, or goes away mid-run: a clear StoreError, and nothing committed is lost.

The test stops and starts a server of its own (tools/postgres.sh in a folder of this module).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator

import pytest

from qtrader.errors import StoreError
from qtrader.store import EventBuffer, RunStatus, open_store

from .helpers import make_rows


@pytest.fixture
def own_server(postgres_url: str, postgres_control: Callable[[str, str], str]) -> Iterator[tuple[str, Callable[[str], str]]]:
    """(URL, control) of a server only this test uses, so it can be stopped (``postgres_url`` first: skip where
    none can start)."""
    folder = os.path.join(tempfile.gettempdir(), f"qtrader-pgtest-halt-{os.getpid()}")
    try:
        url = postgres_control("start", folder)
    except (RuntimeError, OSError) as exc:
        pytest.skip(f"a second PostgreSQL server could not be started: {exc}")
    try:
        yield url, lambda command: postgres_control(command, folder)
    finally:
        postgres_control("stop", folder)


def test_a_server_that_goes_away_mid_run_loses_nothing_committed(
        own_server: tuple[str, Callable[[str], str]]) -> None:
    url, control = own_server
    with open_store(url) as store:
        run = store.create_run("mid-run", {})
        buffer = EventBuffer(store, run.id, batch_size=500)
        for row in make_rows(1, 1499):
            buffer.add(row.event_type, row.event_id, row.line)
        control("halt")  # as a crash would: no clean shutdown
        try:
            with pytest.raises(StoreError, match="went away while trying to append events 1001..1500 .* everything "
                                                 "committed before it is kept"):
                buffer.add(*make_rows(1500, 1)[0][1:])
            with pytest.raises(StoreError, match="cannot connect to the PostgreSQL store postgresql://postgres@127"):
                open_store(url)
        finally:
            assert control("start") == url
        buffer.flush()  # the same batch again, on a new connection
        store.set_status(run.id, RunStatus.COMPLETED)
    with open_store(url) as store:
        assert store.get_run(run.id).status is RunStatus.COMPLETED
        assert list(store.iter_events(run.id)) == make_rows(1, 1500)
