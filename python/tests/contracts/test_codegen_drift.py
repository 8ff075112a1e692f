"""On a temporary copy of the repo: a new schema field makes codegen-check fail until `make codegen` runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _path_without_go() -> str:
    """PATH minus the Go toolchain: this test is about the Python, proto and Arrow outputs (Go has its own)."""
    keep = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and not (Path(d) / "go").exists()]
    return os.pathsep.join(keep)


def make(copy: Path, target: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", target, f"PY={sys.executable}", "SETUP="], cwd=copy,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "PATH": _path_without_go()})


def copy_repo(tmp_path: Path) -> Path:
    """What codegen reads and writes, copied: contracts, codegen, the Python sources and go/gen."""
    copy = tmp_path / "repo"
    for part in ("contracts", "codegen", "python/src", "python/pyproject.toml", "Makefile", "go/gen"):
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            (copy / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / part)
    return copy


def test_added_field_is_detected_then_generated(tmp_path: Path):
    copy = copy_repo(tmp_path)

    assert make(copy, "codegen-check").returncode == 0, "a fresh copy must be in sync"

    schema_path = copy / "contracts/schemas/data/price_bar.v1.json"
    schema = json.loads(schema_path.read_text())
    schema["properties"]["vwap"] = {"$ref": "../common/types.v1.json#/$defs/NonNegativeDecimal",
                                    "description": "Volume-weighted average price of the bar.", "x-proto-field": 10}
    schema_path.write_text(json.dumps(schema, indent=2) + "\n")

    drifted = make(copy, "codegen-check")
    assert drifted.returncode != 0
    assert "price_bar" in drifted.stdout + drifted.stderr

    generated = make(copy, "codegen")
    assert generated.returncode == 0, generated.stderr
    assert make(copy, "codegen-check").returncode == 0

    gen = copy / "python/src/qtrader/contracts/generated"
    assert "    vwap: Annotated[" in (gen / "models/data/price_bar_v1.py").read_text()
    assert "optional string vwap = 10;" in (copy / "contracts/proto/qtrader/v1/pipeline.proto").read_text()
    assert 'pa.field("vwap", pa.decimal128(38, 12), nullable=True)' in (gen / "arrow_schemas.py").read_text()
    assert b"vwap" in (gen / "pipeline_pb2.py").read_bytes()


def test_added_config_key_is_one_schema_edit(tmp_path: Path):
    """A new config key is one line in contracts/config plus `make codegen`: drift is caught, the model has it."""
    copy = copy_repo(tmp_path)
    schema_path = copy / "contracts/config/reporting.v1.json"
    schema = json.loads(schema_path.read_text())
    schema["properties"]["drawdown_rows"] = {"type": "integer", "minimum": 1, "default": 5,
                                             "description": "Rows of the drawdown table."}
    schema_path.write_text(json.dumps(schema, indent=2) + "\n")

    drifted = make(copy, "codegen-check")
    assert drifted.returncode != 0
    assert "config" in drifted.stdout

    assert make(copy, "codegen").returncode == 0
    assert make(copy, "codegen-check").returncode == 0
    gen = copy / "python/src/qtrader/contracts/generated"
    assert "    drawdown_rows: int = 5\n" in (gen / "config_models.py").read_text()
    assert (gen / "config_schemas/reporting.v1.json").read_text() == schema_path.read_text()
