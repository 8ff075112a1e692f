#!/usr/bin/env bash
# Golden outputs for a change that must not change behaviour: the demo, every example, a 200,000-bar run and a
# 100-symbol run (2,000 bars each), written under OUT. Compare two trees' outputs with compare_goldens.sh.
# Usage: tools/golden/run_goldens.sh OUT   (run from the repository root, after `make setup`)
set -euo pipefail
out=$(realpath -m "${1:?usage: run_goldens.sh OUT}")
root=$(cd "$(dirname "$0")/../.." && pwd)
qtrader="$root/.venv/bin/qtrader"
py="$root/.venv/bin/python"
mkdir -p "$out/data"
for example in "$root"/python/examples/*.yaml; do
  name=$(basename "$example" .yaml)
  rm -rf "$out/$name"
  "$qtrader" run "$example" --output "$out/$name" --no-progress > "$out/$name.summary.txt"
done
# Synthetic data (seeded, byte-identical everywhere) and the benchmark's SMA config, log and report on.
"$py" - "$out" <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, "tools/bench")
import yaml
from synthetic import generate
out = Path(sys.argv[1])
for name, bars, symbols in (("bars200k", 200_000, 1), ("sym100", 2_000, 100)):
    sources = generate(out / "data", bars, symbols)
    config = {
        "run": {"name": name},
        "data": {"sources": [{"symbol": s, "path": str(p), "timeframe": "1m"} for s, p in sources]},
        "strategies": [{"id": "sma", "name": "SMACrossover", "params": {"fast": 10, "slow": 30}}],
        "manager": {"policy": "fixed_100"},
        "portfolio": {"initial_cash": str(100_000 * symbols)},
        "reporting": {"html": name == "sym100"},
    }
    (out / f"{name}.yaml").write_text(yaml.safe_dump(config))
PY
for name in bars200k sym100; do
  rm -rf "$out/$name"
  "$qtrader" run "$out/$name.yaml" --output "$out/$name" --no-progress > "$out/$name.summary.txt"
done
echo "goldens written to $out"
