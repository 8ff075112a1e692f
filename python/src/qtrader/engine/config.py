"""The run config: one YAML file that says everything about a backtest.

Sections: run, data, strategies, manager, execution, portfolio, reporting, services. The whole file is checked
against contracts/config/run.v1.json, which refers to each service's own schema, so any problem (an unknown key
anywhere) is a ConfigError naming its path; each service then builds its model from its section.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from qtrader.contracts.config import config_problems
from qtrader.contracts.generated.config_models import RemoteService, RemoteTLS, RunConfig, RunSection
from qtrader.engine.overrides import apply_overrides
from qtrader.engine.services import REMOTE_CAPABLE
from qtrader.errors import ConfigError
from qtrader.safe_yaml import load_yaml_file

__all__ = ["REMOTE_CAPABLE", "RemoteService", "RemoteTLS", "RunConfig", "RunSection", "load_run_config",
           "remote_service"]


def remote_service(config: RunConfig, name: str) -> RemoteService | None:
    """Where the run places a service remotely (None: in-process). The schema's ``services`` keys are the
    registry's remote-capable services (a test holds them equal)."""
    remote: RemoteService | None = getattr(config.services, name) if name in REMOTE_CAPABLE else None
    return remote


def load_run_config(path: Path, overrides: Iterable[tuple[str, Any]] = ()) -> tuple[RunConfig, dict[str, Any]]:
    """Parse, apply the dotted-key ``overrides`` (engine/overrides.py), validate; returns the validated config and
    the raw mapping as overridden (copied into the run folder, so it alone reproduces the run)."""
    raw = load_yaml_file(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a run config is a mapping with sections run, data, strategies, ...")
    overrides = list(overrides)
    if overrides:
        raw = apply_overrides(raw, overrides)
    normalized, problems = config_problems(RunConfig, raw, "")
    if problems:  # the file, then each problem by its path in the file: "run.yaml: execution.foo: unknown key"
        label = f"{path} (with --set {', '.join(key for key, _ in overrides)})" if overrides else str(path)
        raise ConfigError(f"{label}: " + "; ".join(problems))
    return RunConfig.model_validate(normalized), raw
