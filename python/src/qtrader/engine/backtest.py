"""BacktestEngine: assemble the services from one run config, replay the data through the bus, write the run folder.

Subscription order (and so delivery order for a bar, depth-first): execution (fills orders decided on earlier
bars at this bar's prices), portfolio (marks to this bar), manager (updates prices and volatility), strategy
(decides on this bar; its orders can only fill from the next bar). Reporting and the event log observe every
event as it is published.
"""

from __future__ import annotations

import gc
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from qtrader.contracts.base import ContractModel
from qtrader.contracts.ids import run_id as make_run_id
from qtrader.engine.bus import EventBus
from qtrader.engine.config import RunConfig, load_run_config
from qtrader.engine.recorder import EventRecorder
from qtrader.engine.run_folder import RunFolder, disk_full_error, is_disk_full
from qtrader.services.base import Service
from qtrader.services.data import DataService
from qtrader.services.data.service import DataStats

SERVICE_ORDER = ("execution", "portfolio", "manager", "strategy")
#: How many data events a data-only remote service receives in one frame.
PREFETCH_EVENTS = 1024


@dataclass
class RunResult:
    run_dir: Path
    metrics: dict[str, Any]
    data: DataStats
    events: int
    final_state: Any
    signals_suppressed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _local_service(name: str, config: RunConfig, base_dir: Path, run_id: str) -> Service:
    """The in-process implementation of a service, built from its config section."""
    if name == "execution":
        from qtrader.services.execution import ExecutionService

        return ExecutionService(config.execution, run_id=run_id)
    if name == "portfolio":
        from qtrader.services.portfolio import PortfolioService

        return PortfolioService(config.portfolio, run_id=run_id)
    if name == "manager":
        from qtrader.services.manager import ManagerService

        return ManagerService(service_config("manager", config, base_dir), run_id=run_id)
    from qtrader.services.strategy import StrategyService

    return StrategyService(service_config("strategy", config, base_dir), run_id=run_id)


def service_config(name: str, config: RunConfig, base_dir: Path) -> dict[str, Any]:
    """The config a service receives (locally, or in a remote service's Reset)."""
    if name == "strategy":
        strategy = {"strategies": config.strategies, "warmup_bars": config.data.get("warmup_bars", 0),
                    "base_dir": str(base_dir)}
        start = config.data.get("start")
        if start is not None:  # bars before the start are the warm-up (as many as the data has, up to warmup_bars)
            strategy["trade_from"] = f"{start}T00:00:00Z"
        return strategy
    if name == "manager":
        return {"base_dir": str(base_dir), **config.manager}
    return dict(getattr(config, name))


class BacktestEngine:
    def __init__(self, config: RunConfig, raw_config: dict[str, Any], *, base_dir: Path,
                 output_dir: Path | None = None) -> None:
        self.config = config
        self.raw_config = raw_config
        self.base_dir = base_dir
        self.run_id = make_run_id(config.run.name)
        default_dir = Path(config.run.output_dir) if config.run.output_dir else Path("runs") / config.run.name
        self.run_dir = output_dir or (default_dir if default_dir.is_absolute() else Path.cwd() / default_dir)
        self.data = DataService(config.data, base_dir=base_dir, run_id=self.run_id)
        self.services: dict[str, Service] = {}
        for name in SERVICE_ORDER:
            self.services[name] = self._build(name)
        from qtrader.services.reporting import ReportingService

        self.reporting = ReportingService(config.reporting, base_dir=base_dir)
        self.bus = EventBus()

    @classmethod
    def from_yaml(cls, path: Path, output_dir: Path | None = None) -> "BacktestEngine":
        config, raw = load_run_config(path)
        return cls(config, raw, base_dir=path.resolve().parent, output_dir=output_dir)

    def _build(self, name: str) -> Service:
        remote = self.config.services.get(name)
        if remote is None:
            return _local_service(name, self.config, self.base_dir, self.run_id)
        from qtrader.engine.remote import RemoteServiceProxy

        return RemoteServiceProxy(name, remote, service_config(name, self.config, self.base_dir), self.run_id,
                                  base_dir=self.base_dir)

    def run(self, progress: Callable[[int], None] | None = None) -> RunResult:
        """Replay the data; ``progress`` (if given) is called with the number of bars done, every 1000 bars.

        The run is written beside the run folder and replaces it only once complete (engine/run_folder.py)."""
        self.folder = RunFolder(self.run_dir, self.run_id, self.config.run.name)
        try:
            with self.folder.writing() as work:
                result = self._run_into(work, progress)
        except OSError as exc:
            if is_disk_full(exc):
                raise disk_full_error(exc, self.run_dir) from None
            raise
        result.run_dir = self.run_dir
        return result

    def _run_into(self, run_dir: Path, progress: Callable[[int], None] | None) -> RunResult:
        (run_dir / "config.yaml").write_text(yaml.safe_dump(self.raw_config, sort_keys=False), encoding="utf-8")
        bus = self.bus
        for name in SERVICE_ORDER:
            service = self.services[name]
            for event_type in service.consumes:
                handler = getattr(service, "handler", None)
                bus.subscribe(event_type, handler(event_type) if handler else service.handle)
        if self.config.run.report:  # else nothing reads the curve, the trades or the counts it would gather
            self.reporting.attach(bus)
        recorder = EventRecorder(run_dir / "events.jsonl") if self.config.run.event_log else None
        if recorder:
            bus.observe(recorder)
        bars = 0
        batching = [s for s in self.services.values() if getattr(s, "batchable", False)]
        # Events hold no reference cycles; collecting the young generation every 700 allocations (the default)
        # costs about a tenth of a run's time for nothing. Restored after the run.
        thresholds = gc.get_threshold()
        gc.set_threshold(50_000, 20, 100)
        try:
            publish = bus.publish
            # the data stream itself in the usual case (no extra generator level per event)
            for event in self._prefetched(batching) if batching else self.data.events():
                publish(event)
                bars += 1
                if progress is not None and bars % 1000 == 0:
                    progress(bars)
        finally:
            gc.set_threshold(*thresholds)
            if recorder:
                recorder.close()
            for service in self.services.values():
                close = getattr(service, "close", None)
                if close:
                    close()
        if progress is not None:
            progress(bars)
        metrics = self.reporting.finish(run_dir, self.raw_config) if self.config.run.report else {}
        portfolio = self.services["portfolio"]
        strategy = self.services["strategy"]
        return RunResult(
            run_dir=run_dir, metrics=metrics, data=self.data.stats, events=bus.published,
            final_state=getattr(portfolio, "get_state", lambda: None)(),
            signals_suppressed=getattr(strategy, "signals_suppressed", 0),
        )

    def _prefetched(self, batching: list) -> Iterator[ContractModel]:
        """The data events, each chunk of them first sent ahead to the remote services that can take it.

        A service that consumes only data events sees nothing but the data stream, which is known in advance, so
        sending it the next chunk of that stream in one frame gives exactly the outputs it would give one event at
        a time; the bus still delivers them in the usual order.
        """
        events = self.data.events()
        while True:
            chunk = list(itertools.islice(events, PREFETCH_EVENTS))
            if not chunk:
                return
            for service in batching:
                service.prefetch(chunk)
            yield from chunk


def count_rows(engine: BacktestEngine) -> int | None:
    """An estimate of the bars to come, for the progress bar (CSV lines or Parquet/Arrow row counts)."""
    total = 0
    try:
        import pyarrow.feather as feather
        import pyarrow.parquet as pq

        from qtrader.services.data.rows import detect_format

        for source in engine.data.config.sources:
            path = engine.data._path(source.path)
            fmt = detect_format(path, source.format)
            if fmt == "csv":
                with path.open("rb") as handle:
                    total += max(sum(1 for _ in handle) - 1, 0)
            elif fmt == "parquet":
                total += pq.ParquetFile(path).metadata.num_rows
            else:
                total += feather.read_table(path, columns=[]).num_rows
    except Exception:  # an estimate only: the run itself reports real errors
        return None
    return total
