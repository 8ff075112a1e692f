"""Contract validation at the boundaries: files, gRPC, conformance (never on the per-bar hot path).

Two validators give the same verdicts: jsonschema-rs (compiled, fast: used at run time) and python-jsonschema
(the reference implementation, used by the tests). Both add the schemas' ``x-invariants`` (see invariants.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Iterator

import jsonschema
import jsonschema_rs
from referencing import Registry, Resource

from qtrader.contracts.base import ContractModel
from qtrader.contracts.checker import Checker, path_text
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


def contract_errors(instance: Any) -> Iterator[tuple[str, str]]:
    """Yield (field path, message) for everything wrong with a JSON event; nothing when it is valid."""
    if not isinstance(instance, dict):
        yield "(event)", f"an event must be a JSON object, got {type(instance).__name__}"
        return
    event_type = instance.get("event_type")
    if event_type not in EVENTS:
        yield "event_type", f"unknown event_type {event_type!r}; known: {', '.join(EVENTS)}"
        return
    validator = _fast_validator(event_type)
    rules = event_schema(event_type).get("x-invariants", [])
    if validator.is_valid(instance) and not any(True for _ in violations(instance, rules)):
        return
    # Invalid: the shared checker words it, as Go's execution service does (contracts/messages.v1.json).
    problems = event_checker().check(event_schema(event_type)["$id"], instance)[1]
    for path, message in problems:
        yield path_text(path) or "(event)", message
    if not problems:  # the checker and jsonschema-rs disagree: still refuse, in jsonschema-rs's words
        for error in validator.iter_errors(instance):
            yield _describe_path(error.instance_path), error.message


def _where(instance: Any) -> str:
    if isinstance(instance, dict):
        return f"{instance.get('event_type', '?')} event {instance.get('event_id', '?')}"
    return "event"


def validate_event(instance: Any, where: str = "") -> None:
    """Raise ContractError naming the event and the first bad field."""
    for field, message in contract_errors(instance):
        prefix = f"{where}: " if where else ""
        raise ContractError(f"{prefix}{_where(instance)}: field {field}: {message}")


def parse_event(instance: Any, where: str = "") -> ContractModel:
    """Validate a JSON event against its contract and build its generated model."""
    validate_event(instance, where)
    return event_class(instance["event_type"]).model_validate(instance)


# --- the reference validator (python-jsonschema), for tests and tools -------------------------------------------


def _invariants_keyword(validator: Any, rules: list[dict], instance: Any, schema: dict) -> Iterator[Any]:
    if isinstance(instance, dict):
        for field, message in violations(instance, rules):
            yield jsonschema.ValidationError(message, path=list(field))


@cache
def _reference_validator_class() -> Any:
    return jsonschema.validators.extend(jsonschema.Draft202012Validator, {"x-invariants": _invariants_keyword})


@cache
def reference_validator(event_type: str) -> Any:
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in all_schemas().values()
    )
    cls = _reference_validator_class()
    return cls(event_schema(event_type), registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
