"""Seeded mutation fuzzing of the contract validators: every malformed event must raise ContractError.

Each mutant is a contract example with one or a few fields replaced by a hostile value (a value of another JSON
type, an integer past 64 bits, a decimal with too many digits, a leap second, an offset that moves the year out of
range, a lone surrogate, a control character, deep nesting, ...), a field removed or an unknown one added. For each
mutant the fast validator (``validate_event``), the reference validator and ``parse_event`` must give one verdict,
raise nothing but ContractError, and an accepted event must be writable to the event log.

``python -m pytest python/tests/contracts/test_fuzz.py`` runs it (``make fuzz FUZZ_COUNT=...`` for a long run).
"""

from __future__ import annotations

import copy
import json
import random
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from qtrader.contracts.jsonl import dumps
from qtrader.contracts.validation import parse_event, reference_errors, validate_event
from qtrader.errors import ContractError

REPO = Path(__file__).resolve().parents[3]
EXAMPLES: tuple[dict[str, Any], ...] = tuple(
    json.loads(path.read_text()) for path in sorted((REPO / "contracts" / "examples").rglob("*.json")))

_DECIMAL_TEXTS = (
    "0." + "0" * 22 + "1", "0.0000000000001", "0.000000000001", "1.0000000000001", "-0", "-0.0", "0.0", "00.1",
    "1" * 26, "1" * 27, "1" * 26 + ".5", "+1", ".5", "5.", "1e3", "1E+3", "NaN", "Infinity", "-1", "0",
    "1.5\n", " 1.5", "1.5 ", "١٢٣", "1_000", "0x10", "99999999999999999999999999.999999999999",
)
_TIMESTAMP_TEXTS = (
    "2024-06-30T23:59:60Z", "2016-12-31T23:59:60Z", "2024-01-02T24:00:00Z", "2024-01-02T23:60:00Z",
    "0000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "0001-01-01T00:30:00+00:45", "9999-12-31T23:00:00-01:00",
    "9999-12-31T23:59:59Z", "9999-12-31T23:59:59.999999-00:01", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
    "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-02T00:00:00+24:00",
    "2024-01-02T00:00:00+23:60", "2024-01-02T00:00:00-99:99", "2024-01-02t00:00:00z", "2024-01-02 00:00:00Z",
    "2024-01-02T00:00:00.1234567Z", "2024-01-02T00:00:00Z\n", "2024-01-02T00:00:00", "2024-01-02",
    "2024-01-02T00:00:00.Z", "2024-01-02T00:00:00,5Z", "2024-W01-1T00:00:00Z", "+2024-01-02T00:00:00Z",
)
_DATE_TEXTS = ("0000-01-01", "0001-01-01", "9999-12-31", "2024-02-30", "2024-13-01", "2024-1-2", "2024-01-02\n",
               "2024-01-02T00:00:00Z", "20240102")
_INTEGERS = (2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30, -1, 0, 1, 2, 2**31, -(2**31))


def _deep(levels: int, leaf: Any) -> Any:
    value = leaf
    for i in range(levels):
        value = [value] if i % 2 else {"a": value}
    return value


def _string_mutations(text: str, rng: random.Random) -> str:
    pick = rng.randrange(12)
    at = rng.randrange(len(text) + 1)
    if pick == 0:
        return text + "\n"
    if pick == 1:
        return text + "\r\n"
    if pick == 2:
        return text[:at] + rng.choice("\x00\x01\t\x1f\x7f\x85\u2028") + text[at:]
    if pick == 3:
        return text[:at] + rng.choice(("\ud800", "\udfff", "\udc00x")) + text[at:]
    if pick == 4:
        return " " + text
    if pick == 5:
        return text + " "
    if pick == 6:
        return text.upper() if rng.random() < 0.5 else text.lower()
    if pick == 7:
        return ""
    if pick == 8:
        return text * rng.choice((2, 40))
    if pick == 9:
        return text[:at] + text[at + 1:]
    if pick == 10:
        return text[:at] + rng.choice("0123456789.-+:eEZT/é😀") + text[at:]
    return "\n" + text


def _hostile(value: Any, rng: random.Random) -> Any:
    """A replacement for ``value``: mostly of its own kind but wrong, sometimes of another JSON type."""
    pick = rng.randrange(10)
    if pick == 0:
        return rng.choice((None, True, False, 1.5, float("nan"), float("inf"), -0.0, [], {}, [value], {"x": value}))
    if pick == 1:
        return rng.choice(_INTEGERS)
    if pick == 2:
        return _deep(rng.choice((3, 64, 255, 600)), value)
    if isinstance(value, str):
        if pick == 3:
            return rng.choice(_DECIMAL_TEXTS)
        if pick == 4:
            return rng.choice(_TIMESTAMP_TEXTS)
        if pick == 5:
            return rng.choice(_DATE_TEXTS)
        return _string_mutations(value, rng)
    if isinstance(value, bool):
        return rng.choice((0, 1, "true", None))
    if isinstance(value, int):
        return rng.choice(_INTEGERS + (float(value), str(value), value + 1, value - 1))
    if isinstance(value, list):
        if not value or pick < 6:
            return [] if rng.random() < 0.5 else value + value
        return [_hostile(value[0], rng)] + value[1:]
    if isinstance(value, dict):
        return {**value, "unexpected": 1} if pick < 6 else {}
    return str(value)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if len(prefix) > 8:  # a mutant already nested deep: mutate around it, not inside
        return found
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, prefix + (index,))
    return found


def _replace(root: Any, path: tuple[Any, ...], make: Callable[[Any], Any]) -> None:
    parent = root
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = make(parent[path[-1]])


def mutate(example: dict[str, Any], rng: random.Random) -> Any:
    """One hostile variant of a contract example."""
    event = copy.deepcopy(example)
    if rng.random() < 0.02:
        return _hostile(event, rng)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        paths = _paths(event)
        path = rng.choice(paths)
        roll = rng.random()
        if roll < 0.1 and isinstance(path[-1], str):
            parent = event
            for key in path[:-1]:
                parent = parent[key]
            del parent[path[-1]]
        elif roll < 0.15:
            parent = event
            for key in path[:-1]:
                parent = parent[key]
            if isinstance(parent, dict):
                parent[rng.choice(("extra", "Event_Type", "event_type ", "\ud800"))] = "x"
        else:
            _replace(event, path, lambda old: _hostile(old, rng))
    return event


@dataclass
class FuzzReport:
    """What a run found; a clean run has no crashes and no disagreements."""

    count: int = 0
    accepted: int = 0
    crashes: Counter[str] = field(default_factory=Counter)
    disagreements: Counter[str] = field(default_factory=Counter)
    samples: dict[str, Any] = field(default_factory=dict)

    def note(self, kind: Counter[str], key: str, event: Any) -> None:
        kind[key] += 1
        self.samples.setdefault(key, event)

    def summary(self) -> str:
        lines = [f"{self.count} mutants, {self.accepted} accepted, {sum(self.crashes.values())} exceptions that are "
                 f"not ContractError, {sum(self.disagreements.values())} disagreements"]
        for key, n in (self.crashes + self.disagreements).most_common(20):
            lines.append(f"  {n:6d}  {key}\n          e.g. {_short(self.samples[key])}")
        return "\n".join(lines)


def _short(event: Any) -> str:
    try:
        return repr(event)[:300]
    except RecursionError:
        return "(nested too deep to show)"


def _verdict(check: Callable[[], Any], report: FuzzReport, name: str, event: Any) -> bool | None:
    """True when accepted, False when rejected with ContractError, None on any other exception."""
    try:
        check()
    except ContractError:
        return False
    except Exception as exc:  # noqa: BLE001 - the point is to catch every other kind
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        report.note(report.crashes, f"{name}: {type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}",
                    event)
        return None
    return True


def check_one(event: Any, report: FuzzReport) -> None:
    report.count += 1
    fast = _verdict(lambda: validate_event(event), report, "validate_event", event)
    reference = _verdict(lambda: _raise_first(reference_errors(event)), report, "reference", event)
    model: list[Any] = []
    parsed = _verdict(lambda: model.append(parse_event(event)), report, "parse_event", event)
    if None in (fast, reference, parsed):
        return
    if not fast == reference == parsed:
        report.note(report.disagreements, f"fast={fast} reference={reference} parse={parsed}", event)
        return
    if parsed:
        report.accepted += 1
        _verdict(lambda: dumps(model[0]), report, "event log writer", event)


def _raise_first(errors: list[str]) -> None:
    if errors:
        raise ContractError(errors[0])


def run(count: int, seed: int) -> FuzzReport:
    rng = random.Random(seed)
    report = FuzzReport()
    for _ in range(count):
        check_one(mutate(rng.choice(EXAMPLES), rng), report)
    return report
