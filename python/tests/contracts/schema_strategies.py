"""Hypothesis strategies built from the contract schemas themselves (no per-event code).

Optional fields are present or absent at random; the schemas' x-invariants are then repaired (ordered pairs
swapped, variant fields added or removed) so every generated instance is valid.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from qtrader.contracts.registry import all_schemas, event_schema
from qtrader.contracts.scalars import timestamp_to_str
from qtrader.libraries.numbers import plain

TYPES_REF = "../common/types.v1.json#/$defs/"


def _decimal(min_value: Decimal | None, positive: bool = False) -> st.SearchStrategy[str]:
    integer = st.integers(min_value=0 if min_value is not None else -(10**9), max_value=10**9)
    scale = st.integers(min_value=0, max_value=12)

    def make(pair: tuple[int, int, int]) -> str:
        whole, frac_digits, frac = pair
        value = Decimal(whole) + (Decimal(frac) / (Decimal(10) ** frac_digits) if frac_digits else 0)
        if frac_digits:
            value = value.quantize(Decimal(1).scaleb(-frac_digits))
        if positive and value <= 0:
            value = Decimal("0.5")
        return plain(value)

    return st.tuples(integer, scale, st.integers(min_value=0, max_value=10**12 - 1)).map(
        lambda t: (t[0], t[1], t[2] % (10 ** t[1]) if t[1] else 0)).map(make)


TIMESTAMPS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                          timezones=st.just(timezone.utc)).map(timestamp_to_str)
DATES = st.dates(min_value=datetime(1990, 1, 1).date(), max_value=datetime(2100, 1, 1).date()).map(lambda d: d.isoformat())
UUIDS = st.uuids().map(str)


def _shared(name: str) -> st.SearchStrategy[Any]:
    definition = all_schemas()["common/types.v1.json"]["$defs"][name]
    if name == "Decimal":
        return _decimal(None)
    if name == "NonNegativeDecimal":
        return _decimal(Decimal(0))
    if name == "PositiveDecimal":
        return _decimal(Decimal(0), positive=True)
    if name == "Timestamp":
        return TIMESTAMPS
    if name == "Date":
        return DATES
    if name == "EventId":
        return UUIDS
    if "enum" in definition:
        return st.sampled_from(definition["enum"])
    return st.from_regex(definition["pattern"], fullmatch=True)


def _property(prop: dict, defs: dict) -> st.SearchStrategy[Any]:
    ref = prop.get("$ref", "")
    if ref.startswith(TYPES_REF):
        return _shared(ref[len(TYPES_REF):])
    if ref.startswith("#/$defs/"):
        return _object(defs[ref[len("#/$defs/"):]], defs)
    if "const" in prop:
        return st.just(prop["const"])
    if "enum" in prop:  # an enum written on its property (a proto string), as SignalRejected's reason code
        return st.sampled_from(prop["enum"])
    kind = prop.get("type")
    if kind == "array":
        return st.lists(_property(prop["items"], defs), min_size=prop.get("minItems", 0), max_size=3,
                        unique=prop.get("uniqueItems", False))
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(min_value=prop.get("minimum", -(2**31)), max_value=2**31)
    if kind == "string" and "enum" in prop:
        return st.sampled_from(prop["enum"])
    if kind == "string" and "pattern" in prop:
        return st.from_regex(prop["pattern"], fullmatch=True).filter(lambda s: len(s) <= prop.get("maxLength", 10**6))
    if kind == "string":
        return st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=prop.get("minLength", 0),
                       max_size=min(prop.get("maxLength", 40), 40)).filter(lambda s: len(s) >= prop.get("minLength", 0))
    raise ValueError(f"no strategy for {prop}")


def _object(schema: dict, defs: dict) -> st.SearchStrategy[dict]:
    required = set(schema.get("required", []))
    fields = {}
    for name, prop in schema["properties"].items():
        strategy = _property(prop, defs)
        fields[name] = strategy if name in required else st.one_of(st.none(), strategy)
    return st.fixed_dictionaries(fields).map(lambda d: {k: v for k, v in d.items() if v is not None})


def _repair(instance: dict, rules: list[dict], full: dict) -> dict:
    for _ in range(10):
        changed = False
        for rule in rules:
            if "when" in rule:
                if all(instance.get(k) == v for k, v in rule["when"].items()):
                    for name in rule.get("required", []):
                        if name not in instance:
                            instance[name] = full[name]
                            changed = True
                    for name in rule.get("forbidden", []):
                        if name in instance:
                            del instance[name]
                            changed = True
                continue
            left = instance.get(rule["left"])
            if left is None:
                continue
            if "value" in rule:
                bound = Decimal(rule["value"])
                ok = {">=": Decimal(left) >= bound, "<=": Decimal(left) <= bound}[rule["op"]]
                if not ok:
                    instance[rule["left"]] = rule["value"]
                    changed = True
                continue
            right = instance.get(rule["right"])
            if right is None:
                continue
            as_decimal = "-" not in left[1:] and "T" not in left and left.count("-") <= 1
            a, b = (Decimal(left), Decimal(right)) if as_decimal else (left, right)
            ok = {">=": a >= b, "<=": a <= b}[rule["op"]]
            if not ok:
                instance[rule["left"]], instance[rule["right"]] = right, left
                changed = True
        if not changed:
            break
    return instance


def event_instances(event_type: str) -> st.SearchStrategy[dict]:
    """Valid JSON instances of one event type."""
    schema = event_schema(event_type)
    defs = schema.get("$defs", {})
    complete = st.fixed_dictionaries({name: _property(prop, defs) for name, prop in schema["properties"].items()})
    return st.tuples(_object(schema, defs), complete).map(
        lambda pair: _repair(pair[0], schema.get("x-invariants", []), pair[1]))
