"""Write input.jsonl from inputs.yaml for conformance cases (see qtrader.conformance.compact).

Usage: python tools/conformance/expand_inputs.py conformance/cases/execution/limit_buy_gap [more case dirs...]
       python tools/conformance/expand_inputs.py --all
"""

from __future__ import annotations

import sys
from pathlib import Path

from qtrader.conformance.compact import write_inputs

ROOT = Path(__file__).resolve().parents[2] / "conformance" / "cases"


def main(argv: list[str]) -> int:
    dirs = sorted(p.parent for p in ROOT.rglob("inputs.yaml")) if argv == ["--all"] else [Path(a) for a in argv]
    for case_dir in dirs:
        print(write_inputs(case_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
