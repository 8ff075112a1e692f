"""Recording a backtest into the run store (docs/store.md): its manifest, its events at the chosen level, its status
and the figures the runs table shows.

Opt-in: a run config's ``store.url`` or ``$QTRADER_STORE`` names the store; with neither, ``open_stored_run``
returns None and the engine does nothing more per event. The level rule (``is_fact``) lives here only.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable

from qtrader.contracts.base import ContractModel
from qtrader.contracts.generated.models.common.types_v1 import StateReason
from qtrader.engine.config import RunConfig, remote_service
from qtrader.engine.services import SERVICES
from qtrader.errors import ConfigError
from qtrader.store import STORE_ENV, RunStatus, RunStore, StoreRecorder, open_store
from qtrader.store.manifest import RECORDING, build_manifest, contract_versions, environment, fingerprint_file

if TYPE_CHECKING:
    from qtrader.services.data import DataService

#: Every event is stored (the run exports as its events.jsonl).
FULL = "full"
#: Every event but price bars and mark-to-market portfolio states (what the data and a replay give back).
FACTS = "facts"


def is_fact(event: ContractModel) -> bool:
    """Whether a ``facts``-level run keeps this event: not a price bar, not a bar's mark-to-market state."""
    fields = event.__dict__
    event_type = fields["event_type"]
    if event_type == "PriceBar":
        return False
    return not (event_type == "PortfolioState" and fields["reason"] == StateReason.MARK_TO_MARKET)


def store_url(config: RunConfig, raw_config: dict[str, Any]) -> str | None:
    """The store a run goes to: its config's ``store.url``, else ``$QTRADER_STORE``, else none (a ``store``
    section that names no store, with the variable unset, is a ConfigError rather than a run silently not stored)."""
    url = config.store.url or os.environ.get(STORE_ENV) or None
    if url is None and "store" in raw_config:
        raise ConfigError(f"store: no url and ${STORE_ENV} is unset: name the store, e.g. "
                          "store: {url: sqlite:///runs/qtrader.db} (docs/store.md)")
    return url


def run_manifest(config: RunConfig, raw_config: dict[str, Any], data: DataService) -> dict[str, Any]:
    """The manifest of this run: config, data file fingerprints, contracts, environment, where each service ran."""
    files = [fingerprint_file(data._path(source.path)) for source in data.config.sources]
    services = {}
    for entry in SERVICES:
        remote = remote_service(config, entry.name)
        services[entry.name] = None if remote is None else remote.address
    return build_manifest(raw_config, data_files=files, contracts=contract_versions(), env=environment(),
                          services=services)


class StoredRun:
    """One run in a store: an observer for the bus (events at the run's level), then one of the three endings."""

    def __init__(self, store: RunStore, run_id: int, level: str) -> None:
        self.store = store
        self.run_id = run_id
        self.level = level
        self.recorder = StoreRecorder(store, run_id)
        self.final_equity: Decimal | None = None
        self.observe: Callable[[ContractModel], None] = self._all if level == FULL else self._facts

    def _keep_equity(self, event: ContractModel) -> None:
        if event.__dict__["event_type"] == "PortfolioState":
            self.final_equity = event.__dict__["equity"]

    def _all(self, event: ContractModel) -> None:
        self._keep_equity(event)
        self.recorder(event)

    def _facts(self, event: ContractModel) -> None:
        self._keep_equity(event)
        if is_fact(event):
            self.recorder(event)

    def completed(self, bars: int, metrics: dict[str, Any]) -> None:
        self.recorder.close()
        total = metrics.get("total_return")
        self.store.set_summary(self.run_id, bars=bars, final_equity=self.final_equity,
                               total_return=None if total is None else Decimal(str(total)))
        self.store.set_status(self.run_id, RunStatus.COMPLETED)
        self.store.close()

    def ended(self, error: BaseException, bars: int) -> None:
        """The run stopped early: ``interrupted`` for Ctrl-C, else ``failed`` with the error; what was recorded
        stays (the queued batch is stored first, when the store still takes it)."""
        try:
            self.recorder.close()
            self.store.set_summary(self.run_id, bars=bars, final_equity=self.final_equity)
        finally:
            if isinstance(error, KeyboardInterrupt):
                self.store.set_status(self.run_id, RunStatus.INTERRUPTED, error="interrupted (Ctrl-C)")
            else:
                self.store.set_status(self.run_id, RunStatus.FAILED, error=f"{type(error).__name__}: {error}")
            self.store.close()


def open_stored_run(config: RunConfig, raw_config: dict[str, Any], data: DataService) -> StoredRun | None:
    """A new run in the configured store (status running), or None when no store is configured."""
    url = store_url(config, raw_config)
    if url is None:
        return None
    level = config.store.level
    manifest = {**run_manifest(config, raw_config, data), RECORDING: {"level": level}}
    store = open_store(url)
    try:
        info = store.create_run(config.run.name, manifest)
    except BaseException:
        store.close()
        raise
    return StoredRun(store, info.id, level)


__all__ = ["FACTS", "FULL", "StoredRun", "is_fact", "open_stored_run", "run_manifest", "store_url"]
