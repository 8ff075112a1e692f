"""Go and Python refuse the same configs and events with the same words (contracts/messages.v1.json).

The Go side is go/cmd/qtrader-check (the execution service's config adapter and input check); the Python side
is what the Python host does with the same text: yaml.safe_load + ExecutionService, and validate_event.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from qtrader.contracts.validation import validate_event
from qtrader.errors import QTraderError
from qtrader.grpc_host.server import parse_config_text
from qtrader.services.execution import ExecutionService

REPO = Path(__file__).resolve().parents[3]
GO = shutil.which("go")

pytestmark = pytest.mark.skipif(GO is None, reason="go is not installed")

#: Execution configs as Reset receives them (JSON text): invalid ones, then valid ones ("" expected).
CONFIGS = [
    '{"foo": 1}',
    '{"slippage": {"model": "fixed"}}',
    '{"slippage": {"model": "fixed_bps"}}',
    '{"slippage": {"model": "fixed_bps", "bps": "abc"}}',
    '{"slippage": {"model": "fixed_bps", "bps": true}}',
    '{"slippage": {"model": "fixed_bps", "bps": [1, "a", null, 1.5]}}',
    '{"slippage": {"model": "fixed_bps", "bps": null}}',
    '{"slippage": {"model": "fixed_bps", "bps": "nan"}}',
    '{"slippage": {"model": "fixed_bps", "bps": "-Infinity"}}',
    '{"slippage": {"model": "fixed_bps", "bps": 10000}}',
    '{"slippage": {"model": "fixed_bps", "bps": 5, "seed": 3}}',
    '{"slippage": {"model": "random", "bps": 5, "seed": 1.5}}',
    '{"slippage": {"model": "random", "bps": 5, "seed": "3"}}',
    '{"slippage": {"model": "random", "bps": 5, "seed": true}}',
    '{"slippage": {"model": "volume_share", "impact": -1, "max_bps": 5}}',
    '{"slippage": {"model": "volume_share", "impact": 1}}',
    '{"slippage": {"model": 3}}',
    '{"slippage": null}',
    '{"slippage": 5}',
    '{"slippage": {"x": 1, "model": "none"}}',
    '{"commission": {"model": "per_share"}}',
    '{"commission": {"model": "per_share", "rate": -1}}',
    '{"commission": {"model": "per_share", "rate": 1, "minimum": 5, "maximum": 2}}',
    '{"commission": {"model": "tiered", "tiers": []}}',
    '{"commission": {"model": "tiered", "tiers": [{"rate": 1}, {"up_to": 5, "rate": 1}]}}',
    '{"commission": {"model": "tiered", "tiers": [{"up_to": 5, "rate": 1}, {"up_to": 5, "rate": 1}]}}',
    '{"commission": {"model": "tiered", "tiers": [{"up_to": 5}]}}',
    '{"commission": {"model": "tiered", "tiers": [{"up_to": 5, "z": 2}]}}',
    '{"commission": {"model": "tiered", "tiers": 5}}',
    '{"commission": {"model": "tiered", "tiers": [5]}}',
    '{"commission": {"model": "none", "decimals": 13}}',
    '{"commission": {"model": "none", "decimals": -1}}',
    '{"commission": {"model": "none", "decimals": 2.0}}',
    '{"commission": {"model": "none", "decimals": "2"}}',
    '{"commission": {"model": "none", "rate": 1}}',
    '{"commission": {"model": "per_order", "rate": 1, "tiers": [{"rate": 1}]}}',
    '{"commission": {"model": "tiered", "tiers": [{"up_to": 5, "rate": -1}]}}',
    '{"participation": 0}',
    '{"participation": 1.5}',
    '{"participation": 0.0000001e+10}',
    '{"participation": 1e3}',
    '{"participation": "x"}',
    '{"symbols": [""]}',
    '{"symbols": "GOOG"}',
    '{"symbols": [1]}',
    '{"price_decimals": 13, "participation": 2}',
    '{"price_decimals": null}',
    '{"foo": 1, "bar": 2, "price_decimals": 20}',
    '{"zz": 1, "slippage": {"q": 1, "model": "x"}, "commission": {"model": "per_share"}, "participation": 5}',
    '{"commission": {"tiers": [{"rate": null}, {"up_to": "a", "rate": 1, "k": 1}], "model": "tiered"}}',
    '{"a":1,"a":2}',
    '{"commission": {"model": "none", "tiers": []}}',
    '{"commission": {"model": "tiered", "tiers": null}}',
    '{"symbols": ["A", 3, ""]}',
    "[1]",
    "null",
    '"x"',
]
VALID_CONFIGS = [
    "",
    "{}",
    '{"commission": {"model": "per_share", "rate": 1, "minimum": 0.000001e-3, "maximum": 1.5e+30}}',
    '{"slippage": {"model": "random", "bps": "5", "seed": 123456789012345678901234567890}, "symbols": []}',
    '{"commission": {"model": "tiered", "tiers": [{"up_to": 300, "rate": "0.0035"}, {"rate": "0.0015"}]}}',
]
INVALID_EVENTS = sorted((REPO / "contracts/invalid").rglob("*.json"))
VALID_EVENTS = sorted((REPO / "contracts/examples").rglob("*.json"))


def python_config_error(text: str) -> str:
    try:
        ExecutionService(parse_config_text(text))
    except QTraderError as exc:
        return str(exc)
    return ""


def python_event_error(instance: dict) -> str:
    try:
        validate_event(instance)
    except QTraderError as exc:
        return str(exc)
    return ""


@pytest.fixture(scope="module")
def go_check(tmp_path_factory: pytest.TempPathFactory) -> Path:
    binary = tmp_path_factory.mktemp("go") / "qtrader-check"
    subprocess.run([str(GO), "build", "-o", str(binary), "./cmd/qtrader-check"], cwd=REPO / "go", check=True)
    return binary


def go_verdicts(binary: Path, cases: list[dict]) -> list[str]:
    stdin = "".join(json.dumps(case) + "\n" for case in cases)
    out = subprocess.run([str(binary)], input=stdin, capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_configs_are_refused_alike(go_check: Path) -> None:
    texts = CONFIGS + VALID_CONFIGS
    go = go_verdicts(go_check, [{"kind": "config", "text": t} for t in texts])
    python = [python_config_error(t) for t in texts]
    assert [(t, g) for t, g in zip(texts, go)] == [(t, p) for t, p in zip(texts, python)]
    assert all(python[: len(CONFIGS)]), "every invalid config is refused"
    assert not any(python[len(CONFIGS):]), "every valid config is accepted"


def test_events_are_refused_alike(go_check: Path) -> None:
    instances = [json.loads(p.read_text())["instance"] for p in INVALID_EVENTS]
    instances += [json.loads(p.read_text()) for p in VALID_EVENTS]
    go = go_verdicts(go_check, [{"kind": "event", "instance": i} for i in instances])
    python = [python_event_error(i) for i in instances]
    names = [p.name for p in INVALID_EVENTS + VALID_EVENTS]
    assert list(zip(names, go)) == list(zip(names, python))
    assert all(python[: len(INVALID_EVENTS)]) and not any(python[len(INVALID_EVENTS):])
    for path, message in zip(INVALID_EVENTS, python):  # the message names the invalid example's field
        assert f"field {json.loads(path.read_text())['field']}" in message, (path.name, message)
