"""Execution: the simulated broker. Orders in, OrderUpdates and Fills out; see docs/execution.md."""

from qtrader.services.execution.config import CommissionConfig, ExecutionConfig, SlippageConfig, TierConfig
from qtrader.services.execution.orders import OrderSnapshot
from qtrader.services.execution.service import ExecutionService
from qtrader.services.execution.state_machine import TRANSITIONS, check_transition, is_legal, is_terminal

__all__ = [
    "TRANSITIONS",
    "CommissionConfig",
    "ExecutionConfig",
    "ExecutionService",
    "OrderSnapshot",
    "SlippageConfig",
    "TierConfig",
    "check_transition",
    "is_legal",
    "is_terminal",
]
