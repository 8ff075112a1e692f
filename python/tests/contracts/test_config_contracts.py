"""The config schemas follow the contract conventions, and the generated models agree with them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import pytest

from qtrader.contracts.config import parse_config
from qtrader.contracts.generated import config_models
from qtrader.errors import ConfigError
from qtrader.safe_yaml import load_yaml

CONFIG_DIR = Path(__file__).resolve().parents[3] / "contracts" / "config"
SCHEMAS = {p.name: json.loads(p.read_text()) for p in sorted(CONFIG_DIR.glob("*.json"))}


def objects(node: Any, where: str) -> Iterator[tuple[str, dict]]:
    if isinstance(node, dict):
        if "properties" in node:
            yield where, node
        for key, value in node.items():
            yield from objects(value, f"{where}/{key}")


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_conventions(name: str) -> None:
    for where, obj in objects(SCHEMAS[name], name):
        assert obj.get("additionalProperties") is False, where
        for prop, schema in obj["properties"].items():
            assert schema.get("description"), f"{where}.{prop} has no description"


@pytest.mark.parametrize("title", sorted(config_models.SCHEMA_FILES))
def test_model_defaults_are_the_schema_defaults(title: str) -> None:
    model = getattr(config_models, title)
    try:
        checked = parse_config(model, {}, title)
    except ConfigError:
        return  # a section with required keys has no all-default form
    assert model() == checked


def test_decimals_follow_the_one_rule() -> None:
    raw = load_yaml("commission: {model: per_share, rate: 0.005, minimum: 1e3, maximum: ' 1_500.50 '}", "test")
    commission = parse_config(config_models.ExecutionConfig, raw, "execution").commission
    assert (commission.rate, str(commission.minimum), str(commission.maximum)) == (Decimal("0.005"), "1E+3", "1500.50")


def _problems(title: str, raw: dict[str, Any]) -> str:
    try:
        parse_config(getattr(config_models, title), raw, "x")
    except ConfigError as exc:
        return str(exc)
    return ""


def _strategy(**keys: Any) -> dict[str, Any]:
    return {"strategies": [{"id": "a", "name": "BuyAndHold", **keys}]}


def _remote(**keys: Any) -> dict[str, Any]:
    return {"data": {"sources": [{"symbol": "A", "path": "a.csv"}]}, "strategies": [{"id": "a", "name": "BuyAndHold"}],
            "services": {"execution": {"address": "h:1", **keys}}}


NULLABLE_AND_BOUNDED = [  # main's runtime and drawdown keys: their rules and their nulls
    ("ReportingConfig", {"rolling_sharpe_window": 1}, "x.rolling_sharpe_window: must be >= 2"),
    ("ReportingConfig", {"rolling_beta_window": 2, "worst_drawdowns": 0, "price_chart_symbols": 0}, ""),
    ("ReportingConfig", {"worst_drawdowns": -1}, "x.worst_drawdowns: must be >= 0"),
    ("ReportingConfig", {"log_scale": "yes"}, "x.log_scale: must be true or false"),
    ("DataConfig", {"sources": [{"symbol": "A", "path": "a.csv"}], "allow_empty": 1}, "x.allow_empty: must be true"),
    ("StrategyServiceConfig", _strategy(time_limit_seconds=None), ""),
    ("StrategyServiceConfig", _strategy(time_limit_seconds=0.5), ""),
    ("StrategyServiceConfig", _strategy(time_limit_seconds=0), "x.strategies[0].time_limit_seconds: must be > 0"),
    ("RunConfig", _remote(tls=None, token_env=None), ""),
    ("RunConfig", _remote(tls={"ca_file": None, "server_name": "s"}, token_env="T_1"), ""),
    ("RunConfig", _remote(token_env="1T"), "x.services.execution.token_env: must match"),
    ("RunConfig", _remote(tls={"ca": "c.pem"}), "x.services.execution.tls.ca: unknown key"),
    ("RunConfig", _remote(tls={"cert_file": 1}), "x.services.execution.tls.cert_file: must be"),
]


@pytest.mark.parametrize(("title", "raw", "expected"), NULLABLE_AND_BOUNDED)
def test_nullable_and_bounded_keys(title: str, raw: dict[str, Any], expected: str) -> None:
    problems = _problems(title, raw)
    assert problems.startswith(expected) and bool(problems) == bool(expected), problems
