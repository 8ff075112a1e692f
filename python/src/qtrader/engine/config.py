"""The run config: one YAML file that says everything about a backtest.

Sections: run, data, strategies, manager, execution, portfolio, reporting, services. Every section is validated
by the service that owns it; an unknown key anywhere is a ConfigError that names it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from qtrader.engine.services import REMOTE_CAPABLE
from qtrader.errors import ConfigError
from qtrader.safe_yaml import load_yaml_file
from qtrader.services.base import ServiceConfig, parse_config


class RunSection(ServiceConfig):
    name: str = Field("backtest", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
    output_dir: str | None = None
    event_log: bool = True
    report: bool = True


class RemoteTLS(ServiceConfig):
    """PEM files, relative to the config file: the CA that signed the server's certificate (default: the system's
    roots), and a client certificate and key when the server asks for one."""

    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    server_name: str | None = None  # the name to check the server's certificate against, if not the address's


class RemoteService(ServiceConfig):
    address: str = Field(pattern=r"^[^\s:]+:[0-9]{1,5}$")
    deadline_seconds: float = Field(10.0, gt=0)
    connect_timeout_seconds: float = Field(5.0, gt=0)
    config: dict[str, Any] | None = None
    tls: RemoteTLS | None = None
    token_env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")  # the variable holding the token


class RunConfig(ServiceConfig):
    run: RunSection = RunSection()
    data: dict[str, Any]
    strategies: list[dict[str, Any]] = Field(min_length=1)
    manager: dict[str, Any] = {}
    execution: dict[str, Any] = {}
    portfolio: dict[str, Any] = {}
    reporting: dict[str, Any] = {}
    services: dict[str, RemoteService] = {}


def load_run_config(path: Path) -> tuple[RunConfig, dict[str, Any]]:
    """Parse and validate; returns the validated config and the raw mapping (copied into the run folder)."""
    raw = load_yaml_file(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a run config is a mapping with sections run, data, strategies, ...")
    config = parse_config(RunConfig, raw, str(path))
    unknown = sorted(set(config.services) - set(REMOTE_CAPABLE))
    if unknown:
        raise ConfigError(f"{path}: services.{unknown[0]}: only {', '.join(REMOTE_CAPABLE)} can run remotely")
    return config, raw
