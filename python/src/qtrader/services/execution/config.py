"""The ``execution`` config section: its models are generated from contracts/config/execution.v1.json.

The rules (which keys each slippage and commission model uses, bounds, tiers) and the defaults live in that
schema; ``parse_config`` checks them with the wording Go's execution service shares.
"""

from __future__ import annotations

from qtrader.contracts.generated.config_models import CommissionConfig, ExecutionConfig, SlippageConfig, TierConfig

__all__ = ["CommissionConfig", "ExecutionConfig", "SlippageConfig", "TierConfig"]
