"""The risk policy: how signals are sized and which limits they must pass. YAML, built-in or a user file.

Its models are generated from contracts/config/policy.v1.json (rules and defaults there)."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from qtrader.contracts.config import parse_config
from qtrader.contracts.generated.config_models import LimitsPolicy, Policy, SizingPolicy
from qtrader.errors import ConfigError
from qtrader.safe_yaml import load_yaml, load_yaml_file

__all__ = ["BUILTIN_POLICIES", "LimitsPolicy", "Policy", "SizingPolicy", "limits_mapping", "load_policy"]

BUILTIN_POLICIES = ("default", "fixed_100", "conservative")


def limits_mapping(limits: LimitsPolicy) -> dict[str, Decimal]:
    """The limits that are set, by name."""
    return {k: Decimal(v) for k, v in limits.model_dump().items() if v is not None}


def load_policy(spec: str | Mapping[str, Any] | None, base_dir: Path = Path(".")) -> Policy:
    """A built-in name, a path to a YAML file, or an inline mapping."""
    if spec is None:
        spec = "default"
    if isinstance(spec, Mapping):
        return parse_config(Policy, spec, "manager.policy")
    if spec in BUILTIN_POLICIES:
        where = f"built-in policy {spec}"
        raw = load_yaml((resources.files("qtrader.services.manager") / "policies" / f"{spec}.yaml").read_text(), where)
    else:
        path = Path(spec) if Path(spec).is_absolute() else base_dir / spec
        if not path.exists():
            raise ConfigError(f"manager.policy: {spec!r} is neither a built-in ({', '.join(BUILTIN_POLICIES)}) "
                              f"nor an existing file ({path})")
        where = str(path)
        raw = load_yaml_file(path)
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: a policy is a mapping of sizing, limits, ...")
    return parse_config(Policy, raw, where)
