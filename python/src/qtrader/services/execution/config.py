"""The ``execution`` config section: slippage, commission, participation cap, known symbols, price rounding.

Every key is optional; the defaults give no costs and no volume cap (a market order fills entirely at the next
bar's open). Decimal keys accept strings, ints, Decimals and YAML numbers; a YAML float is read through its
shortest decimal spelling (``0.005`` stays ``0.005``, never its binary approximation). Keys that the chosen model
does not use are an error, so a typo never silently changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from qtrader.services.base import ConfigDecimal, ServiceConfig

MAX_BPS = Decimal(10000)


Places = Annotated[int, Field(strict=True, ge=0, le=12)]


def _require(model: str, present: dict[str, Any], required: tuple[str, ...], allowed: tuple[str, ...]) -> None:
    for key in required:
        if present.get(key) is None:
            raise ValueError(f"{key} is required by model {model}")
    for key, value in present.items():
        if value is not None and key not in required + allowed:
            raise ValueError(f"{key} is not used by model {model}; remove it or choose another model")


class SlippageConfig(ServiceConfig):
    """How far a fill price moves against the order, in basis points of the rule price."""

    model: Literal["none", "fixed_bps", "volume_share", "random"] = "none"
    bps: ConfigDecimal | None = None
    impact: ConfigDecimal | None = None
    max_bps: ConfigDecimal | None = None
    seed: Annotated[int, Field(strict=True)] | None = None

    @model_validator(mode="after")
    def _check(self) -> SlippageConfig:
        present = {"bps": self.bps, "impact": self.impact, "max_bps": self.max_bps, "seed": self.seed}
        rules = {
            "none": ((), ()),
            "fixed_bps": (("bps",), ()),
            "random": (("bps",), ("seed",)),
            "volume_share": (("impact", "max_bps"), ("bps",)),
        }
        required, allowed = rules[self.model]
        _require(self.model, present, required, allowed)
        for key in ("bps", "max_bps"):
            value = present[key]
            if value is not None and not (0 <= value < MAX_BPS):
                raise ValueError(f"{key} must be in [0, 10000) basis points, got {value}")
        if self.impact is not None and self.impact < 0:
            raise ValueError(f"impact must be >= 0, got {self.impact}")
        return self


class TierConfig(ServiceConfig):
    """One tier of a tiered per-share commission: ``rate`` per unit for the units up to ``up_to``."""

    up_to: ConfigDecimal | None = None
    rate: ConfigDecimal


class CommissionConfig(ServiceConfig):
    """What one fill costs; minimum and maximum clamp each fill's commission."""

    model: Literal["none", "per_share", "per_order", "percent", "tiered"] = "none"
    rate: ConfigDecimal | None = None
    minimum: ConfigDecimal | None = None
    maximum: ConfigDecimal | None = None
    tiers: list[TierConfig] | None = None
    decimals: Places = 6

    @model_validator(mode="after")
    def _check(self) -> CommissionConfig:
        present = {"rate": self.rate, "minimum": self.minimum, "maximum": self.maximum, "tiers": self.tiers}
        if self.model == "none":
            _require("none", present, (), ())
        elif self.model == "tiered":
            _require("tiered", present, ("tiers",), ("minimum", "maximum"))
        else:
            _require(self.model, present, ("rate",), ("minimum", "maximum"))
        for key in ("rate", "minimum", "maximum"):
            value = present[key]
            if value is not None and value < 0:
                raise ValueError(f"{key} must be >= 0, got {value}")
        if self.minimum is not None and self.maximum is not None and self.maximum < self.minimum:
            raise ValueError(f"maximum ({self.maximum}) must be >= minimum ({self.minimum})")
        if self.tiers is not None:
            _check_tiers(self.tiers)
        return self


def _check_tiers(tiers: list[TierConfig]) -> None:
    if not tiers:
        raise ValueError("tiers must list at least one tier")
    previous = Decimal(0)
    for index, tier in enumerate(tiers):
        if tier.rate < 0:
            raise ValueError(f"tiers[{index}].rate must be >= 0, got {tier.rate}")
        if tier.up_to is None:
            if index != len(tiers) - 1:
                raise ValueError(f"tiers[{index}]: only the last tier may leave up_to out (it is open-ended)")
            continue
        if tier.up_to <= previous:
            raise ValueError(f"tiers[{index}].up_to must be greater than {previous}, got {tier.up_to}")
        previous = tier.up_to


class ExecutionConfig(ServiceConfig):
    """The whole ``execution`` section."""

    slippage: SlippageConfig = SlippageConfig()
    commission: CommissionConfig = CommissionConfig()
    participation: ConfigDecimal | None = None
    symbols: list[Annotated[str, Field(min_length=1)]] | None = None
    price_decimals: Places = 6

    @model_validator(mode="after")
    def _check(self) -> ExecutionConfig:
        if self.participation is not None and not (0 < self.participation <= 1):
            raise ValueError(f"participation must be in (0, 1], got {self.participation}")
        return self
