"""Load the contract schemas once, in a stable order, and answer the questions every generator asks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCHEMA_DIR = REPO / "contracts" / "schemas"
TYPES_REF = "../common/types.v1.json#/$defs/"
ENVELOPE_FILE = "common/envelope.v1.json"
TYPES_FILE = "common/types.v1.json"


@dataclass(frozen=True)
class EventSchema:
    """One event: its file (relative to contracts/schemas), parsed schema and derived names."""

    rel_path: str
    schema: dict

    @property
    def title(self) -> str:
        return self.schema["title"]

    @property
    def event_type(self) -> str:
        return self.schema["properties"]["event_type"]["const"]

    @property
    def version(self) -> int:
        return self.schema["properties"]["schema_version"]["const"]

    @property
    def producer(self) -> str:
        return self.rel_path.split("/")[0]

    @property
    def module(self) -> str:
        """Python module (under generated.models) that datamodel-code-generator writes for this file."""
        return self.rel_path[: -len(".json")].replace("/", ".").replace(".v", "_v")

    @property
    def oneof_number(self) -> int:
        return self.schema["x-proto-oneof"]


class SchemaSet:
    def __init__(self, schema_dir: Path = SCHEMA_DIR) -> None:
        self.schema_dir = schema_dir
        self.files = {
            p.relative_to(schema_dir).as_posix(): json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(schema_dir.rglob("*.json"))
        }
        self.types = self.files[TYPES_FILE]["$defs"]
        self.envelope = self.files[ENVELOPE_FILE]
        self.events = sorted(
            (EventSchema(rel, s) for rel, s in self.files.items() if "x-proto-oneof" in s),
            key=lambda e: e.oneof_number,
        )
        self._check()

    def _check(self) -> None:
        numbers = [e.oneof_number for e in self.events]
        if len(set(numbers)) != len(numbers):
            raise SystemExit(f"duplicate x-proto-oneof numbers: {numbers}")
        for event in self.events:
            for name in self.envelope["properties"]:
                if name not in event.schema["properties"]:
                    raise SystemExit(f"{event.rel_path}: envelope field {name!r} missing")

    @property
    def envelope_fields(self) -> list[str]:
        return list(self.envelope["properties"])

    def payload_properties(self, event: EventSchema) -> dict[str, dict]:
        """The event's own properties (envelope fields excluded), in schema order."""
        return {k: v for k, v in event.schema["properties"].items() if k not in self.envelope["properties"]}

    def type_def(self, prop: dict) -> tuple[str | None, dict]:
        """For a property that $refs a shared type: (type name, its definition); else (None, prop)."""
        ref = prop.get("$ref", "")
        if ref.startswith(TYPES_REF):
            name = ref[len(TYPES_REF):]
            return name, self.types[name]
        return None, prop

    def enum_names(self) -> list[str]:
        return [name for name, d in self.types.items() if "enum" in d]


DECIMAL_TYPES = ("Decimal", "NonNegativeDecimal", "PositiveDecimal")
STRING_TYPES = ("EventId", "Symbol", "Currency", "ServiceName", "Identifier")


def local_ref(prop: dict) -> str | None:
    ref = prop.get("$ref", "")
    return ref[len("#/$defs/"):] if ref.startswith("#/$defs/") else None


def upper_snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.upper())
    return "".join(out)


def snake(name: str) -> str:
    return upper_snake(name).lower()
