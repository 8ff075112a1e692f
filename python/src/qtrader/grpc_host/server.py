"""`qtrader serve SERVICE --port N`: one Python service behind the generated PipelineService.

Describe reports the service's name and the event types it consumes and emits; Reset clears its state and applies
a config (JSON or YAML text); Process is lockstep: one FrameResult per Frame, one Batch per input event, in order.
Inputs are validated against the contracts before the service sees them.
"""

from __future__ import annotations

import signal
import threading
from concurrent import futures
from pathlib import Path
from typing import Any, Iterator

import grpc
import yaml

from qtrader import __version__
from qtrader.contracts.generated import pipeline_pb2, pipeline_pb2_grpc
from qtrader.contracts.ids import run_id as make_run_id
from qtrader.contracts.proto_convert import from_envelope, to_envelope
from qtrader.engine.services import service_entry
from qtrader.errors import QTraderError
from qtrader.services.base import BusService


def parse_config_text(text: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    loaded = yaml.safe_load(text)  # YAML is a superset of JSON
    if not isinstance(loaded, dict):
        raise QTraderError("a service config must be a mapping")
    return loaded


class PipelineServicer(pipeline_pb2_grpc.PipelineServiceServicer):
    def __init__(self, name: str, config: dict[str, Any] | None = None, cls: type | None = None) -> None:
        self.name = name
        entry = service_entry(name, remote=True)
        self.cls = cls or entry.load()
        self.service: BusService = self.cls(config if config is not None else entry.serve_config,
                                            run_id=make_run_id("default"))
        self._lock = threading.Lock()

    def Describe(self, request: pipeline_pb2.DescribeRequest, context: grpc.ServicerContext) -> pipeline_pb2.ServiceInfo:
        service = self.service
        return pipeline_pb2.ServiceInfo(name=service.name, version=__version__, consumes=list(service.consumes),
                                        emits=list(service.emits), language="python")

    def Reset(self, request: pipeline_pb2.ResetRequest, context: grpc.ServicerContext) -> pipeline_pb2.ResetReply:
        with self._lock:
            try:
                config = parse_config_text(request.config)
                self.service.reset(config, request.run_id or make_run_id("default"))
            except QTraderError as exc:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"{self.name}: bad config: {exc}")
        return pipeline_pb2.ResetReply(service=self.service.name)

    def Process(self, frames: Iterator[pipeline_pb2.Frame], context: grpc.ServicerContext) -> Iterator[pipeline_pb2.FrameResult]:
        for frame in frames:
            result = pipeline_pb2.FrameResult()
            with self._lock:
                for envelope in frame.events:
                    try:
                        event = from_envelope(envelope, where=f"{self.name} input")
                        outputs = self.service.handle(event)
                    except QTraderError as exc:
                        context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
                    batch = result.batches.add(input_event_id=event.event_id)
                    for output in outputs:
                        batch.events.append(to_envelope(output))
            yield result


def start_server(name: str, port: int, config: dict[str, Any] | None = None, host: str = "127.0.0.1",
                 cls: type | None = None) -> tuple[grpc.Server, int]:
    """Start serving in background threads; returns the server and the bound port (0 picks a free one).

    ``cls`` serves another implementation under the service's name (tests use it for deliberately broken ones).
    """
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4),
                         options=[("grpc.max_receive_message_length", 64 << 20), ("grpc.max_send_message_length", 64 << 20)])
    pipeline_pb2_grpc.add_PipelineServiceServicer_to_server(PipelineServicer(name, config, cls), server)
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise QTraderError(f"cannot listen on {host}:{port} (in use?)")
    server.start()
    return server, bound


def serve(name: str, port: int, config_path: Path | None = None, host: str = "127.0.0.1") -> int:
    config = None
    if config_path is not None:
        if not config_path.exists():
            raise QTraderError(f"config file not found: {config_path}")
        config = parse_config_text(config_path.read_text(encoding="utf-8"))
    server, bound = start_server(name, port, config, host)
    print(f"qtrader: serving {name} on {host}:{bound} (Ctrl-C to stop)", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    server.stop(grace=1).wait()
    return 0
