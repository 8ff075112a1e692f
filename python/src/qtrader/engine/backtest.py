"""BacktestEngine: assemble the services from one run config, replay the data through the bus, write the run folder.

The services, their bus order and how each is configured come from the registry (``qtrader.engine.services``);
each is built in-process or, when the run config names an address for it, as a remote proxy. Reporting and the
event log observe every event as it is published.
"""

from __future__ import annotations

import gc
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

import yaml

from qtrader.contracts.base import ContractModel
from qtrader.contracts.ids import run_id as make_run_id
from qtrader.engine.bus import EventBus
from qtrader.engine.config import RunConfig, load_run_config, remote_service
from qtrader.engine.recorder import EventRecorder
from qtrader.engine.run_folder import RunFolder, disk_full_error, is_disk_full
from qtrader.engine.services import SERVICES, ServiceEntry
from qtrader.engine.store_run import open_stored_run
from qtrader.services.base import BusService
from qtrader.services.data import DataService
from qtrader.services.data.service import DataStats

if TYPE_CHECKING:
    from qtrader.engine.remote import RemoteServiceProxy

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
        self.remotes: list[RemoteServiceProxy] = []
        self.services: dict[str, BusService] = {entry.name: self._build(entry) for entry in SERVICES}  # bus order
        from qtrader.services.reporting import ReportingService

        self.reporting = ReportingService(config.reporting, base_dir=base_dir)
        self.bus = EventBus()
        #: The run's id in the run store, once stored (None: no store configured).
        self.stored_run_id: int | None = None

    @classmethod
    def from_yaml(cls, path: Path, output_dir: Path | None = None,
                  overrides: Iterable[tuple[str, Any]] = ()) -> "BacktestEngine":
        config, raw = load_run_config(path, overrides)
        return cls(config, raw, base_dir=path.resolve().parent, output_dir=output_dir)

    def _build(self, entry: ServiceEntry) -> BusService:
        remote = remote_service(self.config, entry.name)
        if remote is None:
            return entry.build(self.config, self.base_dir, self.run_id)
        from qtrader.engine.remote import RemoteServiceProxy

        proxy = RemoteServiceProxy(entry.name, remote, entry.config(self.config, self.base_dir), self.run_id,
                                   base_dir=self.base_dir)
        self.remotes.append(proxy)
        return proxy

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
        for service in self.services.values():
            for event_type in service.consumes:
                bus.subscribe(event_type, service.handler(event_type))
        if self.config.run.report:  # else nothing reads the curve, the trades or the counts it would gather
            self.reporting.attach(bus)
        recorder = EventRecorder(run_dir / "events.jsonl") if self.config.run.event_log else None
        if recorder:
            bus.observe(recorder)
        stored = open_stored_run(self.config, self.raw_config, self.data)  # None: no store configured
        if stored is not None:
            bus.observe(stored.observe)
        bars = 0
        batching = [proxy for proxy in self.remotes if proxy.batchable]
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
        except BaseException as error:
            if stored is not None:
                stored.ended(error, self.data.stats.bars_published)
            raise
        finally:
            gc.set_threshold(*thresholds)
            if recorder:
                recorder.close()
            for service in self.services.values():
                service.close()
        if progress is not None:
            progress(bars)
        try:
            metrics = self.reporting.finish(run_dir, self.raw_config) if self.config.run.report else {}
        except BaseException as error:
            if stored is not None:
                stored.ended(error, self.data.stats.bars_published)
            raise
        if stored is not None:
            stored.completed(self.data.stats.bars_published, metrics)
            self.stored_run_id = stored.run_id
        from qtrader.services.portfolio import PortfolioService
        from qtrader.services.strategy import StrategyService

        portfolio = self.services["portfolio"]
        strategy = self.services["strategy"]
        return RunResult(  # what only an in-process portfolio or strategy service can tell
            run_dir=run_dir, metrics=metrics, data=self.data.stats, events=bus.published,
            final_state=portfolio.get_state() if isinstance(portfolio, PortfolioService) else None,
            signals_suppressed=strategy.signals_suppressed if isinstance(strategy, StrategyService) else 0,
        )

    def _prefetched(self, batching: list[RemoteServiceProxy]) -> Iterator[ContractModel]:
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
