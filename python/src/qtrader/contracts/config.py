"""Reading a service config: the schema checker first (contracts/config, the shared wording), then the model.

A problem reads ``<section>.<path>: <rule>`` (``execution.commission.minimum: must be >= 0``), every problem of
the section joined by ``; ``, exactly as Go's checker words it. An unknown key is refused with its path. Decimal
keys follow one rule (contracts/README.md): a string is read exactly, an integer as written, a float (a YAML
number with a dot) by its shortest spelling, so ``0.005`` is exactly 0.005.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timezone
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from qtrader.contracts.checker import Checker, problem_text
from qtrader.contracts.config_model import ConfigModel
from qtrader.contracts.generated.config_models import SCHEMA_FILES
from qtrader.errors import ConfigError

M = TypeVar("M", bound=ConfigModel)

CONFIG_BASE = "https://contracts.qtrader.dev/config/"


@cache
def config_checker() -> Checker:
    """The checker over every config schema (bundled into the generated package)."""
    base = resources.files("qtrader.contracts.generated") / "config_schemas"
    documents = {}
    for name in sorted(set(SCHEMA_FILES.values()) | {"common.v1.json"}):
        schema = json.loads((base / name).read_text(encoding="utf-8"))
        documents[schema["$id"]] = schema
    return Checker(documents)


def json_ready(value: Any) -> Any:
    """A YAML-loaded value as JSON: YAML reads unquoted dates and times as objects (a naive time is UTC)."""
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value


def config_problems(model: type[ConfigModel], raw: Any, where: str) -> tuple[Any, list[str]]:
    """(the normalized config, defaults filled in; its problems as text)."""
    schema_id = CONFIG_BASE + SCHEMA_FILES[model.__name__]
    normalized, problems = config_checker().check(schema_id, json_ready(raw))
    return normalized, [problem_text(where, path, message) for path, message in problems]


def parse_config(model: type[M], raw: Mapping[str, Any] | None, where: str) -> M:
    """Check a config section against its schema and build its model; a ConfigError lists every problem."""
    normalized, problems = config_problems(model, {} if raw is None else raw, where)
    if problems:
        raise ConfigError("; ".join(problems))
    return model.model_validate(normalized)
