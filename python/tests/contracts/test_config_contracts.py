"""The config schemas follow the contract conventions, and the generated models agree with them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from qtrader.contracts.config import parse_config
from qtrader.contracts.generated import config_models
from qtrader.errors import ConfigError

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
    raw = yaml.safe_load("commission: {model: per_share, rate: 0.005, minimum: 1e3, maximum: ' 1_500.50 '}")
    commission = parse_config(config_models.ExecutionConfig, raw, "execution").commission
    assert (commission.rate, str(commission.minimum), str(commission.maximum)) == (Decimal("0.005"), "1E+3", "1500.50")
