"""The run manifest: what a run was made from, so a later replay, diff or resume can check it has the same inputs.

Built from the raw config, the data files, the contracts and the environment. ``build_manifest`` is pure (it takes
what the other functions gathered); ``fingerprint_file`` and ``environment`` are the only ones that read the disk
or ask git. Wall-clock times are not here (they are columns of the run's row), so two runs of the same config on
the same data and code have the same manifest apart from where their services ran.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

import orjson

from qtrader import __version__
from qtrader.contracts.generated.event_index import EVENTS, SCHEMA_FILES
from qtrader.libraries.numbers import plain

#: Bumped when the manifest's shape changes.
MANIFEST_VERSION = 1
_CHUNK = 1 << 20
#: The key the engine adds to a stored run's manifest: ``{"level": "facts" | "full"}``, how much of it was stored.
RECORDING = "recording"


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as canonical JSON")


def canonical_json(value: Any) -> bytes:
    """Compact JSON with sorted keys (decimals as plain text, dates in ISO 8601): one spelling per value."""
    return orjson.dumps(value, default=_default, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprint_file(path: Path) -> dict[str, Any]:
    """A data file as the manifest keeps it: path, size in bytes and SHA-256 of the content."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(_CHUNK), b""):
            digest.update(chunk)
    return {"path": str(path), "size": path.stat().st_size, "sha256": digest.hexdigest()}


def contract_versions() -> dict[str, Any]:
    """Each event type's schema version (from the generated schema index) and one digest of every schema file."""
    schemas = Path(__file__).resolve().parents[1] / "contracts" / "generated" / "schemas"
    digest = hashlib.sha256()
    for name in SCHEMA_FILES:
        digest.update(name.encode() + b"\0" + (schemas / name).read_bytes() + b"\0")
    events = {event_type: int(schema_file.rsplit(".v", 1)[1].split(".")[0])
              for event_type, (_, schema_file, _) in sorted(EVENTS.items())}
    return {"events": events, "schemas_sha256": digest.hexdigest()}


def git_commit(directory: Path) -> dict[str, Any] | None:
    """The checked-out commit of the git work tree holding ``directory`` and whether it has changes, or None."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(directory), *args], capture_output=True, text=True, timeout=10,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return None
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status)}


def environment(source_dir: Path | None = None) -> dict[str, Any]:
    """QTrader's version and git commit (of the source tree it runs from, when it is one), Python and platform."""
    return {
        "qtrader": __version__,
        "git": git_commit(source_dir or Path(__file__).resolve().parent),
        "python": {"version": platform.python_version(), "implementation": platform.python_implementation(),
                   "executable": sys.executable},
        "platform": {"system": platform.system(), "release": platform.release(), "machine": platform.machine(),
                     "platform": platform.platform()},
    }


def service_placement(services: Mapping[str, str | None]) -> dict[str, dict[str, str]]:
    """Per service: ``{"where": "local"}`` or ``{"where": "remote", "address": ...}`` (the engine knows which)."""
    return {name: {"where": "local"} if address is None else {"where": "remote", "address": address}
            for name, address in sorted(services.items())}


def build_manifest(config: Mapping[str, Any], *, data_files: Sequence[Mapping[str, Any]],
                   contracts: Mapping[str, Any], env: Mapping[str, Any],
                   services: Mapping[str, str | None]) -> dict[str, Any]:
    """The manifest of one run (pure): the canonical config and its digest, the data, contracts, code, services.

    ``config`` is the raw run config as loaded from YAML; ``data_files`` are ``fingerprint_file`` results;
    ``contracts`` is ``contract_versions()``, ``env`` is ``environment()``; ``services`` maps each service to
    its remote address, or None where it runs in-process.
    """
    canonical = canonical_json(config)
    return {
        "manifest_version": MANIFEST_VERSION,
        "config": orjson.loads(canonical),
        "config_sha256": sha256_hex(canonical),
        "data_files": [dict(entry) for entry in data_files],
        "contracts": dict(contracts),
        "qtrader": env.get("qtrader"),
        "git": env.get("git"),
        "python": env.get("python"),
        "platform": env.get("platform"),
        "services": service_placement(services),
    }
