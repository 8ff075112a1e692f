"""The portfolio service: tax-lot accounting, cash per currency, P&L, corporate actions, financing, snapshots."""

from qtrader.services.portfolio.config import PortfolioConfig
from qtrader.services.portfolio.service import PortfolioService

__all__ = ["PortfolioConfig", "PortfolioService"]
