"""The ``reporting`` section of a run config; unknown keys are a ConfigError, never ignored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, model_validator

from qtrader.services.base import ServiceConfig, parse_config

SECTION = "reporting"


class BenchmarkConfig(ServiceConfig):
    """Exactly one of: a symbol of the run (buy-and-hold of its closes) or a CSV file with date,close."""

    symbol: str | None = Field(None, min_length=1)
    path: str | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _exactly_one(self) -> BenchmarkConfig:
        if (self.symbol is None) == (self.path is None):
            raise ValueError("give exactly one of benchmark.symbol (a symbol of the run) or benchmark.path (a CSV)")
        return self


class ReportingConfig(ServiceConfig):
    html: bool = True
    benchmark: BenchmarkConfig | None = None
    risk_free_rate: float = Field(0.0, gt=-1.0, allow_inf_nan=False, description="annual, compounded per period")
    periods_per_year: float = Field(252.0, gt=0, allow_inf_nan=False)
    title: str | None = None


def parse_reporting_config(raw: Mapping[str, Any] | None) -> ReportingConfig:
    return parse_config(ReportingConfig, raw, SECTION)
