"""The Python services that can be served remotely, by name."""

from __future__ import annotations

from typing import Any, Mapping

from qtrader.errors import ConfigError
from qtrader.services.base import Service

SERVABLE = ("strategy", "manager", "execution", "portfolio")


def service_class(name: str) -> type[Service]:
    if name == "strategy":
        from qtrader.services.strategy import StrategyService

        return StrategyService
    if name == "manager":
        from qtrader.services.manager import ManagerService

        return ManagerService
    if name == "execution":
        from qtrader.services.execution import ExecutionService

        return ExecutionService
    if name == "portfolio":
        from qtrader.services.portfolio import PortfolioService

        return PortfolioService
    raise ConfigError(f"unknown service {name!r}; servable: {', '.join(SERVABLE)}")


def default_config(name: str) -> Mapping[str, Any]:
    """A config a service accepts before its first Reset (the strategy service needs at least one strategy)."""
    if name == "strategy":
        return {"strategies": [{"id": "buy_and_hold", "name": "BuyAndHold"}]}
    return {}
