"""The pipeline's services, one entry each: the one list the engine, the run config, the gRPC host and `qtrader serve`
read. Adding a service is adding an entry here.

``SERVICES`` is in bus order, which is the subscription order and so the delivery order of a bar (depth-first):
execution (fills orders decided on earlier bars at this bar's prices), portfolio (marks to this bar), manager
(updates prices and volatility), strategy (decides on this bar; its orders can only fill from the next bar). The
data service is the source of the stream and reporting observes it: neither is subscribed, so neither is here.

Implementations are imported on first use, so the CLI and a host serving one service never import the others.
This module imports no service: services never depend on each other, and the registry does not make them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Mapping, cast

from qtrader.errors import ConfigError

if TYPE_CHECKING:
    from qtrader.engine.config import RunConfig
    from qtrader.services.base import Service

#: How a service's config is made from the run config and the folder of its file (the same config is applied
#: locally and sent in a remote service's Reset).
ConfigBuilder = Callable[["RunConfig", Path], dict[str, Any]]


@dataclass(frozen=True)
class ServiceEntry:
    """One service: its name, implementation, whether it can run remotely and how its config is built."""

    name: str
    implementation: str  # "module:Class", imported on first use
    config: ConfigBuilder
    remote: bool = True  # may be a `services:` section of a run config, and `qtrader serve NAME`
    #: The config a served service starts with, before its first Reset (it must be valid on its own).
    serve_config: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def load(self) -> type[Service]:
        """The in-process implementation's class."""
        module, _, attribute = self.implementation.partition(":")
        return cast("type[Service]", getattr(importlib.import_module(module), attribute))

    def build(self, run: RunConfig, base_dir: Path, run_id: str) -> Service:
        """The in-process service, configured from the run config."""
        return self.load()(self.config(run, base_dir), run_id=run_id)


def _execution(run: RunConfig, base_dir: Path) -> dict[str, Any]:
    return dict(run.execution)


def _portfolio(run: RunConfig, base_dir: Path) -> dict[str, Any]:
    return dict(run.portfolio)


def _manager(run: RunConfig, base_dir: Path) -> dict[str, Any]:
    return {"base_dir": str(base_dir), **run.manager}  # a policy file is relative to the run config


def _strategy(run: RunConfig, base_dir: Path) -> dict[str, Any]:
    strategy: dict[str, Any] = {"strategies": run.strategies, "warmup_bars": run.data.get("warmup_bars", 0),
                                "base_dir": str(base_dir)}
    start = run.data.get("start")
    if start is not None:  # bars before the start are the warm-up (as many as the data has, up to warmup_bars)
        strategy["trade_from"] = f"{start}T00:00:00Z"
    return strategy


SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry("execution", "qtrader.services.execution:ExecutionService", _execution),
    ServiceEntry("portfolio", "qtrader.services.portfolio:PortfolioService", _portfolio),
    ServiceEntry("manager", "qtrader.services.manager:ManagerService", _manager),
    ServiceEntry("strategy", "qtrader.services.strategy:StrategyService", _strategy,
                 serve_config=MappingProxyType({"strategies": [{"id": "buy_and_hold", "name": "BuyAndHold"}]})),
)

#: The services that can run remotely, in bus order.
REMOTE_CAPABLE: tuple[str, ...] = tuple(entry.name for entry in SERVICES if entry.remote)

_BY_NAME = {entry.name: entry for entry in SERVICES}


def service_entry(name: str, *, remote: bool = False) -> ServiceEntry:
    """The entry of a service by name (``remote``: one that can run remotely); a ConfigError names the choices."""
    entry = _BY_NAME.get(name)
    if entry is None or (remote and not entry.remote):
        choices = REMOTE_CAPABLE if remote else tuple(_BY_NAME)
        raise ConfigError(f"unknown service {name!r}; {'servable' if remote else 'known'}: {', '.join(choices)}")
    return entry
