"""Contract validation at the boundaries: files, gRPC, conformance (never on the per-bar hot path).

Two validators give the same verdicts: jsonschema-rs (compiled, fast: used at run time) and python-jsonschema
(the reference implementation, used by the tests). Both add the schemas' ``x-invariants`` (see invariants.py).
Whatever the input, they raise nothing but ContractError: values no schema library takes the same way (lone
surrogates, absurd nesting) are refused by ``structure_errors`` first, and the reference validator reads
``pattern`` as ECMA-262 does (``$`` is the end of the text, not also the place before a final newline).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Iterator

import jsonschema
import jsonschema_rs
from pydantic import ValidationError
from referencing import Registry, Resource

from qtrader.contracts.base import ContractModel
from qtrader.contracts.checker import Checker, ecma_regex, path_text
from qtrader.contracts.invariants import violations
from qtrader.contracts.registry import EVENTS, all_schemas, event_class, event_schema
from qtrader.errors import ContractError


@cache
def event_checker() -> Checker:
    """The shared schema checker over every event schema."""
    return Checker({schema["$id"]: schema for schema in all_schemas().values()})


@cache
def _fast_validator(event_type: str) -> Any:
    resources = [(schema["$id"], schema) for schema in all_schemas().values()]
    return jsonschema_rs.validator_for(
        event_schema(event_type), registry=jsonschema_rs.Registry(resources), validate_formats=True
    )


def _describe_path(path: Any) -> str:
    parts = [str(p) for p in path]
    return ".".join(parts) if parts else "(event)"


#: Deeper than any contract nests (an event is at most four levels deep); deeper input is refused outright.
MAX_DEPTH = 16


def structure_errors(instance: Any) -> Iterator[tuple[str, str]]:
    """Yield (field path, message) for what is not JSON a contract can hold: lone surrogates (no UTF-8 spelling),
    keys that are not strings, nesting deeper than MAX_DEPTH. An iterative walk, so no input can exhaust the stack.
    """
    stack: list[tuple[tuple[Any, ...], Any]] = [((), instance)]
    while stack:
        path, value = stack.pop()
        if len(path) > MAX_DEPTH:
            yield _describe_path(path), f"nested deeper than {MAX_DEPTH} levels"
            continue
        if isinstance(value, str):
            if not _encodable(value):
                yield _describe_path(path), f"{value!r} has a lone surrogate (text that is not UTF-8)"
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str) or not _encodable(key):
                    yield _describe_path(path), f"field name {key!r} is not a UTF-8 string"
                else:
                    stack.append((path + (key,), item))
        elif isinstance(value, list):
            stack.extend((path + (index,), item) for index, item in enumerate(value))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _event_type(instance: Any) -> Iterator[tuple[str, str]]:
    """The envelope's own first check: an object whose event_type names a known contract."""
    if not isinstance(instance, dict):
        yield "(event)", f"an event must be a JSON object, got {type(instance).__name__}"
        return
    event_type = instance.get("event_type")
    if not isinstance(event_type, str) or event_type not in EVENTS:
        shown = repr(event_type) if isinstance(event_type, str) and _encodable(event_type) else type(event_type).__name__
        yield "event_type", f"unknown event_type {shown:.80}; known: {', '.join(EVENTS)}"


def contract_errors(instance: Any) -> Iterator[tuple[str, str]]:
    """Yield (field path, message) for everything wrong with a JSON event; nothing when it is valid."""
    wrong_type = list(_event_type(instance))
    if wrong_type:
        yield from wrong_type
        return
    event_type = instance["event_type"]
    validator = _fast_validator(event_type)
    rules = event_schema(event_type).get("x-invariants", [])
    try:
        if validator.is_valid(instance) and not any(True for _ in violations(instance, rules)):
            return
        # Invalid: the shared checker words it, as Go's execution service does (contracts/messages.v1.json).
        problems = event_checker().check(event_schema(event_type)["$id"], instance)[1]
    except (ValueError, RecursionError):  # UnicodeEncodeError is a ValueError; found again, with its path, here
        yield from list(structure_errors(instance)) or [("(event)", "not JSON a contract can hold")]
        return
    for path, message in problems:
        yield path_text(path) or "(event)", message
    if not problems:  # the checker and jsonschema-rs disagree: still refuse, in jsonschema-rs's words
        for error in validator.iter_errors(instance):
            yield _describe_path(error.instance_path), error.message


def _shown(value: Any) -> str:
    """A field for a message: a short UTF-8 string as it is, anything else by its type (never a deep repr)."""
    if isinstance(value, str) and _encodable(value):
        return value[:80]
    return "?" if value is None else type(value).__name__


def _where(instance: Any) -> str:
    if isinstance(instance, dict):
        return f"{_shown(instance.get('event_type'))} event {_shown(instance.get('event_id'))}"
    return "event"


def validate_event(instance: Any, where: str = "") -> None:
    """Raise ContractError naming the event and the first bad field."""
    for field, message in contract_errors(instance):
        prefix = f"{where}: " if where else ""
        raise ContractError(f"{prefix}{_where(instance)}: field {field}: {message}")


def parse_event(instance: Any, where: str = "") -> ContractModel:
    """Validate a JSON event against its contract and build its generated model."""
    validate_event(instance, where)
    try:
        return event_class(instance["event_type"]).model_validate(instance)
    except ValidationError as exc:  # the schema accepted what the model refuses: still the event's fault
        first = exc.errors()[0]
        prefix = f"{where}: " if where else ""
        raise ContractError(f"{prefix}{_where(instance)}: field {_describe_path(first['loc'])}: {first['msg']}") from exc


# --- the reference validator (python-jsonschema), for tests and tools -------------------------------------------


def _invariants_keyword(validator: Any, rules: list[dict[str, Any]], instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    if isinstance(instance, dict):
        for field, message in violations(instance, rules):
            yield jsonschema.ValidationError(message, path=list(field))


def _pattern_keyword(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    if isinstance(instance, str):
        if not ecma_regex(pattern).search(instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _reference_validator_class() -> Any:
    return jsonschema.validators.extend(  # type: ignore[no-untyped-call]  # its stubs leave extend untyped
        jsonschema.Draft202012Validator, {"x-invariants": _invariants_keyword, "pattern": _pattern_keyword})


@cache
def reference_validator(event_type: str) -> Any:
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in all_schemas().values()
    )
    cls = _reference_validator_class()
    return cls(event_schema(event_type), registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def reference_errors(instance: Any) -> list[str]:
    """Every message the reference validator gives for a JSON event (empty when valid); the tests' oracle."""
    found = [message for _, message in _event_type(instance)] or [message for _, message in structure_errors(instance)]
    if found:
        return found
    return [error.message for error in reference_validator(instance["event_type"]).iter_errors(instance)]
