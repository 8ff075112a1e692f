"""The ``reporting`` section of a run config: its models are generated from contracts/config/reporting.v1.json."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qtrader.contracts.config import parse_config
from qtrader.contracts.generated.config_models import BenchmarkConfig, ReportingConfig

__all__ = ["BenchmarkConfig", "ReportingConfig", "parse_reporting_config"]

SECTION = "reporting"


def parse_reporting_config(raw: Mapping[str, Any] | None) -> ReportingConfig:
    return parse_config(ReportingConfig, raw, SECTION)
