"""Run conformance cases against a gRPC target; compare each batch by meaning; report the first differing field.

Per case: connect, Describe, Reset with the case's config (a fresh state), then one frame per input, in order.
Outputs go through the same checks as in a backtest (contract validation, declared event types, one batch per
input in order); then each batch is compared with the expected one (decimals by value, timestamps as instants,
every field compared except the case's ignore_fields).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from qtrader.conformance.cases import Case
from qtrader.contracts.compare import first_difference
from qtrader.contracts.ids import run_id as make_run_id
from qtrader.engine.remote import RemoteServiceProxy
from qtrader.errors import QTraderError

DEFAULT_RUN = "conformance"


@dataclass
class CaseResult:
    case: Case
    passed: bool
    message: str = ""


def _proxy(case: Case, target: str, deadline: float) -> RemoteServiceProxy:
    remote = SimpleNamespace(address=target, deadline_seconds=deadline, connect_timeout_seconds=5.0, config=case.config)
    return RemoteServiceProxy(case.service, remote, case.config, case.run_id or make_run_id(DEFAULT_RUN))


def outputs_for(case: Case, target: str, deadline: float = 10.0) -> list[list[dict[str, Any]]]:
    """Replay a case's inputs; one list of JSON events per input."""
    proxy = _proxy(case, target, deadline)
    try:
        return [[event.to_dict() for event in proxy.handle(event)] for event in case.inputs]
    finally:
        proxy.close()


def run_case(case: Case, target: str, deadline: float = 10.0) -> CaseResult:
    if case.expected is None:
        return CaseResult(case, False, "no expected.jsonl (write one, or record it with --record)")
    if len(case.expected) != len(case.inputs):
        return CaseResult(case, False, f"expected.jsonl has {len(case.expected)} lines for {len(case.inputs)} inputs")
    try:
        actual = outputs_for(case, target, deadline)
    except QTraderError as exc:
        return CaseResult(case, False, str(exc))
    for number, (event, expected, got) in enumerate(zip(case.inputs, case.expected, actual), 1):
        where = f"input #{number} ({event.event_type} {event.event_id})"
        if expected["input_event_id"] != event.event_id:
            return CaseResult(case, False, f"{where}: expected.jsonl line {number} answers {expected['input_event_id']}")
        difference = first_difference(expected["events"], got, case.ignore_fields, path="events")
        if difference:
            return CaseResult(case, False, f"{where}: {difference}")
    return CaseResult(case, True)


def record_case(case: Case, target: str, deadline: float = 10.0) -> Path:
    """Write expected.jsonl from what the target emits (check it by hand before committing it)."""
    actual = outputs_for(case, target, deadline)
    path = case.path / "expected.jsonl"
    lines = [json.dumps({"input_event_id": e.event_id, "events": got}, separators=(",", ":"))
             for e, got in zip(case.inputs, actual)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
