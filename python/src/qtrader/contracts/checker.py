"""The schema checker every language shares: one walk over a JSON Schema, one wording (contracts/messages.v1.json).

It reads the contract and config schemas themselves, so a rule is written once, in contracts/, and Go's checker
(go/contracts/check) walks the same files in the same order with the same messages. It supports the keywords the
schemas use (type, const, enum, pattern, format, lengths, bounds, items, properties, required, additionalProperties,
propertyNames, dependentRequired, if/then/else, $ref) plus QTrader's own:

- ``x-decimal``: a config decimal; a string is read exactly, an integer as written, a float by its shortest
  spelling (repr), and the value becomes the text of ``str(Decimal)`` (the "normalized" value);
- ``x-scale``: at most that many fraction digits;
- ``x-invariants``: cross-field rules (see ``invariants.py``), checked once the object has no other problem.

Numeric bounds apply to numbers and to decimal strings. Absent properties with a ``default`` are filled in
(a copy) before anything else is checked, so conditional rules see the value in force.
"""

from __future__ import annotations

import copy
import json
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urldefrag, urljoin

#: Python's Decimal(str) grammar for a finite number (whitespace stripped): Go's checker uses the same pattern.
DECIMAL_TEXT_RE = re.compile(r"^[+-]?([0-9](_?[0-9])*(\.([0-9](_?[0-9])*)?)?|\.[0-9](_?[0-9])*)([eE][+-]?[0-9](_?[0-9])*)?$")

Path = tuple[str | int, ...]


@cache
def messages() -> dict[str, Any]:
    """contracts/messages.v1.json (bundled into the generated package)."""
    text = (resources.files("qtrader.contracts.generated") / "messages.v1.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def rule(name: str, **fields: Any) -> str:
    """The message of a rule, placeholders filled."""
    text = str(messages()["rules"][name])
    for key, value in fields.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def path_text(path: Path) -> str:
    """("commission", "tiers", 0, "rate") -> commission.tiers[0].rate"""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def problem_text(prefix: str, path: Path, message: str) -> str:
    """One problem as the table's ``problem`` format; ``prefix`` names the section (``execution``) or is empty."""
    where = path_text(path)
    if prefix and where:
        where = prefix + ("" if where.startswith("[") else ".") + where
    return str(messages()["problem"]).replace("{path}", where or prefix or "(root)").replace("{rule}", message)


def json_spelling(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def decimal_text(value: Any) -> str | None:
    """A config decimal's normalized text (``str(Decimal)``), or None when the value is not a finite decimal."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))  # the shortest spelling: what the file says
    elif isinstance(value, str):
        text = value.strip()
        if not DECIMAL_TEXT_RE.match(text):
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    return str(number) if number.is_finite() else None


def as_decimal(value: Any) -> Decimal | None:
    """A number or decimal string as a Decimal (for bounds and comparisons); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = decimal_text(value) if isinstance(value, str) else None
    return Decimal(text) if text is not None else None


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "object":
        return isinstance(value, Mapping)
    if kind == "array":
        return isinstance(value, list)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value \
            and value not in (float("inf"), float("-inf"))
    return value is None  # null


def _format_ok(fmt: str, value: str) -> bool:
    try:
        if fmt == "date":
            date.fromisoformat(value)
        elif fmt == "date-time":
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return "T" in value and parsed.tzinfo is not None
    except ValueError:
        return False
    return True


_BOUNDS: tuple[tuple[str, Callable[[Decimal, Decimal], bool]], ...] = (
    ("minimum", operator.ge), ("maximum", operator.le), ("exclusiveMinimum", operator.gt),
    ("exclusiveMaximum", operator.lt))


class Checker:
    """Checks instances against schema documents (keyed by ``$id``), collecting (path, message) problems."""

    def __init__(self, documents: Mapping[str, Mapping[str, Any]]) -> None:
        self.documents = dict(documents)

    def check(self, schema_id: str, instance: Any) -> tuple[Any, list[tuple[Path, str]]]:
        """(the normalized copy of the instance, its problems in schema order)."""
        problems: list[tuple[Path, str]] = []
        value = self._node(self.documents[schema_id], copy.deepcopy(instance), (), schema_id, problems)
        return value, problems

    # -- one schema node ------------------------------------------------------------------------------------------

    def _resolve(self, ref: str, base: str) -> tuple[Any, str]:
        url, fragment = urldefrag(urljoin(base, ref))
        target: Any = self.documents[url]
        for part in [p for p in fragment.split("/") if p]:
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return target, url

    def _node(self, schema: Any, value: Any, path: Path, base: str, problems: list[tuple[Path, str]]) -> Any:
        if schema is True:
            return value
        if schema is False:
            problems.append((path, rule("false")))
            return value
        before = len(problems)
        if "$ref" in schema:
            target, target_base = self._resolve(schema["$ref"], base)
            value = self._node(target, value, path, target_base, problems)
            if len(problems) > before:
                return value
        if schema.get("x-decimal"):
            text = decimal_text(value)
            if text is None:
                problems.append((path, rule("decimal")))
                return value
            value = text
        elif "type" in schema:
            kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(_type_ok(kind, value) for kind in kinds):
                names = [messages()["types"][kind] for kind in kinds]
                problems.append((path, rule("type", types=" or ".join(names))))
                return value
        if "const" in schema and not _same(value, schema["const"]):
            problems.append((path, rule("const", value=json_spelling(schema["const"]))))
            return value
        if "enum" in schema and not any(_same(value, choice) for choice in schema["enum"]):
            problems.append((path, rule("enum", choices=", ".join(
                c if isinstance(c, str) else json_spelling(c) for c in schema["enum"]))))
            return value
        if isinstance(value, str) and not self._string(schema, value, path, problems):
            return value
        if not self._bounds(schema, value, path, problems):
            return value
        if isinstance(value, list):
            return self._array(schema, value, path, base, problems)
        if isinstance(value, Mapping):
            return self._object(schema, dict(value), path, base, problems, before)
        return value

    def _string(self, schema: Mapping[str, Any], value: str, path: Path, problems: list[tuple[Path, str]]) -> bool:
        if "minLength" in schema and len(value) < schema["minLength"]:
            problems.append((path, rule("minLength", limit=schema["minLength"])))
        elif "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append((path, rule("maxLength", limit=schema["maxLength"])))
        elif "pattern" in schema and not ecma_regex(schema["pattern"]).search(value):
            problems.append((path, rule("pattern", pattern=schema["pattern"])))
        elif "format" in schema and not _format_ok(schema["format"], value):
            problems.append((path, rule("format", format=schema["format"])))
        else:
            return True
        return False

    def _bounds(self, schema: Mapping[str, Any], value: Any, path: Path, problems: list[tuple[Path, str]]) -> bool:
        if not any(name in schema for name, _ in _BOUNDS) and "x-scale" not in schema:
            return True
        number = as_decimal(value)
        if number is None:
            return True
        for name, holds in _BOUNDS:
            if name in schema and not holds(number, Decimal(str(schema[name]))):
                problems.append((path, rule(name, limit=json_spelling(schema[name]))))
                return False
        if "x-scale" in schema and -int(number.as_tuple().exponent) > schema["x-scale"]:
            problems.append((path, rule("scale", limit=schema["x-scale"])))
            return False
        return True

    def _array(self, schema: Mapping[str, Any], value: list[Any], path: Path, base: str,
               problems: list[tuple[Path, str]]) -> list[Any]:
        if "minItems" in schema and len(value) < schema["minItems"]:
            problems.append((path, rule("minItems", limit=schema["minItems"])))
            return value
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            problems.append((path, rule("maxItems", limit=schema["maxItems"])))
            return value
        if schema.get("uniqueItems") and len({json.dumps(v, sort_keys=True, default=str) for v in value}) < len(value):
            problems.append((path, rule("uniqueItems")))
            return value
        if "items" in schema:
            return [self._node(schema["items"], item, path + (i,), base, problems) for i, item in enumerate(value)]
        return value

    def _object(self, schema: Mapping[str, Any], value: dict[str, Any], path: Path, base: str,
                problems: list[tuple[Path, str]], before: int) -> dict[str, Any]:
        properties = schema.get("properties", {})
        for name, prop in properties.items():
            if name not in value:
                if not isinstance(prop, Mapping) or "default" not in prop:
                    continue
                value[name] = copy.deepcopy(prop["default"])
            value[name] = self._node(prop, value[name], path + (name,), base, problems)
        for name in schema.get("required", ()):
            if name not in value:
                problems.append((path + (name,), rule("required")))
        extra = schema.get("additionalProperties", True)
        names = schema.get("propertyNames")
        for key in [k for k in value if k not in properties]:
            if extra is False:
                problems.append((path + (key,), rule("additionalProperties")))
                continue
            if names is not None:
                inner: list[tuple[Path, str]] = []
                self._node(names, key, path + (key,), base, inner)
                if inner:
                    problems.append((path + (key,), rule("propertyNames", rule=inner[0][1])))
                    continue
            if isinstance(extra, Mapping):
                value[key] = self._node(extra, value[key], path + (key,), base, problems)
        for name, needed in schema.get("dependentRequired", {}).items():
            if name in value:
                problems.extend((path + (other,), rule("dependentRequired", key=name)) for other in needed
                                if other not in value)
        if "if" in schema:
            trial: list[tuple[Path, str]] = []
            self._node(schema["if"], value, path, base, trial)
            branch = schema.get("then" if not trial else "else")
            if branch is not None:
                value = self._node(branch, value, path, base, problems)
        if len(problems) == before and schema.get("x-invariants"):
            from qtrader.contracts.invariants import violations

            problems.extend((path + field, message) for field, message in violations(value, schema["x-invariants"]))
        return value

    def problems(self, schema_id: str, instance: Any, prefix: str = "") -> Iterator[str]:
        """Every problem of an instance as text (``prefix`` names the section)."""
        for path, message in self.check(schema_id, instance)[1]:
            yield problem_text(prefix, path, message)




def _same(value: Any, expected: Any) -> bool:
    """JSON equality: 1 is not True, 1 == 1.0."""
    if isinstance(value, bool) or isinstance(expected, bool):
        return type(value) is type(expected) and value == expected
    if isinstance(expected, (int, float)):
        return isinstance(value, (int, float)) and value == expected
    return bool(value == expected) and type(value) is type(expected)


@cache
def ecma_regex(pattern: str) -> re.Pattern[str]:
    """The pattern as ECMA-262 (and Go) reads it: an unescaped ``$`` at its end is the end of the text (Python's
    ``\\Z``), not also the place before a final newline."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)
