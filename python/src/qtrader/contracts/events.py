"""Event helpers shared by every service: the event log's JSON form and fast trusted construction."""

from __future__ import annotations

from typing import Any, TypeVar

from qtrader.contracts.base import ContractModel
from qtrader.contracts.jsonl import dumps

E = TypeVar("E", bound=ContractModel)


def build(cls: type[E], **fields: Any) -> E:
    """Construct a trusted internal event without validation (the hot path).

    Only code that produced every field itself (decimals as Decimal, timestamps as aware UTC datetimes, enums as
    the generated enums) may use it; anything from outside goes through ``validation.parse_event``.
    """
    return cls.trusted(**fields)


def to_json_line(event: ContractModel) -> str:
    """One line of the event log: the contract's JSON, no nulls, fields in schema order."""
    return dumps(event).decode()
