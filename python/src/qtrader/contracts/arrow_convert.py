"""Events <-> Arrow tables and Parquet files, driven by the generated Arrow schemas (no per-event code).

One table holds one event type (its schema is that event's generated Arrow schema). Decimals travel as
decimal128 with the schema's fixed scale, so they come back equal by value with trailing zeros removed.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from qtrader.contracts.base import ContractModel
from qtrader.contracts.generated.arrow_schemas import SCHEMAS
from qtrader.contracts.scalars import timestamp_to_str
from qtrader.contracts.validation import parse_event
from qtrader.errors import ContractError
from qtrader.libraries.numbers import plain


def _to_arrow_value(value: Any) -> Any:
    if isinstance(value, ContractModel):
        return {k: _to_arrow_value(v) for k, v in value.__dict__.items()}
    if isinstance(value, list):
        return [_to_arrow_value(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _from_arrow_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _from_arrow_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_from_arrow_value(v) for v in value]
    if isinstance(value, Decimal):
        return _strip_zeros(value)
    return value


def _strip_zeros(value: Decimal) -> Decimal:
    """Remove trailing fraction zeros without switching to exponent notation (100.000 -> 100, not 1E+2)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def events_to_table(events: Sequence[ContractModel]) -> pa.Table:
    """Events of one type to an Arrow table with that type's generated schema."""
    if not events:
        raise ContractError("events_to_table needs at least one event (the event type picks the schema)")
    event_type = events[0].event_type
    mixed = {e.event_type for e in events} - {event_type}
    if mixed:
        raise ContractError(f"events_to_table takes one event type; got {event_type} and {sorted(mixed)}")
    rows = [_to_arrow_value(event) for event in events]
    return pa.Table.from_pylist(rows, schema=SCHEMAS[event_type])


def table_to_events(table: pa.Table) -> list[ContractModel]:
    """An Arrow table back to validated events (ContractError names the row and field)."""
    events = []
    for row_number, row in enumerate(table.to_pylist()):
        events.append(parse_event(_json_ready(_from_arrow_value(row)), where=f"row {row_number}"))
    return events


def _json_ready(value: Any) -> Any:
    """Python values -> the contract's JSON scalars, so validation runs exactly as for a JSON event."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, datetime):
        return timestamp_to_str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_parquet(events: Sequence[ContractModel], path: Path) -> None:
    pq.write_table(events_to_table(events), path)


def read_parquet(path: Path) -> list[ContractModel]:
    return table_to_events(pq.read_table(path))


def group_by_type(events: Iterable[ContractModel]) -> dict[str, list[ContractModel]]:
    """Split a mixed event stream into one list per event type, order kept within each type."""
    groups: dict[str, list[ContractModel]] = {}
    for event in events:
        groups.setdefault(event.event_type, []).append(event)
    return groups
