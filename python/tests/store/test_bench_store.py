"""The store benchmark still runs (tiny input, no timing asserted: speed is measured by running it, not here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_store_benchmark_prints_every_backend(postgres_url: str, tmp_path: Path) -> None:
    events = next((REPO / "conformance" / "cases" / "execution").glob("*/input.jsonl"))
    out = subprocess.run([sys.executable, str(REPO / "tools" / "bench" / "bench_store.py"), "--events", str(events),
                          "--lines", "300", "--batch", "64", "--postgres", postgres_url, "--out", str(tmp_path)],
                         capture_output=True, text=True, check=True, timeout=300).stdout
    for label in ("plain file", "SQLite (WAL, synchronous=FULL): append", "SQLite (WAL, synchronous=NORMAL): append",
                  "PostgreSQL (COPY): append", "PostgreSQL (COPY): read back"):
        assert re.search(re.escape(label) + r".* 300 lines .* lines/s .* MB/s", out), out
