"""Hostile events raise ContractError and nothing else, and the two validators and the models agree on them.

A seeded mutation fuzz (fuzz.py) of FUZZ_COUNT events (10,000 by default, in four chunks so xdist spreads them;
``make fuzz FUZZ_COUNT=200000`` for a long run), plus the cases the first fuzz found, kept as named rows.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import pytest

from qtrader.contracts.validation import MAX_DEPTH, contract_errors, reference_errors
from .fuzz import EXAMPLES, FuzzReport, check_one, run

COUNT = int(os.environ.get("FUZZ_COUNT", "10000"))
SEED = int(os.environ.get("FUZZ_SEED", "20"))
CHUNKS = 4


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_mutated_events_raise_only_contract_errors_and_validators_agree(chunk: int) -> None:
    report = run(COUNT // CHUNKS + (1 if chunk < COUNT % CHUNKS else 0), seed=SEED * 1000 + chunk)
    assert not report.crashes and not report.disagreements, report.summary()
    print(report.summary())  # shown with -rP or -s: "N mutants, N accepted, 0 exceptions ..., 0 disagreements"


def _bar(**changes: Any) -> dict[str, Any]:
    bar = copy.deepcopy(next(e for e in EXAMPLES if e["event_type"] == "PriceBar"))
    bar.update(changes)
    return bar


def _nested(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


_INTEGER_KEY: dict[Any, Any] = {**_bar(), 1: "x"}

HOSTILE: dict[str, Any] = {
    "event_type_list": _bar(event_type=["PriceBar"]),
    "event_type_dict": _bar(event_type={"PriceBar": 1}),
    "event_type_lone_surrogate": _bar(event_type="Price\ud800Bar"),
    "nested_255_levels": _bar(symbol=_nested(255)),
    "nested_5000_levels": _bar(symbol=_nested(5000)),
    "event_id_nested_5000_levels": _bar(event_id=_nested(5000)),
    "lone_surrogate_value": _bar(symbol="GO\udc00OG"),
    "lone_surrogate_key": {**_bar(), "\ud800": "x"},
    "integer_key": _INTEGER_KEY,
    "leap_second": _bar(occurred_at="2016-12-31T23:59:60Z"),
    "year_0_in_utc": _bar(occurred_at="0001-01-01T00:00:00+01:00"),
    "year_10000_in_utc": _bar(occurred_at="9999-12-31T23:00:00-01:00"),
    "trailing_newline": _bar(symbol="GOOG\n"),
    "positive_23_fraction_digits": _bar(open="0.00000000000000000000001"),
    "integer_2_pow_64": _bar(schema_version=2**64),
    "not_an_object": ["PriceBar"],
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_event_is_rejected_with_contract_error(name: str) -> None:
    report = FuzzReport()
    check_one(HOSTILE[name], report)
    assert report.accepted == 0 and not report.crashes and not report.disagreements, report.summary()
    assert list(contract_errors(HOSTILE[name])) and reference_errors(HOSTILE[name])


def test_every_contract_nests_less_than_max_depth() -> None:
    def depth(value: Any) -> int:
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        return 1 + max(map(depth, children), default=0)

    assert max(depth(e) for e in EXAMPLES) < MAX_DEPTH // 2, json.dumps(EXAMPLES[0])[:80]
