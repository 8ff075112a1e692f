"""Every valid example loads; every invalid one is rejected by both validators, naming the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from qtrader.contracts.registry import EVENTS, all_schemas, event_class
from qtrader.contracts.validation import contract_errors, parse_event, reference_validator, validate_event
from qtrader.errors import ContractError

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((REPO / "contracts" / "examples").rglob("*.json"))
INVALID = sorted((REPO / "contracts" / "invalid").rglob("*.json"))


def _id(path: Path) -> str:
    return path.relative_to(REPO / "contracts").as_posix()


def test_every_event_schema_has_an_example():
    covered = {json.loads(p.read_text())["event_type"] for p in EXAMPLES}
    assert covered == set(EVENTS)


def test_examples_live_beside_their_schema():
    for path in EXAMPLES + INVALID:
        rel = path.relative_to(path.parents[1]).as_posix()
        schema_rel = rel.split(".v")[0] + ".v" + rel.split(".v")[1].split(".")[0] + ".json"
        assert schema_rel in all_schemas(), f"{_id(path)} has no schema {schema_rel}"


@pytest.mark.parametrize("path", EXAMPLES, ids=_id)
def test_valid_example(path: Path):
    instance = json.loads(path.read_text())
    errors = sorted(reference_validator(instance["event_type"]).iter_errors(instance), key=str)
    assert not errors, [e.message for e in errors]
    assert list(contract_errors(instance)) == []
    model = event_class(instance["event_type"]).model_validate(instance)
    assert type(model).__name__ == instance["event_type"]
    assert parse_event(instance) == model


@pytest.mark.parametrize("path", INVALID, ids=_id)
def test_invalid_example_is_rejected_by_both(path: Path):
    case = json.loads(path.read_text())
    instance, field = case["instance"], case["field"]
    assert case["why"], "each invalid example says why"

    reference_errors = list(reference_validator(instance["event_type"]).iter_errors(instance))
    assert reference_errors, "python-jsonschema accepted it"
    assert any(field in list(map(str, e.path)) or field in e.message for e in reference_errors), (
        [(list(e.path), e.message) for e in reference_errors])

    with pytest.raises(ValidationError) as caught:
        event_class(instance["event_type"]).model_validate(instance)
    assert any(field in map(str, err["loc"]) or field in err["msg"] for err in caught.value.errors()), (
        caught.value.errors())

    with pytest.raises(ContractError) as fast:
        validate_event(instance)
    assert field in str(fast.value)
