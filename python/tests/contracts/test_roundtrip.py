"""JSON -> Pydantic -> proto bytes -> Pydantic -> JSON, and events -> Arrow -> Parquet -> events, are lossless."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from qtrader.contracts.arrow_convert import events_to_table, read_parquet, table_to_events, write_parquet
from qtrader.contracts.compare import first_difference
from qtrader.contracts.generated import pipeline_pb2
from qtrader.contracts.proto_convert import from_envelope, to_envelope
from qtrader.contracts.registry import EVENTS
from qtrader.contracts.validation import contract_errors, parse_event

from .schema_strategies import event_instances

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((REPO / "contracts" / "examples").rglob("*.json"))


def proto_round_trip(instance: dict) -> dict:
    model = parse_event(instance)
    wire = to_envelope(model).SerializeToString()
    back = from_envelope(pipeline_pb2.Envelope.FromString(wire))
    assert back == model
    return back.to_dict()


def arrow_round_trip(instance: dict, tmp_path: Path) -> dict:
    """Events -> Arrow table -> Parquet file -> events."""
    model = parse_event(instance)
    table = events_to_table([model, model])
    assert table.num_rows == 2
    path = tmp_path / "events.parquet"
    write_parquet(table_to_events(table), path)
    first, second = read_parquet(path)
    assert first == second
    return second.to_dict()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_round_trip(path: Path, tmp_path: Path):
    instance = json.loads(path.read_text())
    assert first_difference(instance, proto_round_trip(instance)) is None
    assert first_difference(instance, arrow_round_trip(instance, tmp_path)) is None


@pytest.mark.parametrize("event_type", list(EVENTS))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=__import__("hypothesis").strategies.data())
def test_generated_instances_round_trip(event_type: str, data, tmp_path: Path):
    instance = data.draw(event_instances(event_type))
    assert list(contract_errors(instance)) == [], "the strategy made an invalid instance"
    via_proto = proto_round_trip(instance)
    assert first_difference(instance, via_proto) is None, first_difference(instance, via_proto)
    via_arrow = arrow_round_trip(instance, tmp_path)
    assert first_difference(instance, via_arrow) is None, first_difference(instance, via_arrow)


def test_round_trip_keeps_plain_notation():
    instance = json.loads((REPO / "contracts/examples/data/price_bar.v1.daily.json").read_text())
    instance["volume"] = "1000"
    via_proto = proto_round_trip(instance)
    assert via_proto["volume"] == "1000" and via_proto["open"] == "100.00"


def test_first_difference_names_the_field():
    assert first_difference({"a": {"b": "1.50"}}, {"a": {"b": "1.5"}}) is None
    assert first_difference({"t": "2024-01-02T00:00:00+01:00"}, {"t": "2024-01-01T23:00:00Z"}) is None
    assert first_difference({"a": [{"p": "1"}]}, {"a": [{"p": "2"}]}) == "a[0].p: expected '1', got '2'"
    assert "missing" in first_difference({"a": "1"}, {})


@pytest.mark.parametrize("event_type", list(EVENTS))
@settings(max_examples=60, deadline=None)
@given(data=__import__("hypothesis").strategies.data())
def test_fast_event_log_json_equals_pydantic(event_type: str, data):
    from qtrader.contracts.jsonl import dumps

    model = parse_event(data.draw(event_instances(event_type)))
    assert dumps(model).decode() == model.model_dump_json(exclude_none=True)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_fast_event_log_json_equals_pydantic_on_examples(path: Path):
    from qtrader.contracts.jsonl import dumps

    model = parse_event(json.loads(path.read_text()))
    assert dumps(model).decode() == model.model_dump_json(exclude_none=True)
    assert dumps(model).decode() == model.model_dump_json(exclude_none=True)  # nested parts now from the cache


def test_fast_event_log_json_writes_exponents_and_negative_zero_as_pydantic():
    from decimal import Decimal

    from qtrader.contracts.jsonl import dumps

    model = parse_event(json.loads((REPO / "contracts/examples/data/price_bar.v1.daily.json").read_text()))
    for text in ["1E+3", "-0", "-0.00", "0E-12", "1.50", "-1E+2", "0.000000000001"]:
        bar = model.model_copy(update={"close": Decimal(text), "currency": None})
        assert dumps(bar).decode() == bar.model_dump_json(exclude_none=True), text


def test_fast_event_log_json_sees_through_type_aliases():
    from decimal import Decimal
    from typing import Optional

    from pydantic import BaseModel
    from typing_extensions import TypeAliasType

    from qtrader.contracts.jsonl import dumps

    MaybePrice = TypeAliasType("MaybePrice", Optional[Decimal])  # noqa: UP007 (an alias of a union, as generated)

    class Quote(BaseModel):
        price: MaybePrice  # required, and may be None: only the alias says so
        venue: str

    for quote in (Quote(price=None, venue="X"), Quote(price=Decimal("1.50"), venue="X")):
        assert dumps(quote).decode() == quote.model_dump_json(exclude_none=True)
