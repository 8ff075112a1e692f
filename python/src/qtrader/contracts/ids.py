"""Deterministic ids: UUIDv5 of a parent id and a name, so the same run gives the same ids on every machine.

``uuid5`` here is RFC 4122 UUIDv5 (SHA-1 of the namespace's 16 bytes and the UTF-8 name, version and variant bits
set), identical to ``uuid.uuid5`` but computed on strings without building UUID objects: ids are made for every
event, on the hot path. Any language can reproduce them.
"""

from __future__ import annotations

import uuid
from hashlib import sha1

#: Namespace of every QTrader run id (UUIDv5 of the DNS namespace and "qtrader").
QTRADER_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "qtrader")

_VARIANT = {f"{n:x}": f"{(n & 0x3) | 0x8:x}" for n in range(16)}


#: namespace string -> its 16 bytes. Most ids are made from the id of the event being handled, several times in a
#: row (one per output), and from the run id; the cache is simply emptied when it grows large.
_NAMESPACE_BYTES: dict[str, bytes] = {}
_CACHE_LIMIT = 4096


def uuid5(namespace: str, name: str) -> str:
    """uuid5(UUID(namespace), name) as a lowercase string, fast."""
    key = _NAMESPACE_BYTES.get(namespace)
    if key is None:
        if len(_NAMESPACE_BYTES) >= _CACHE_LIMIT:
            _NAMESPACE_BYTES.clear()
        key = _NAMESPACE_BYTES[namespace] = bytes.fromhex(namespace.replace("-", ""))
    digest = sha1(key + name.encode()).hexdigest()
    return (f"{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-{_VARIANT[digest[16]]}{digest[17:20]}-{digest[20:32]}")


def run_id(name: str) -> str:
    """The run's id, derived from its name (the config's run name)."""
    return uuid5(str(QTRADER_NAMESPACE), name)


def derive_id(parent: str, *parts: object) -> str:
    """A child id of ``parent`` (a UUID string), e.g. derive_id(bar_id, "signal", 0)."""
    return uuid5(parent, "/".join(str(p) for p in parts))
