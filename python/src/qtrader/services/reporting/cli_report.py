"""``qtrader report RUN_DIR``: rebuild a run folder's report and exports from its event log.

The run folder holds ``events.jsonl`` (one JSON event per line, in publish order) and ``config.yaml`` (the run
config as given). Each line is validated against its contract and fed to a fresh ReportingService, exactly as
the bus fed the original one, so the regenerated files equal the ones the run wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from qtrader.contracts.validation import parse_event
from qtrader.errors import ConfigError, DataError
from qtrader.safe_yaml import load_yaml_file
from qtrader.services.reporting.config import SECTION
from qtrader.services.reporting.service import ReportingService

EVENTS_FILE = "events.jsonl"
CONFIG_FILE = "config.yaml"


def read_run_config(run_dir: Path) -> dict[str, Any]:
    """The run's config.yaml as a dict ({} when the folder has none)."""
    path = run_dir / CONFIG_FILE
    if not path.is_file():
        return {}
    loaded = load_yaml_file(path)
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"{path}: a run config must be a mapping, got {type(loaded).__name__}")
    return loaded


def report_run_dir(run_dir: Path, *, base_dir: Path | None = None) -> Path:
    """Re-read RUN_DIR/events.jsonl line by line, rebuild exports and report.html; return the report's path.

    The HTML report is written even if the run config said ``reporting.html: false`` (that is what was asked
    for). A relative benchmark path is resolved against ``base_dir`` (default: the current directory).
    """
    run_dir = Path(run_dir)
    events = run_dir / EVENTS_FILE
    if not events.is_file():
        raise DataError(f"{run_dir}: no {EVENTS_FILE} here; pass the folder of a qtrader run")
    run_config = read_run_config(run_dir)
    section = run_config.get(SECTION) or {}
    if not isinstance(section, dict):
        raise ConfigError(f"{run_dir / CONFIG_FILE}: section {SECTION!r} must be a mapping")
    service = ReportingService({**section, "html": True}, base_dir=base_dir or Path("."))
    with events.open("rb") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{events}:{line_no}"
            try:
                instance = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise DataError(f"{where}: not a JSON event: {exc}") from None
            service.observe(parse_event(instance, where))
    service.finish(run_dir, run_config)
    return run_dir / "report.html"
