"""Cross-field rules JSON Schema cannot state (``x-invariants``), checked the same way everywhere.

A schema lists them under ``x-invariants``; each is one of:

- ``{"left": A, "op": OP, "right": B}``: compare two fields (skipped when either is absent);
- ``{"left": A, "op": OP, "value": "1"}``: compare a field with a decimal constant;
- ``{"when": {F: V}, "required": [...], "forbidden": [...]}``: presence rules for a variant;
- ``{"exactly_one": [A, B]}``: exactly one of the fields is given;
- ``{"ascending": L, "by": K}``: the items of list L go by strictly increasing K; only the last may leave K out.

Every rule has a ``message`` saying why. A string that reads as a decimal compares as a decimal, else one with a
``T`` as an instant, else as a date. The wording is contracts/messages.v1.json's (``checker.rule``); Go's checker
implements the same rules. The schema checker, the python-jsonschema reference validator and the generated
Pydantic models all call ``violations``.
"""

from __future__ import annotations

import operator
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Iterator, Mapping

from qtrader.contracts.checker import as_decimal, rule

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq, "!=": operator.ne}

Field = tuple[str | int, ...]


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        number = as_decimal(value)
        if number is not None:
            return number
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if hasattr(value, "value") and not isinstance(value, (Decimal, date)):  # enums
        return value.value
    return value


def _shown(value: Any) -> str:
    return str(value.value) if hasattr(value, "value") and not isinstance(value, (Decimal, date)) else str(value)


def _when_text(when: Mapping[str, Any]) -> str:
    return " and ".join(f"{k} is {v}" for k, v in when.items())


def violations(instance: Mapping[str, Any], rules: list[dict[str, Any]]) -> Iterator[tuple[Field, str]]:
    """Yield (field path, message) for every broken rule; ``instance`` is a JSON object or a model's fields."""
    for r in rules:
        message = r["message"]
        if "when" in r:
            if all(_comparable(instance.get(k)) == v for k, v in r["when"].items()):
                when = _when_text(r["when"])
                for name in r.get("required", []):
                    if instance.get(name) is None:
                        yield (name,), rule("when_required", when=when, message=message)
                for name in r.get("forbidden", []):
                    if instance.get(name) is not None:
                        yield (name,), rule("when_forbidden", when=when, message=message)
        elif "exactly_one" in r:
            if sum(instance.get(name) is not None for name in r["exactly_one"]) != 1:
                yield (), rule("exactly_one", names=" or ".join(r["exactly_one"]), message=message)
        elif "ascending" in r:
            yield from _ascending(instance.get(r["ascending"]), r["ascending"], r["by"], message)
        else:
            yield from _compare(instance, r, message)


def _compare(instance: Mapping[str, Any], r: Mapping[str, Any], message: str) -> Iterator[tuple[Field, str]]:
    left = instance.get(r["left"])
    right = Decimal(r["value"]) if "value" in r else instance.get(r["right"])
    if left is None or right is None:
        return
    try:
        holds = _OPS[r["op"]](_comparable(left), _comparable(right))
    except (TypeError, ArithmeticError):
        return  # a malformed value is reported by the field's own type check
    if holds:
        return
    if "value" in r:
        yield (r["left"],), rule("compare_value", op=r["op"], value=r["value"], left_value=_shown(left), message=message)
    else:
        yield (r["left"],), rule("compare_field", op=r["op"], right=r["right"], right_value=_shown(right),
                                 left_value=_shown(left), message=message)


def _ascending(items: Any, name: str, by: str, message: str) -> Iterator[tuple[Field, str]]:
    if not isinstance(items, list):
        return
    previous: Any = None
    for i, item in enumerate(items):
        current = item.get(by) if isinstance(item, Mapping) else getattr(item, by, None)
        if current is None:
            if i != len(items) - 1:
                yield (name, i, by), rule("ascending_open", message=message)
                return
            continue
        if previous is not None and not _comparable(current) > _comparable(previous):
            yield (name, i, by), rule("ascending", previous=_shown(previous), value=_shown(current), message=message)
            return
        previous = current
