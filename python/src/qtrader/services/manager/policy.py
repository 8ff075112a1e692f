"""The risk policy: how signals are sized and which limits they must pass. YAML, built-in or a user file."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Mapping

from pydantic import Field, model_validator

from qtrader.errors import ConfigError
from qtrader.safe_yaml import load_yaml, load_yaml_file
from qtrader.services.base import ServiceConfig, parse_config

BUILTIN_POLICIES = ("default", "fixed_100", "conservative")


class SizingPolicy(ServiceConfig):
    method: Literal["fixed_quantity", "fixed_fraction", "equal_weight", "volatility_target", "kelly"] = "fixed_fraction"
    quantity: Decimal | None = Field(None, gt=0)
    fraction: Decimal | None = Field(None, gt=0, le=1)
    slots: int | None = Field(None, ge=1)
    target_annual_vol: Decimal | None = Field(None, gt=0)
    lookback: int = Field(20, ge=2)
    periods_per_year: int = Field(252, ge=1)
    win_probability: Decimal | None = Field(None, ge=0, le=1)
    win_loss_ratio: Decimal | None = Field(None, gt=0)
    fraction_of_kelly: Decimal = Field(Decimal(1), gt=0, le=1)
    lot_size: Decimal = Field(Decimal(1), gt=0)

    @model_validator(mode="after")
    def _needs(self) -> "SizingPolicy":
        needed = {"fixed_quantity": ["quantity"], "fixed_fraction": ["fraction"], "equal_weight": ["slots"],
                  "volatility_target": ["target_annual_vol"], "kelly": ["win_probability", "win_loss_ratio"]}
        missing = [key for key in needed[self.method] if getattr(self, key) is None]
        if missing:
            raise ValueError(f"sizing method {self.method} needs {', '.join(missing)}")
        return self


class LimitsPolicy(ServiceConfig):
    max_weight: Decimal | None = Field(None, gt=0)
    max_leverage: Decimal | None = Field(None, gt=0)
    max_positions: int | None = Field(None, ge=1)
    max_drawdown: Decimal | None = Field(None, gt=0, le=1)

    def as_mapping(self) -> dict[str, Decimal]:
        return {k: Decimal(v) for k, v in self.model_dump().items() if v is not None}


class Policy(ServiceConfig):
    sizing: SizingPolicy = SizingPolicy(method="fixed_fraction", fraction=Decimal("0.1"))
    limits: LimitsPolicy = LimitsPolicy()
    allow_short: bool = False
    allow_pyramiding: bool = False
    honor_target_quantity: bool = True
    order_type: Literal["MARKET", "LIMIT", "STOP", "STOP_LIMIT"] = "MARKET"
    time_in_force: Literal["DAY", "GTC", "IOC", "FOK"] = "DAY"


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
