"""The ``portfolio`` config section: its models are generated from contracts/config/portfolio.v1.json.

What the schema cannot say is checked here: the FX symbols a config implies must be distinct and must not be
instruments, and ``snapshot`` (a PortfolioSnapshot as JSON, ``service.snapshot().to_dict()``) must pass its event
contract, so a bad one is a ConfigError naming the field; a config can then resume a run (conformance cases do).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qtrader.contracts.config import parse_config
from qtrader.contracts.generated.config_models import InstrumentConfig, PortfolioConfig
from qtrader.contracts.validation import contract_errors
from qtrader.errors import ConfigError

__all__ = ["DAY_COUNT_BASIS", "InstrumentConfig", "PortfolioConfig", "fx_symbol_map", "parse_portfolio_config"]

SECTION = "portfolio"

#: Days in the year of each day-count convention (ACT: actual calendar days elapsed).
DAY_COUNT_BASIS = {"ACT/365": 365, "ACT/360": 360}


def parse_portfolio_config(raw: Mapping[str, Any] | None) -> PortfolioConfig:
    """The checked config: the schema, then the snapshot's contract and the FX symbols."""
    config = parse_config(PortfolioConfig, raw, SECTION)
    if config.snapshot is not None:
        _check_snapshot(config.snapshot)
    fx_symbol_map(config)
    return config


def _check_snapshot(snapshot: dict[str, Any]) -> None:
    where = f"{SECTION}.snapshot"
    if snapshot.get("event_type") != "PortfolioSnapshot":
        raise ConfigError(f"{where}.event_type: must be PortfolioSnapshot, got {snapshot.get('event_type')!r}; paste "
                          "the output of service.snapshot().to_dict()")
    for field, message in contract_errors(snapshot):
        raise ConfigError(f"{where}.{field}: {message}")  # the first problem, named by its path in the snapshot


def fx_symbol_map(config: PortfolioConfig) -> dict[str, str]:
    """FX bar symbol -> the currency whose base-currency rate it gives (instrument currencies + fx_symbols)."""
    where = f"{SECTION}.fx_symbols"
    if config.base_currency in config.fx_symbols:
        raise ConfigError(f"{where}.{config.base_currency}: the base currency has no FX rate to look up")
    symbols = sorted(config.fx_symbols.values())
    for a, b in zip(symbols, symbols[1:]):
        if a == b:
            raise ConfigError(f"{where}: {a} gives the rate of two currencies")
    currencies = {i.currency for i in config.instruments.values()} | set(config.fx_symbols)
    currencies.discard(config.base_currency)
    mapping: dict[str, str] = {}
    for currency in sorted(currencies):
        symbol = config.fx_symbols.get(currency, currency + config.base_currency)
        if symbol in mapping:
            raise ConfigError(f"{where}: {symbol} would give the rate of both {mapping[symbol]} and {currency}")
        mapping[symbol] = currency
    clash = sorted(set(mapping) & set(config.instruments))
    if clash:
        raise ConfigError(f"{SECTION}.instruments.{clash[0]}: is both an FX rate series and an instrument; rename one")
    return mapping
