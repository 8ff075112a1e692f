"""Base class of every generated model: frozen, strict, and aware of the schema's ``x-invariants``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from qtrader.contracts.invariants import violations

_RULES: dict[type, list[dict]] = {}


class ContractModel(BaseModel):
    """Frozen by the generated ``model_config``; validates cross-field invariants after field validation.

    Trusted internal code builds events with ``model_construct`` (no validation, the hot path); everything that
    comes from outside (files, gRPC, conformance) goes through ``model_validate`` and so through these checks.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def invariant_rules(cls) -> list[dict]:
        rules = _RULES.get(cls)
        if rules is None:
            extra = cls.model_config.get("json_schema_extra") or {}
            rules = _RULES[cls] = list(extra.get("x-invariants", [])) if isinstance(extra, dict) else []
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
                raise ValueError(f"{field}: {message}")
        return self

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict without nulls for absent optional fields (else the output fails its own schema)."""
        return self.model_dump(mode="json", exclude_none=True)

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=True)
