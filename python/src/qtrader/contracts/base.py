"""Base class of every generated model: frozen, strict, and aware of the schema's ``x-invariants``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, model_validator

from qtrader.contracts.checker import path_text
from qtrader.contracts.invariants import violations

_RULES: dict[type, list[dict[str, Any]]] = {}
_DEFAULTS: dict[type, dict[str, Any]] = {}
_ALL_FIELDS: dict[type, set[str]] = {}


class ContractModel(BaseModel):
    """Frozen by the generated ``model_config``; validates cross-field invariants after field validation.

    Trusted internal code builds events with ``model_construct`` (no validation, the hot path); everything that
    comes from outside (files, gRPC, conformance) goes through ``model_validate`` and so through these checks.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    if TYPE_CHECKING:  # the envelope every event model declares (common/envelope.v1.json), for the type checker only
        # (read-only properties, so no checker takes them for fields): code handling "any event" can read it. Nested
        # models (a Position, a Lot) have no envelope and never read it.
        @property
        def event_id(self) -> str: ...
        @property
        def event_type(self) -> str: ...
        @property
        def schema_version(self) -> int: ...
        @property
        def occurred_at(self) -> datetime: ...
        @property
        def source_service(self) -> str: ...
        @property
        def correlation_id(self) -> str: ...
        @property
        def causation_id(self) -> str | None: ...

    @classmethod
    def invariant_rules(cls) -> list[dict[str, Any]]:
        rules = _RULES.get(cls)
        if rules is None:
            extra = cls.model_config.get("json_schema_extra") or {}
            found = extra.get("x-invariants", []) if isinstance(extra, dict) else []
            rules = _RULES[cls] = [dict(rule) for rule in found if isinstance(rule, dict)] if isinstance(found, list) else []
        return rules

    @model_validator(mode="before")
    @classmethod
    def _refuse_nulls(cls, data: Any) -> Any:
        """The contracts have no nulls: an absent optional field is left out (as the JSON Schema says)."""
        if isinstance(data, dict):
            for key, value in data.items():
                if value is None:
                    raise ValueError(f"{key}: null is not allowed; leave an absent optional field out")
        return data

    @model_validator(mode="after")
    def _check_invariants(self) -> Any:
        rules = type(self).invariant_rules()
        if rules:
            problems = list(violations(self.__dict__, rules))
            if problems:
                field, message = problems[0]
                raise ValueError(f"{path_text(field)}: {message}")
        return self

    @classmethod
    def trusted(cls, **values: Any) -> Any:
        """Build an instance from values trusted code produced itself, without validation (the hot path).

        Equivalent to ``model_construct`` (defaults filled in, nothing checked) at a fraction of its cost.
        Values must already have the model's Python types: Decimal, aware datetime, the generated enums.
        """
        data = cls._template().copy()
        data.update(values)
        return adopt(cls, data, set(values))

    @classmethod
    def trusted_complete(cls, values: dict[str, Any]) -> Any:
        """``trusted`` from a dict that holds every field in the model's order, which the instance takes over.

        The hot paths keep such a dict (a copy of ``defaults()`` with values assigned) and pass a fresh copy per
        event. Field order matters: it is the serialized order. Every field counts as set (the models are frozen,
        so the one set shared by a class's instances is never changed in place).
        """
        return adopt(cls, values, all_fields(cls))

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Every field in order, with its default (None where required): the base of a complete field dict."""
        return cls._template().copy()

    @classmethod
    def _template(cls) -> dict[str, Any]:
        template = _DEFAULTS.get(cls)
        if template is None:
            template = _DEFAULTS[cls] = {
                name: (None if info.is_required() else info.get_default(call_default_factory=True))
                for name, info in cls.model_fields.items()
            }
        return template

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict without nulls for absent optional fields (else the output fails its own schema)."""
        return self.model_dump(mode="json", exclude_none=True)

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=True)


# BaseModel's slots, set through their descriptors (cheaper than object.__setattr__ by name, on the hot path)
_new = object.__new__
_set_attr = object.__setattr__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def adopt(cls: type, data: dict[str, Any], fields_set: set[str]) -> Any:
    """An instance of ``cls`` whose field values are ``data`` itself: no validation, no copy."""
    instance: Any = _new(cls)
    _set_attr(instance, "__dict__", data)
    _set_fields_set(instance, fields_set)
    _set_extra(instance, None)
    _set_private(instance, None)
    return instance


def all_fields(cls: type[BaseModel]) -> set[str]:
    """The set of every field name of ``cls``, one shared set per class (the models are frozen)."""
    names = _ALL_FIELDS.get(cls)
    if names is None:
        names = _ALL_FIELDS[cls] = set(cls.model_fields)
    return names
