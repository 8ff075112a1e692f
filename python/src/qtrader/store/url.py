"""Which store a run goes to: a URL (``sqlite:///PATH`` or ``postgresql://...``), ``$QTRADER_STORE``, or the default.

The default is the SQLite file ``runs/qtrader.db`` under the current directory, beside the run folders
(``runs/<name>``) that ``qtrader run`` writes there; every run made from that directory shares it.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl

from qtrader.errors import StoreError
from qtrader.store.api import RunStore

#: The environment variable that names the default store.
STORE_ENV = "QTRADER_STORE"
#: The default store, relative to the current directory.
DEFAULT_PATH = Path("runs") / "qtrader.db"
_FORMS = "sqlite:///relative/path.db, sqlite:////absolute/path.db or postgresql://user@host:port/database"


def default_store_url() -> str:
    """``$QTRADER_STORE`` when set, else the SQLite file runs/qtrader.db under the current directory."""
    return os.environ.get(STORE_ENV) or f"sqlite:///{DEFAULT_PATH}"


def sqlite_path(url: str) -> tuple[Path, dict[str, str]]:
    """The file of a ``sqlite:///`` URL (three slashes before a relative path, four before an absolute one) and its
    options (``?synchronous=normal``: a commit is not synced, so a power cut may lose the last ones)."""
    rest, _, query = url[len("sqlite://"):].partition("?")
    if not rest.startswith("/") or len(rest) < 2:
        raise StoreError(f"store URL {url!r} names no file: use {_FORMS}")
    options = dict(parse_qsl(query, keep_blank_values=True))
    unknown = sorted(set(options) - {"synchronous"})
    if unknown:
        raise StoreError(f"store URL {url!r}: unknown option {unknown[0]!r} (a sqlite:/// URL takes synchronous=full|normal)")
    return Path(rest[1:]), options


def open_store(url: str | None = None) -> RunStore:
    """Open (creating or upgrading as needed) the store a URL names; None means ``default_store_url()``."""
    url = url or default_store_url()
    scheme = url.partition("://")[0].lower()
    if scheme == "sqlite":
        from qtrader.store.sqlite import SQLiteStore

        path, options = sqlite_path(url)
        return SQLiteStore(path, synchronous=options.get("synchronous", "full").upper())
    if scheme in ("postgresql", "postgres"):
        from qtrader.store.postgres import PostgresStore

        return PostgresStore(url)
    raise StoreError(f"unknown store URL {url!r}: use {_FORMS}")
