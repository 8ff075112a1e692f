"""The event log's JSON, fast: orjson over the models' own field values, identical to Pydantic's output.

Pydantic's ``model_dump_json`` calls back into Python for every decimal field; an event log line is written for
every event, so this walks the (trusted) model once and lets orjson do the rest. The output is the contract's
JSON: fields in schema order, absent optional fields left out, decimals in plain notation, timestamps in UTC
with a Z. A test checks it is byte-identical to ``model_dump_json(exclude_none=True)``.
"""

from __future__ import annotations

import typing
from decimal import Decimal
from typing import Any, NamedTuple

import orjson
from pydantic import BaseModel

from qtrader.libraries.numbers import plain

_OPTIONS = orjson.OPT_UTC_Z



def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain(value)
    raise TypeError(f"cannot write {type(value).__name__} {value!r} to the event log")


class _Plan(NamedTuple):
    """What writing a model class takes, found once per class from its field annotations."""

    decimals: tuple[str, ...]  # fields that may hold a Decimal (written as plain-notation text) or None
    nullable: tuple[str, ...]  # the other fields that may be None (left out when they are)
    nested: tuple[str, ...]  # fields that hold models or lists of models (the only ones to walk into)


_PLANS: dict[type, _Plan] = {}


def _mentions(annotation: Any, kind: type) -> bool:
    """Whether a field annotation can hold a ``kind``, looking through unions, generics and type aliases."""
    if isinstance(annotation, type) and issubclass(annotation, kind):
        return True
    aliased = getattr(annotation, "__value__", None)  # a TypeAliasType (the generated Symbol, Currency, ...)
    if aliased is not None:
        return _mentions(aliased, kind)
    return any(_mentions(arg, kind) for arg in typing.get_args(annotation))


def _plan(cls: type[BaseModel]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        fields = cls.model_fields.items()
        decimals = tuple(name for name, info in fields if _mentions(info.annotation, Decimal))
        nullable = tuple(name for name, info in fields if name not in decimals
                         and (_mentions(info.annotation, type(None)) or not info.is_required()))
        nested = tuple(name for name, info in fields if _mentions(info.annotation, BaseModel))
        plan = _PLANS[cls] = _Plan(decimals, nullable, nested)
    return plan


#: Serialized nested models (positions, lots, cash balances) by identity. A portfolio state repeats the unchanged
#: positions of the previous one as the same objects, so with many symbols most of a state is already written.
#: Entries keep their model alive (so an id is never reused while cached); the cache is dropped when it is full.
_FRAGMENTS: dict[int, tuple[BaseModel, orjson.Fragment]] = {}
_FRAGMENTS_MAX = 10_000


def _fragment(model: BaseModel) -> orjson.Fragment:
    cached = _FRAGMENTS.get(id(model))
    if cached is not None and cached[0] is model:
        return cached[1]
    fragment = orjson.Fragment(orjson.dumps(_fields(model, _fragment), default=_default, option=_OPTIONS))
    if len(_FRAGMENTS) >= _FRAGMENTS_MAX:
        _FRAGMENTS.clear()
    _FRAGMENTS[id(model)] = (model, fragment)
    return fragment


def _fields(model: BaseModel, nested: Any = None) -> dict[str, Any]:
    """The model's fields for orjson: None left out, decimals as text, nested models walked (or cached).

    Only fields whose annotation allows None are checked for it: a required field holding None (a model built
    without validation, out of its contract) is written as null where pydantic would leave it out.
    """
    out = model.__dict__.copy()  # every field, in the model's (the serialized) order
    decimals, nullable, nested_fields = _plan(type(model))
    for name in decimals:
        value = out[name]
        if value is None:
            del out[name]
        elif type(value) is Decimal:
            text = str(value)  # plain for every usual figure; numbers.plain handles exponents and -0
            out[name] = text if "E" not in text and (text[0] != "-" or value) else plain(value)
    for name in nullable:
        if out[name] is None:
            del out[name]
    write = nested or _fields
    for name in nested_fields:
        value = out.get(name)
        if value is not None:
            out[name] = [write(item) for item in value] if type(value) is list else write(value)
    return out


def dumps(event: BaseModel) -> bytes:
    """One event as compact JSON bytes (no trailing newline)."""
    return orjson.dumps(_fields(event, _fragment), default=_default, option=_OPTIONS)
