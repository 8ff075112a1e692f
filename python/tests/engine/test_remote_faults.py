"""A remote service that is down, dies, is too slow or answers out of contract stops the run with a
RemoteServiceError naming the service, the input event and the problem; the event log up to there is complete."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent import futures
from pathlib import Path

import grpc
import pytest
import yaml

from qtrader.contracts.generated import pipeline_pb2, pipeline_pb2_grpc
from qtrader.contracts.validation import contract_errors
from qtrader.engine.backtest import BacktestEngine
from qtrader.engine.config import RunConfig
from qtrader.errors import RemoteServiceError

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "python/examples/sma_crossover_goog.yaml"


class FakeStrategy(pipeline_pb2_grpc.PipelineServiceServicer):
    """Answers like a strategy service, and misbehaves from the third frame on, in the way it is told."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.server: grpc.Server | None = None

    def Describe(self, request, context):
        return pipeline_pb2.ServiceInfo(name="strategy", version="0", consumes=["PriceBar"], emits=["Signal"],
                                        language="fake")

    def Reset(self, request, context):
        return pipeline_pb2.ResetReply(service="strategy", session_id="fake-session")

    def Process(self, frames, context):
        for number, frame in enumerate(frames):
            result = pipeline_pb2.FrameResult()
            for envelope in frame.events:
                batch = result.batches.add(input_event_id=envelope.event_id)
                if number >= 2:
                    self.misbehave(envelope, batch, context)
            yield result

    def misbehave(self, envelope, batch, context):
        if self.mode == "slow":
            time.sleep(2)
        elif self.mode == "dies":
            threading.Thread(target=self.server.stop, args=(0,)).start()
            time.sleep(1)
        elif self.mode == "out_of_order":
            batch.input_event_id = "00000000-0000-5000-8000-000000000000"
        elif self.mode in ("malformed", "out_of_contract", "undeclared"):
            out = batch.events.add()
            out.CopyFrom(envelope)
            out.event_id = "00000000-0000-5000-8000-00000000000a"
            out.event_type = "Signal"
            out.source_service = "strategy"
            out.causation_id = envelope.event_id
            signal = out.signal
            signal.strategy_id, signal.symbol, signal.price = "s", "GOOG", "100"
            signal.intention = pipeline_pb2.INTENTION_OPEN_LONG
            signal.confidence = {"malformed": "not-a-number", "out_of_contract": "2", "undeclared": "1"}[self.mode]
            if self.mode == "undeclared":
                out.event_type = "Order"


def serve(fake: FakeStrategy) -> tuple[grpc.Server, int]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    pipeline_pb2_grpc.add_PipelineServiceServicer_to_server(fake, server)
    port = server.add_insecure_port("127.0.0.1:0")
    fake.server = server
    server.start()
    return server, port


def engine(tmp_path: Path, address: str, deadline: float = 1.0) -> BacktestEngine:
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["services"] = {"strategy": {"address": address, "deadline_seconds": deadline, "connect_timeout_seconds": 0.5}}
    return BacktestEngine(RunConfig.model_validate(raw), raw, base_dir=EXAMPLE.parent, output_dir=tmp_path / "run")


def assert_log_complete(run_dir: Path, at_least: int) -> None:
    lines = (run_dir / "events.jsonl").read_text().splitlines()
    assert len(lines) >= at_least
    for number, line in enumerate(lines, 1):
        assert not list(contract_errors(json.loads(line))), f"events.jsonl:{number}"


def bar_ids(run: BacktestEngine) -> set[str]:
    from qtrader.services.data import DataService

    fresh = DataService(run.config.data, base_dir=EXAMPLE.parent, run_id=run.run_id)
    return {event.event_id for event in fresh.events()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_down_at_start(tmp_path: Path):
    with pytest.raises(RemoteServiceError, match=r"remote strategy service at 127.0.0.1:\d+ is not reachable"):
        engine(tmp_path, f"127.0.0.1:{free_port()}")


@pytest.mark.parametrize("mode, problem", [
    ("slow", "no answer within the deadline of 0.3s"),
    ("dies", "(UNAVAILABLE|CANCELLED|stream ended)"),
    ("out_of_order", "out of order: the batch answers '00000000-0000-5000-8000-000000000000'"),
    ("malformed", "malformed or out-of-contract event: .*field confidence"),
    ("out_of_contract", "malformed or out-of-contract event: .*confidence"),
    ("undeclared", "is a Order, which the service does not declare|malformed"),
])
def test_misbehaving_remote_stops_the_run_with_a_clear_error(tmp_path: Path, mode: str, problem: str):
    fake = FakeStrategy(mode)
    server, port = serve(fake)
    try:
        run = engine(tmp_path, f"127.0.0.1:{port}", deadline=0.3 if mode == "slow" else 2.0)
        with pytest.raises(RemoteServiceError) as caught:
            run.run()
    finally:
        server.stop(None)
    message = str(caught.value)
    assert f"remote strategy service at 127.0.0.1:{port}" in message
    assert "input PriceBar " in message  # names the input event (type and id)
    import re

    assert re.search(problem, message), message
    bar_id = message.split("input PriceBar ")[1].split(":")[0].split(",")[0]
    assert bar_id in bar_ids(run)  # names a real input event of the run
    assert_log_complete(tmp_path / "run", at_least=3)
