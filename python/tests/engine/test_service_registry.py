"""The registry of services is the one list: the engine, the run config, the gRPC host and `qtrader serve` read it,
and a service added there is built, configured and subscribed with nothing else to change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from qtrader.cli import build_parser
from qtrader.contracts.generated.config_models import ServicesConfig
from qtrader.contracts.registry import EVENTS
from qtrader.engine import backtest
from qtrader.engine.config import RemoteService, load_run_config
from qtrader.engine.remote import RemoteServiceProxy
from qtrader.engine.services import REMOTE_CAPABLE, SERVICES, ServiceEntry, service_entry
from qtrader.errors import ConfigError
from qtrader.grpc_host.server import PipelineServicer, start_server
from qtrader.services.base import Service

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "python/examples/sma_crossover_goog.yaml"


def test_bus_order() -> None:
    # delivery order of a bar: fills at this bar's prices, then the marks, then the manager, then the decision
    assert [entry.name for entry in SERVICES] == ["execution", "portfolio", "manager", "strategy"]


@pytest.mark.parametrize("entry", SERVICES, ids=lambda entry: entry.name)
def test_every_entry_names_its_implementation(entry: ServiceEntry) -> None:
    cls = entry.load()
    assert issubclass(cls, Service) and cls.name == entry.name
    assert set(cls.consumes) | set(cls.emits) <= set(EVENTS)
    cls(entry.serve_config)  # a served service starts with a config it accepts


def test_serve_and_the_run_config_offer_the_remote_capable_services(tmp_path: Path) -> None:
    commands = next(a for a in build_parser()._actions if a.dest == "command")
    serve = commands.choices["serve"]  # type: ignore[index]
    assert tuple(next(a for a in serve._actions if a.dest == "service").choices) == REMOTE_CAPABLE
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["services"] = {"reporting": {"address": "127.0.0.1:1"}}
    (tmp_path / "run.yaml").write_text(yaml.safe_dump(raw))
    # the run config's schema (contracts/config/run.v1.json) offers exactly the registry's remote-capable services
    assert tuple(ServicesConfig.model_fields) == REMOTE_CAPABLE
    with pytest.raises(ConfigError, match=r"run\.yaml: services\.reporting: unknown key"):
        load_run_config(tmp_path / "run.yaml")


def test_every_remote_capable_service_has_conformance_cases() -> None:
    cases = REPO / "conformance" / "cases"
    assert sorted(p.name for p in cases.iterdir() if p.is_dir()) == sorted(REMOTE_CAPABLE)


def test_unknown_service_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="unknown service 'risk'; servable: execution, portfolio, manager, strategy"):
        service_entry("risk", remote=True)
    with pytest.raises(ConfigError, match="unknown service 'reporting'"):
        PipelineServicer("reporting")


class FillAudit(Service):
    """A service the engine has never heard of: it counts fills (its config says where)."""

    name = "audit"
    consumes = ("Fill",)
    emits = ()
    seen: list[dict[str, Any]] = []

    def reset(self, config: Any, run_id: str) -> None:
        super().reset(config, run_id)
        self.config = dict(config or {})

    def on_fill(self, fill: Any) -> None:
        FillAudit.seen.append({**self.config, "fill": fill.fill_id})


def test_a_new_service_is_one_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = ServiceEntry("audit", f"{__name__}:FillAudit", lambda run, base_dir: {"run": run.run.name})
    monkeypatch.setattr(backtest, "SERVICES", (*SERVICES, entry))
    FillAudit.seen.clear()
    engine = backtest.BacktestEngine.from_yaml(EXAMPLE, output_dir=tmp_path / "run")
    engine.config = engine.config.model_copy(update={"run": engine.config.run.model_copy(update={"report": False})})
    engine.run()
    fills = [line for line in (tmp_path / "run/events.jsonl").read_text().splitlines() if '"event_type":"Fill"' in line]
    assert fills and len(FillAudit.seen) == len(fills)
    assert FillAudit.seen[0]["run"] == engine.config.run.name


def test_a_remote_service_is_reset_like_a_local_one() -> None:
    """The proxy's reset sends the config and asks again what the service consumes (a config may change it)."""
    server, port = start_server("manager", 0)
    try:
        proxy = RemoteServiceProxy("manager", RemoteService.model_validate({"address": f"127.0.0.1:{port}"}), {}, "run")
        assert "PriceBar" not in proxy.consumes  # only volatility sizing reads bars
        volatility = {"sizing": {"method": "volatility_target", "target_annual_vol": "0.1"}}
        proxy.reset({"policy": volatility}, "run")
        assert "PriceBar" in proxy.consumes and proxy.handler("PriceBar") == proxy.handle
        proxy.close()
    finally:
        server.stop(None)
