"""The event log's JSON, fast: orjson over the models' own field values, identical to Pydantic's output.

Pydantic's ``model_dump_json`` calls back into Python for every decimal field; an event log line is written for
every event, so this walks the (trusted) model once and lets orjson do the rest. The output is the contract's
JSON: fields in schema order, absent optional fields left out, decimals in plain notation, timestamps in UTC
with a Z. A test checks it is byte-identical to ``model_dump_json(exclude_none=True)``.
"""

from __future__ import annotations

import typing
from decimal import Decimal
from typing import Any

import orjson
from pydantic import BaseModel

from qtrader.contracts.scalars import decimal_to_str

_OPTIONS = orjson.OPT_UTC_Z
_plain = decimal_to_str


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return decimal_to_str(value)
    raise TypeError(f"cannot write {type(value).__name__} {value!r} to the event log")


_NESTED: dict[type, tuple[str, ...]] = {}


def _holds_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(arg) for arg in typing.get_args(annotation))


def _nested_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model class that hold models or lists of models (the only ones to walk into)."""
    nested = _NESTED.get(cls)
    if nested is None:
        nested = _NESTED[cls] = tuple(name for name, info in cls.model_fields.items() if _holds_model(info.annotation))
    return nested


#: Serialized nested models (positions, lots, cash balances) by identity. A portfolio state repeats the unchanged
#: positions of the previous one as the same objects, so with many symbols most of a state is already written.
#: Entries keep their model alive (so an id is never reused while cached); the cache is dropped when it is full.
_FRAGMENTS: dict[int, tuple[BaseModel, orjson.Fragment]] = {}
_FRAGMENTS_MAX = 10_000


def _fragment(model: BaseModel) -> orjson.Fragment:
    cached = _FRAGMENTS.get(id(model))
    if cached is not None and cached[0] is model:
        return cached[1]
    fragment = orjson.Fragment(orjson.dumps(_fields(model), default=_default, option=_OPTIONS))
    if len(_FRAGMENTS) >= _FRAGMENTS_MAX:
        _FRAGMENTS.clear()
    _FRAGMENTS[id(model)] = (model, fragment)
    return fragment


def _fields(model: BaseModel, nested: Any = None) -> dict[str, Any]:
    out = {name: (_plain(value) if type(value) is Decimal else value)
           for name, value in model.__dict__.items() if value is not None}
    write = nested or _fields
    for name in _nested_fields(type(model)):
        value = out.get(name)
        if value is not None:
            out[name] = [write(item) for item in value] if type(value) is list else write(value)
    return out


def dumps(event: BaseModel) -> bytes:
    """One event as compact JSON bytes (no trailing newline)."""
    return orjson.dumps(_fields(event, _fragment), default=_default, option=_OPTIONS)
