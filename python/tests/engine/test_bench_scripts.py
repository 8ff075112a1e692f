"""The benchmark scripts still run (tiny inputs, no timing asserted: speed is measured by running them, not here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
BENCH = REPO / "tools" / "bench"


def test_pipeline_benchmark_runs_every_configuration_to_the_same_result(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(BENCH / "bench_pipeline.py"), "--bars", "3000", "--repeat", "1", "--no-backtrader",
         "--out", str(tmp_path)],
        capture_output=True, text=True, check=True, timeout=300,
    ).stdout
    lines = [line for line in out.splitlines() if line.startswith("qtrader, all local")]
    assert len(lines) == 3, out
    assert all(re.search(r"3,000 bars .* bars/s", line) for line in lines), out
    equities = {line.rsplit("equity ", 1)[1] for line in lines}
    assert len(equities) == 1 and equities != {"None"}, out  # the log and the report change nothing
    assert (tmp_path / "data" / "SYM000_3000.csv").exists() and (tmp_path / "run" / "report.html").exists()


def test_primitives_benchmark_prints_every_group() -> None:
    out = subprocess.run([sys.executable, str(BENCH / "bench_primitives.py"), "--number", "2000"],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    for title in ("decimal sum", "decimal rounding", "sum of two prices as ints", "a UTC datetime per row"):
        assert title in out
    assert len(re.findall(r"\d+\.\d{3} us +\d+\.\d{2}x", out)) == 11, out
