"""Shared test fixtures: where the repository's files are, and a throwaway PostgreSQL server for the store tests."""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES_DATA = REPO / "python" / "examples" / "data"
POSTGRES_SCRIPT = REPO / "tools" / "postgres.sh"
#: A PostgreSQL server the tests may use (it must let them create databases); `make test` starts one and sets it.
POSTGRES_ENV = "QTRADER_TEST_POSTGRES"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def postgres_script(command: str, folder: str) -> str:
    """Run tools/postgres.sh with its server in ``folder``; returns what it printed (the URL for start)."""
    env = {**os.environ, "QTRADER_PG_DIR": folder, "QTRADER_PG_OPTIONS": "-c fsync=off"}  # survives a crash, not a power cut
    done = subprocess.run([str(POSTGRES_SCRIPT), command], env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError((done.stderr or done.stdout).strip() or f"tools/postgres.sh {command} failed")
    return done.stdout.strip()


@pytest.fixture(scope="session")
def postgres_control() -> Callable[[str, str], str]:
    """``postgres_control(command, folder)``: tools/postgres.sh for a test that starts and stops its own server."""
    return postgres_script


def with_database(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server: $QTRADER_TEST_POSTGRES, or one started by tools/postgres.sh for this test session."""
    given = os.environ.get(POSTGRES_ENV)
    if given:
        yield given
        return
    folder = os.path.join(tempfile.gettempdir(), f"qtrader-pgtest-{os.getpid()}")
    try:
        url = postgres_script("start", folder)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"PostgreSQL tests skipped: tools/postgres.sh could not start a server ({exc}); "
                    f"set {POSTGRES_ENV}=postgresql://... to use another one")
    try:
        yield url
    finally:
        postgres_script("stop", folder)


@pytest.fixture(scope="module")
def postgres_database(postgres_url: str) -> Iterator[str]:
    """A throwaway database for one test module, dropped after it."""
    psycopg = pytest.importorskip("psycopg")
    name = f"qtrader_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(postgres_url, name)
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
