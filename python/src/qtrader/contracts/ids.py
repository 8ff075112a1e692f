"""Deterministic ids: UUIDv5 of a parent id and a name, so the same run gives the same ids on every machine."""

from __future__ import annotations

import uuid

#: Namespace of every QTrader run id (UUIDv5 of the DNS namespace and "qtrader").
QTRADER_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "qtrader")


def run_id(name: str) -> str:
    """The run's id, derived from its name (the config's run name)."""
    return str(uuid.uuid5(QTRADER_NAMESPACE, name))


def derive_id(parent: str, *parts: object) -> str:
    """A child id of ``parent`` (a UUID string), e.g. derive_id(bar_id, "signal", 0)."""
    return str(uuid.uuid5(uuid.UUID(parent), "/".join(str(p) for p in parts)))
