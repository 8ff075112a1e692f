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
    rolling_sharpe_window: int = Field(126, ge=2, description="periods in the rolling Sharpe ratio's window")
    rolling_volatility_window: int = Field(126, ge=2, description="periods in the rolling volatility's window")
    rolling_beta_window: int = Field(126, ge=2, description="periods in the rolling beta's window")
    worst_drawdowns: int = Field(10, ge=0, description="rows of the worst-drawdowns table (0: no table)")
    log_scale: bool = Field(False, description="the cumulative-returns chart opens on a log scale")
    price_chart_symbols: int = Field(10, ge=0, description="symbols in the trades-on-price chart, the most traded "
                                     "first (0: no chart, and the report does not keep the bars)")


def parse_reporting_config(raw: Mapping[str, Any] | None) -> ReportingConfig:
    return parse_config(ReportingConfig, raw, SECTION)
