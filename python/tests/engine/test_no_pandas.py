"""A backtest never imports pandas: it costs about 50 MiB and half a second, and the product does not need it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_a_run_does_not_import_pandas(tmp_path: Path) -> None:
    script = f"""
import sys
from pathlib import Path
from qtrader.engine.backtest import BacktestEngine
engine = BacktestEngine.from_yaml(Path({str(REPO / "python/examples/sma_crossover_goog.yaml")!r}),
                                  output_dir=Path({str(tmp_path / "run")!r}))
result = engine.run()
print(result.data.bars_published, "pandas" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["2148", "False"]
