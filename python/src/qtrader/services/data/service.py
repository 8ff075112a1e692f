"""DataService: every source's bars and the corporate actions, merged into one time-ordered event stream.

Order: by timestamp; at one instant, corporate actions first (sorted by symbol), then bars in the order the
sources are listed in the config (stable and documented, so ties never depend on file reading order).

The data service is driven by the engine (it is the source of the stream, not a bus subscriber).
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from itertools import repeat, tee
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable, Iterator

from qtrader.contracts.base import ContractModel, adopt, all_fields
from qtrader.contracts.generated.config_models import DataConfig, SourceConfig
from qtrader.contracts.generated.models.common.types_v1 import CorporateActionType
from qtrader.contracts.generated.models.data.corporate_action_v1 import CorporateAction
from qtrader.contracts.generated.models.data.price_bar_v1 import PriceBar
from qtrader.contracts.ids import UUID, uuid5_of
from qtrader.errors import DataError
from qtrader.services.base import DEFAULT_RUN_ID, parse_config
from qtrader.services.data.corporate_actions import read_actions
from qtrader.services.data.rows import BadRow, BarTuple, GoodRows, detect_format, iter_rows

NAME = "data"


@dataclass
class DataStats:
    """What the run summary reports: rows read and rows skipped, by kind and by file."""

    rows_read: int = 0
    bars_published: int = 0
    actions_published: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    skipped_rows: list[str] = field(default_factory=list)

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone.utc)


class DataService:
    def __init__(self, config: dict[str, Any], *, base_dir: Path = Path("."), run_id: str = DEFAULT_RUN_ID) -> None:
        self.config = parse_config(DataConfig, config, "data")
        self.base_dir = base_dir
        self.run_id = run_id
        self.stats = DataStats()
        self._sequence = 0
        symbols = [s.symbol for s in self.config.sources]
        duplicates = sorted({s for s in symbols if symbols.count(s) > 1})
        if duplicates:
            raise DataError(f"data.sources: symbol(s) {duplicates} listed twice")
        for source in self.config.sources:
            path = self._path(source.path)
            if not path.exists():
                raise DataError(f"data.sources[{source.symbol}]: file not found: {path}")
            detect_format(path, source.format)

    @property
    def symbols(self) -> list[str]:
        return [s.symbol for s in self.config.sources]

    def _path(self, path: str) -> Path:
        candidate = Path(path)
        return candidate if candidate.is_absolute() else self.base_dir / candidate

    # -- bars -------------------------------------------------------------------------------------------------

    def _rows(self, source: SourceConfig) -> Iterable[BarTuple]:
        """Good rows of one source, inside [start, end] plus the warm-up rows before start; bad rows raise or
        are skipped and counted."""
        path = self._path(source.path)
        rows = iter_rows(path, detect_format(path, source.format), source.columns, source.timezone)
        if type(rows) is GoodRows and self.config.start is None and self.config.end is None:
            self.stats.rows_read += rows.count  # every row is good and wanted: read and checked as a whole
            return rows
        return self._filtered(rows)

    def _filtered(self, rows: Iterable[BarTuple | BadRow]) -> Iterator[BarTuple]:
        start = _midnight(self.config.start) if self.config.start else None
        end = _midnight(self.config.end) if self.config.end else None
        warmup: list[BarTuple] = []
        read = 0
        try:
            for row in rows:
                read += 1
                if isinstance(row, BadRow):
                    self._bad(row)
                    continue
                if end is not None and row[0] > end:
                    continue
                if start is not None and row[0] < start:
                    if self.config.warmup_bars:
                        warmup.append(row)
                        del warmup[: -self.config.warmup_bars]
                    continue
                if warmup:
                    yield from warmup
                    warmup = []
                yield row
        finally:
            self.stats.rows_read += read

    def _bad(self, row: BadRow) -> None:
        if self.config.on_bad_row == "error":
            raise DataError(f"{row} (set data.on_bad_row: skip to skip and count bad rows)")
        self.stats.skipped[row.kind] += 1
        self.stats.skipped_rows.append(str(row))

    def _bar_stream(self, index: int, source: SourceConfig) -> Iterator[tuple[Any, ...]]:
        """(timestamp, 1, index, row) for each row, made in C (zip over the rows and their first column)."""
        rows, again = tee(self._rows(source))
        return zip(map(itemgetter(0), rows), repeat(1), repeat(index), again)

    def _action_stream(self) -> Iterator[tuple[Any, ...]]:
        actions = []
        for source in self.config.corporate_actions:
            actions.extend(read_actions(self._path(source.path), source.format))
        actions.sort(key=lambda a: (a.fields["ex_date"], a.fields["symbol"], a.fields["action_type"]))
        for i, action in enumerate(actions):
            yield (_midnight(action.fields["ex_date"]), 0, i, action)

    def events(self) -> Iterator[ContractModel]:
        """The merged stream: PriceBar and CorporateAction events in time order.

        Every source's items and the actions merge by (timestamp, actions before bars, source order). The merge
        compares the stream items themselves, no key function: items of two streams always differ by kind or
        source index before the row is reached. One source without actions needs no merge (nor the timestamps
        the merge orders by).
        """
        sources = self.config.sources
        templates = [self._bar_template(source) for source in sources]
        if len(sources) == 1 and not self.config.corporate_actions:
            return self._events(zip(repeat(None), repeat(1), repeat(0), self._rows(sources[0])), templates)
        streams = [self._bar_stream(i, s) for i, s in enumerate(sources)]
        if self.config.corporate_actions:
            streams.append(self._action_stream())
        return self._events(heapq.merge(*streams), templates)

    def _events(self, items: Iterator[tuple[Any, ...]], templates: list[dict[str, Any]]) -> Iterator[ContractModel]:
        """The events of the stream items; the n-th event's id is uuid5(run_id, "data/n"). It runs once per bar,
        so it is kept lean: a local count, the source's template copied and filled in."""
        cls, fields_set = PriceBar, all_fields(PriceBar)
        make_id, namespace = uuid5_of, UUID(self.run_id)
        sequence = start = self._sequence
        actions = 0
        try:
            for timestamp, kind, index, item in items:
                sequence += 1
                event_id = str(make_id(namespace, f"data/{sequence}"))
                if kind == 0:
                    actions += 1
                    yield self._action_event(timestamp, item.fields, event_id)
                    continue
                fields = templates[index].copy()
                fields["event_id"] = event_id
                (fields["occurred_at"], fields["open"], fields["high"], fields["low"], fields["close"],
                 fields["volume"]) = item
                yield adopt(cls, fields, fields_set)
            if sequence - start == actions and not self.config.allow_empty:
                raise DataError(self._empty_message())
        finally:
            self._sequence = sequence
            self.stats.actions_published += actions
            self.stats.bars_published += sequence - start - actions

    def _empty_message(self) -> str:
        config = self.config
        window = ""
        if config.start and config.end and config.start > config.end:
            window = f"; data.start {config.start} is after data.end {config.end}"
        elif config.start or config.end:
            window = f" inside data.start {config.start or '-'} .. data.end {config.end or '-'}"
        return (f"no bars{window}: the data ({', '.join(s.path for s in config.sources)}) gave none "
                f"({self.stats.rows_read} rows read, {self.stats.rows_skipped} skipped); set data.allow_empty: true "
                "if an empty run is expected")

    def _bar_template(self, source: SourceConfig) -> dict[str, Any]:
        """A PriceBar's complete field dict with what its source decides filled in."""
        template = PriceBar.defaults()
        template.update(source_service=NAME, correlation_id=self.run_id, symbol=source.symbol,
                        timeframe=source.timeframe, adjusted=source.adjusted)
        if source.currency:
            template["currency"] = source.currency
        return template

    def _action_event(self, timestamp: datetime, fields: dict[str, Any], event_id: str) -> CorporateAction:
        values = dict(fields)
        values["action_type"] = CorporateActionType(values["action_type"])
        action: CorporateAction = CorporateAction.trusted(
            event_id=event_id, occurred_at=timestamp, source_service=NAME, correlation_id=self.run_id,
            **values,
        )
        return action
