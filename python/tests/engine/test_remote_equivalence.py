"""The SMA example with strategy, manager, execution and portfolio each served over gRPC (one at a time and all at
once) gives an event log equal to the all-local run's, byte for byte."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from qtrader.engine.backtest import BacktestEngine
from qtrader.engine.config import RunConfig
from qtrader.engine.services import REMOTE_CAPABLE as REMOTE
from qtrader.grpc_host.server import start_server

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "python/examples/sma_crossover_goog.yaml"


def run(tmp_path: Path, name: str, remote: dict[str, str]) -> tuple[Path, float, int]:
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["run"]["report"] = False
    if remote:
        raw["services"] = {service: {"address": address} for service, address in remote.items()}
    engine = BacktestEngine(RunConfig.model_validate(raw), raw, base_dir=EXAMPLE.parent, output_dir=tmp_path / name)
    start = time.perf_counter()
    result = engine.run()
    return tmp_path / name / "events.jsonl", time.perf_counter() - start, result.data.bars_published


@pytest.fixture(scope="module")
def servers():
    started = {name: start_server(name, 0) for name in REMOTE}
    yield {name: f"127.0.0.1:{port}" for name, (_, port) in started.items()}
    for server, _ in started.values():
        server.stop(None)


@pytest.fixture(scope="module")
def local_log(tmp_path_factory) -> bytes:
    path, seconds, bars = run(tmp_path_factory.mktemp("local"), "local", {})
    print(f"\nall local: {bars / seconds:,.0f} bars/s")
    return path.read_bytes()


@pytest.mark.parametrize("which", [*[(name,) for name in REMOTE], REMOTE], ids=[*REMOTE, "all"])
def test_remote_run_equals_local_run(tmp_path: Path, servers, local_log: bytes, which: tuple[str, ...]):
    path, seconds, bars = run(tmp_path, "remote", {name: servers[name] for name in which})
    print(f"\nremote {'+'.join(which)}: {bars / seconds:,.0f} bars/s")
    assert path.read_bytes() == local_log
