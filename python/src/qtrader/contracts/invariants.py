"""Cross-field rules JSON Schema cannot state (``x-invariants``), checked the same way everywhere.

A schema lists them under ``x-invariants``; each is one of:

- ``{"left": A, "op": OP, "right": B}``: compare two fields (skipped when either is absent);
- ``{"left": A, "op": OP, "value": "1"}``: compare a field with a decimal constant;
- ``{"when": {F: V}, "required": [...], "forbidden": [...]}``: presence rules for a variant.

Decimal strings compare as decimals, dates and timestamps as instants. The python-jsonschema reference
validator, the fast jsonschema-rs validator and the generated Pydantic models all call ``violations``.
"""

from __future__ import annotations

import operator
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterator, Mapping

from qtrader.contracts.scalars import PLAIN_DECIMAL_RE

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq,
        "!=": operator.ne}


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        if PLAIN_DECIMAL_RE.fullmatch(value):
            return Decimal(value)
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if hasattr(value, "value") and not isinstance(value, (Decimal, date)):  # enums
        return value.value
    return value


def violations(instance: Mapping[str, Any], rules: list[dict]) -> Iterator[tuple[str, str]]:
    """Yield (field, message) for every broken rule; ``instance`` is a JSON object or a model's field mapping."""
    for rule in rules:
        if "when" in rule:
            if all(_comparable(instance.get(k)) == v for k, v in rule["when"].items()):
                for name in rule.get("required", []):
                    if instance.get(name) is None:
                        yield name, f"{name} is required here: {rule['message']}"
                for name in rule.get("forbidden", []):
                    if instance.get(name) is not None:
                        yield name, f"{name} is not allowed here: {rule['message']}"
            continue
        left = instance.get(rule["left"])
        right = Decimal(rule["value"]) if "value" in rule else instance.get(rule["right"])
        if left is None or right is None:
            continue
        try:
            holds = _OPS[rule["op"]](_comparable(left), _comparable(right))
        except (TypeError, ArithmeticError):
            continue  # a malformed value is reported by the field's own type check
        if not holds:
            shown = rule["value"] if "value" in rule else f"{rule['right']} ({right})"
            yield rule["left"], f"{rule['left']} ({left}) {rule['op']} {shown} does not hold: {rule['message']}"
