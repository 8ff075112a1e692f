"""StrategyService and the Strategy protocol: strategies see bars and emit signals, never orders."""

from qtrader.services.strategy.protocol import Strategy, StrategyContext
from qtrader.services.strategy.service import StrategyService

__all__ = ["Strategy", "StrategyContext", "StrategyService"]
