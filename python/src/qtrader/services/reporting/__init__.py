"""Reporting: an observer of the bus that turns a run into an equity curve, a trade list, metrics, exports
(CSV, Parquet, JSON) and one self-contained HTML report. See docs/reporting.md."""

from qtrader.services.reporting.config import BenchmarkConfig, ReportingConfig
from qtrader.services.reporting.service import ReportingService

__all__ = ["BenchmarkConfig", "ReportingConfig", "ReportingService"]
