"""The bundled contract schemas and the event index, loaded once."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from qtrader.contracts.base import ContractModel
from qtrader.contracts.generated.event_index import ENVELOPE_FIELDS, EVENTS, SCHEMA_FILES

__all__ = ["ENVELOPE_FIELDS", "EVENTS", "event_class", "event_schema", "all_schemas", "event_types"]


@cache
def all_schemas() -> dict[str, dict[str, Any]]:
    """Every schema file (path relative to contracts/schemas -> parsed JSON)."""
    base = resources.files("qtrader.contracts.generated") / "schemas"
    return {rel: json.loads((base / rel).read_text(encoding="utf-8")) for rel in SCHEMA_FILES}


def event_types() -> tuple[str, ...]:
    return tuple(EVENTS)


def event_class(event_type: str) -> type[ContractModel]:
    try:
        return EVENTS[event_type][0]
    except KeyError:
        raise KeyError(f"unknown event_type {event_type!r}; known: {', '.join(EVENTS)}") from None


def event_schema(event_type: str) -> dict[str, Any]:
    return all_schemas()[EVENTS[event_type][1]]
