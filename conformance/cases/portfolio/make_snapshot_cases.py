"""Write the snapshot_restore_* cases from their uninterrupted reference runs (run from the repository root).

For each pair: replay the reference case's first CUT inputs through the Python PortfolioService, take
``snapshot().to_dict()``, and write the restore case: case.yaml = the reference config + ``snapshot``, inputs.yaml =
the reference inputs after the cut (their ids are written out, so the outputs are byte-identical). Then:

    .venv/bin/python conformance/cases/portfolio/make_snapshot_cases.py
    .venv/bin/python tools/conformance/expand_inputs.py conformance/cases/portfolio/snapshot_restore_*
    .venv/bin/qtrader conformance --serve-python portfolio --case 'snapshot_restore_*' --record

and check that each restore case's expected.jsonl equals the tail of its reference's (the script prints the check).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml
from qtrader.conformance.cases import load_case
from qtrader.contracts.ids import run_id as make_run_id
from qtrader.services.portfolio import PortfolioService

HERE = Path(__file__).resolve().parent
SCHEMA = json.loads((HERE.parents[1] / "case.schema.json").read_text(encoding="utf-8"))

PAIRS = [
    ("snapshot_uninterrupted_split_dividend_borrow", "snapshot_restore_split_dividend_borrow", 7,
     "a pending split and dividend, a borrow-fee carry, a lot holding its commission"),
    ("snapshot_uninterrupted_fx_margin_interest", "snapshot_restore_fx_margin_interest", 4,
     "a EUR position financed by a negative EUR balance, its FX book and rate, a margin-interest carry"),
]


def items_of(inputs_yaml: str) -> list[str]:
    """The item lines of a reference inputs.yaml (one event a line, as the reference cases are written)."""
    return [line for line in inputs_yaml.splitlines() if line.startswith("- ")]


def write_pair(reference: str, restore: str, cut: int, what: str) -> None:
    case = load_case(HERE / reference, SCHEMA, with_expected=False)
    service = PortfolioService(case.config, run_id=case.run_id or make_run_id("conformance"))
    for event in case.inputs[:cut]:
        service.handle(event)
    snapshot = service.snapshot().to_dict()
    items = items_of((HERE / reference / "inputs.yaml").read_text(encoding="utf-8"))
    assert len(items) == len(case.inputs), f"{reference}: write one input a line"
    target = HERE / restore
    target.mkdir(exist_ok=True)
    meta = {
        "description": (f"Reset with config.snapshot = the snapshot taken after input {cut} of {reference} ({what}) "
                        f"continues exactly: the inputs are that run's inputs {cut + 1}-{len(items)} with the same "
                        f"ids, and the expected batches equal that run's last {len(items) - cut}, byte for byte."),
        "config": {**case.config, "snapshot": snapshot},
        "tags": ["snapshot", "restore"],
    }
    (target / "case.yaml").write_text(yaml.safe_dump(meta, sort_keys=False, width=120), encoding="utf-8")
    header = (f"# Inputs {cut + 1}-{len(items)} of {reference}, verbatim (same event and fill ids).\n"
              f"# Every figure is worked out in {reference}/inputs.yaml; this case's expected.jsonl must equal the\n"
              f"# last {len(items) - cut} lines of {reference}/expected.jsonl (written by make_snapshot_cases.py).\n")
    (target / "inputs.yaml").write_text(header + "\n".join(items[cut:]) + "\n", encoding="utf-8")
    print(f"wrote {restore} (snapshot after input {cut} of {reference})")


def check_pair(reference: str, restore: str, cut: int) -> bool:
    ref = (HERE / reference / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    path = HERE / restore / "expected.jsonl"
    if not path.exists():
        print(f"{restore}: no expected.jsonl yet (record it)")
        return False
    same = path.read_text(encoding="utf-8").splitlines() == ref[cut:]
    print(f"{restore}: expected.jsonl {'equals' if same else 'DIFFERS FROM'} the tail of {reference}")
    return same


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        results = [check_pair(ref, res, cut) for ref, res, cut, _ in PAIRS]  # report every pair, then decide
        return 0 if False not in results else 1
    for reference, restore, cut, what in PAIRS:
        write_pair(reference, restore, cut, what)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
