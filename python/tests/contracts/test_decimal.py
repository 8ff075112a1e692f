"""The strict decimal refuses floats, NaN, infinity and exponents, and writes plain notation."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError
from qtrader.contracts.generated.models.data.price_bar_v1 import PriceBar
from qtrader.contracts.scalars import parse_decimal
from qtrader.libraries.numbers import plain

REPO = Path(__file__).resolve().parents[3]
BAR = json.loads((REPO / "contracts/examples/data/price_bar.v1.daily.json").read_text())


@pytest.mark.parametrize("bad, words", [
    (100.5, "not a float"), ("NaN", "plain notation"), ("Infinity", "plain notation"), ("-Infinity", "plain notation"),
    ("1e3", "plain notation"), ("1E+3", "plain notation"), (Decimal("NaN"), "finite"), (Decimal("Infinity"), "finite"),
    (100, "must be a string"), (True, "must be a string"), (" 1", "plain notation"), ("1.", "plain notation"),
])
def test_rejected_with_a_clear_error(bad, words):
    with pytest.raises(ValueError, match=words):
        parse_decimal(bad)
    with pytest.raises(ValidationError) as caught:
        PriceBar.model_validate({**BAR, "open": bad})
    assert "open" in str(caught.value)


def test_plain_notation_out():
    assert plain(Decimal("1E+3")) == "1000"
    assert plain(Decimal("-0")) == "0"
    assert plain(Decimal("0.000001")) == "0.000001"
    bar = PriceBar.model_validate({**BAR, "volume": "22351900", "low": "0.00000100", "open": "100"})
    out = json.loads(bar.to_json())
    assert out["volume"] == "22351900" and out["low"] == "0.00000100"


def test_no_null_for_absent_optional_fields():
    bar = PriceBar.model_validate(BAR)
    assert "currency" not in bar.to_dict() and "causation_id" not in json.loads(bar.to_json())


def test_models_are_frozen():
    bar = PriceBar.model_validate(BAR)
    with pytest.raises(ValidationError):
        bar.close = Decimal(1)


def test_fast_uuid5_is_rfc4122_uuid5():
    import uuid

    from qtrader.contracts.ids import derive_id, uuid5

    namespace = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
    for name in ["", "a", "execution/0", "strategy/fill/12", "é/ü/💡", "x" * 500]:
        assert uuid5(namespace, name) == str(uuid.uuid5(uuid.UUID(namespace), name))
    assert derive_id(namespace, "order", 3) == str(uuid.uuid5(uuid.UUID(namespace), "order/3"))


def test_fast_uuid5_refuses_a_namespace_that_is_not_a_uuid():
    from qtrader.contracts.ids import uuid5

    with pytest.raises(ValueError):
        uuid5("not-a-uuid", "x")
