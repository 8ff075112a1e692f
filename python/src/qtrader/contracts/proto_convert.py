"""Generated model <-> proto message, driven by the models' fields and the proto descriptors (no per-event code).

Mapping (the inverse of codegen/gen_proto.py): decimals, ids, symbols and dates are strings; timestamps are
google.protobuf.Timestamp; enum values carry their enum's UPPER_SNAKE prefix; optional fields use proto3 presence;
an absent optional list is an empty repeated field (the schemas give optional lists minItems 1, so this is lossless).
Proto -> model goes through the contract validation, so a malformed remote event never enters the bus.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Union

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from qtrader.contracts.base import ContractModel
from qtrader.contracts.generated import pipeline_pb2
from qtrader.contracts.registry import ENVELOPE_FIELDS, EVENTS, event_schema
from qtrader.contracts.scalars import timestamp_to_str
from qtrader.contracts.validation import parse_event
from qtrader.libraries.numbers import plain

if TYPE_CHECKING:
    from google._upb._message import FieldDescriptor as UpbFieldDescriptor

#: A message's fields are pure-Python or upb descriptors, depending on the protobuf backend.
Field = Union[FieldDescriptor, "UpbFieldDescriptor"]

_ONEOF_BY_TYPE = {event_type: oneof for event_type, (_cls, _path, oneof) in EVENTS.items()}
_TYPE_BY_ONEOF = {oneof: event_type for event_type, oneof in _ONEOF_BY_TYPE.items()}


def _enum_prefix(field: Field) -> str:
    if TYPE_CHECKING:
        assert field.enum_type is not None  # called for enum fields only
    name = field.enum_type.name
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.upper())
    return "".join(out) + "_"


def _set_timestamp(target: Timestamp, value: datetime) -> None:
    value = value.astimezone(timezone.utc)
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    delta = value - epoch
    target.seconds = delta.days * 86400 + delta.seconds
    target.nanos = delta.microseconds * 1000


def _timestamp_to_str(ts: Timestamp) -> str:
    seconds, micros = ts.seconds, ts.nanos // 1000
    value = datetime.fromtimestamp(seconds, tz=timezone.utc).replace(microsecond=micros)
    return timestamp_to_str(value)


def _scalar_to_proto(field: Field, value: Any) -> Any:
    if field.enum_type is not None:
        raw = value.value if isinstance(value, enum.Enum) else value
        return field.enum_type.values_by_name[_enum_prefix(field) + raw].number
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value


def fill_message(message: Message, values: dict[str, Any]) -> None:
    """Copy a model's field values (Python objects) into a proto message of the same shape."""
    fields = message.DESCRIPTOR.fields_by_name
    for name, value in values.items():
        if value is None:
            continue
        field = fields[name]
        if field.message_type is not None and field.message_type.full_name == "google.protobuf.Timestamp":
            _set_timestamp(getattr(message, name), value)
        elif field.is_repeated:
            target = getattr(message, name)
            for item in value:
                if field.message_type is not None:
                    fill_message(target.add(), item.__dict__ if isinstance(item, ContractModel) else item)
                else:
                    target.append(_scalar_to_proto(field, item))
        elif field.message_type is not None:
            fill_message(getattr(message, name), value.__dict__)
        else:
            setattr(message, name, _scalar_to_proto(field, value))


def message_to_json(message: Message) -> dict[str, Any]:
    """A proto message to the contract's JSON form (absent optional fields left out)."""
    out: dict[str, Any] = {}
    for field in message.DESCRIPTOR.fields:
        name = field.name
        if field.is_repeated:
            items = getattr(message, name)
            if not items:
                continue
            if field.message_type is not None:
                out[name] = [message_to_json(item) for item in items]
            else:
                out[name] = [_scalar_from_proto(field, item) for item in items]
            continue
        if field.has_presence and not message.HasField(name):
            continue
        value = getattr(message, name)
        if field.message_type is not None:
            if field.message_type.full_name == "google.protobuf.Timestamp":
                out[name] = _timestamp_to_str(value)
            else:
                out[name] = message_to_json(value)
        else:
            out[name] = _scalar_from_proto(field, value)
    return out


def _scalar_from_proto(field: Field, value: Any) -> Any:
    if field.enum_type is not None:
        name = field.enum_type.values_by_number[value].name if value in field.enum_type.values_by_number else str(value)
        prefix = _enum_prefix(field)
        return name[len(prefix):] if name.startswith(prefix) else name
    return value


def to_envelope(event: ContractModel) -> pipeline_pb2.Envelope:
    """A generated model (trusted or validated) to its proto Envelope."""
    envelope = pipeline_pb2.Envelope()
    values = event.__dict__
    fill_message(envelope, {name: values.get(name) for name in ENVELOPE_FIELDS})
    payload = getattr(envelope, _ONEOF_BY_TYPE[values["event_type"]])
    payload.SetInParent()
    fill_message(payload, {k: v for k, v in values.items() if k not in ENVELOPE_FIELDS})
    return envelope


def envelope_to_json(envelope: pipeline_pb2.Envelope) -> dict[str, Any]:
    """A proto Envelope to the contract's JSON (not yet validated)."""
    which = envelope.WhichOneof("event")
    header = message_to_json(envelope)
    header.pop(which, None) if which else None
    if which is None:
        return header
    body = message_to_json(getattr(envelope, which))
    schema = event_schema(_TYPE_BY_ONEOF[which])
    _restore_required_lists(body, schema, schema.get("$defs", {}))
    return {**header, **body}


def _restore_required_lists(obj: dict[str, Any], schema: dict[str, Any], defs: dict[str, Any]) -> None:
    """A required list that is empty travels as an empty repeated field, which proto cannot tell from absent."""
    for name, prop in schema.get("properties", {}).items():
        if prop.get("type") == "array":
            if name in schema.get("required", ()):
                obj.setdefault(name, [])
            item_ref = prop["items"].get("$ref", "")
            if item_ref.startswith("#/$defs/") and name in obj:
                for item in obj[name]:
                    _restore_required_lists(item, defs[item_ref[len("#/$defs/"):]], defs)
        elif prop.get("$ref", "").startswith("#/$defs/") and name in obj:
            _restore_required_lists(obj[name], defs[prop["$ref"][len("#/$defs/"):]], defs)


def from_envelope(envelope: pipeline_pb2.Envelope, where: str = "") -> ContractModel:
    """A proto Envelope to a validated generated model (ContractError names the event and field)."""
    return parse_event(envelope_to_json(envelope), where)
