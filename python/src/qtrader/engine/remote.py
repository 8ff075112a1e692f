"""A remote service (any language, over gRPC) that looks like any other service on the bus.

The proxy asks the service what it consumes (Describe) and is subscribed only to those types; it forwards each
input in lockstep and waits for that input's batch, within a deadline. Everything that comes back is checked
before it enters the bus: one batch per input, in order, each event valid against the contracts and of a type the
service said it emits. Any fault stops the run with a RemoteServiceError naming the service, the input event and
the problem.

Batching: a service that consumes only data events (bars, corporate actions) cannot be affected by anything the
other services emit, so the engine sends it the data stream ahead, many inputs a frame (``prefetch``), and the
batches are handed out as the bus reaches each input. Other services stay strictly one input per frame, which
keeps a remote run exactly as deterministic as a local one.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import grpc

from qtrader.contracts.base import ContractModel
from qtrader.contracts.generated import pipeline_pb2, pipeline_pb2_grpc
from qtrader.contracts.proto_convert import from_envelope, to_envelope
from qtrader.contracts.registry import EVENTS
from qtrader.errors import QTraderError, RemoteServiceError, bounded
from qtrader.grpc_host.wire import SESSION_KEY, TOKEN_KEY, channel_options
from qtrader.services.base import Handler

DATA_EVENTS = frozenset({"PriceBar", "CorporateAction"})
_CLOSE = object()


def _json_default(value: Any) -> str:
    return str(value)


def _channel(address: str, remote: Any, base_dir: Path) -> grpc.Channel:
    """A channel to the service: TLS when ``remote.tls`` is set (its CA, else the system's roots)."""
    tls = getattr(remote, "tls", None)
    if tls is None:
        return grpc.insecure_channel(address, options=channel_options())

    def pem(path: str | None) -> bytes | None:
        if path is None:
            return None
        file = Path(path) if Path(path).is_absolute() else base_dir / path
        try:
            return file.read_bytes()
        except OSError as exc:
            raise RemoteServiceError(f"services: TLS file {file}: {exc.strerror}") from None

    credentials = grpc.ssl_channel_credentials(root_certificates=pem(tls.ca_file), private_key=pem(tls.key_file),
                                               certificate_chain=pem(tls.cert_file))
    options = channel_options()
    if tls.server_name:
        options.append(("grpc.ssl_target_name_override", tls.server_name))
    return grpc.secure_channel(address, credentials, options=options)


def _token(name: str, remote: Any) -> tuple[tuple[str, str], ...]:
    """The token metadata, read from the environment variable ``remote.token_env`` names (never from a file)."""
    variable = getattr(remote, "token_env", None)
    if variable is None:
        return ()
    token = os.environ.get(variable)
    if not token:
        raise RemoteServiceError(f"services.{name}.token_env: the environment variable {variable} is not set")
    return ((TOKEN_KEY, f"Bearer {token}"),)


class RemoteServiceProxy:
    def __init__(self, name: str, remote: Any, config: dict[str, Any], run_id: str, *,
                 base_dir: Path = Path(".")) -> None:
        self.name = name
        self.address = remote.address
        self.deadline = remote.deadline_seconds
        self._metadata = _token(name, remote)
        self._channel = _channel(self.address, remote, base_dir)
        try:
            grpc.channel_ready_future(self._channel).result(timeout=remote.connect_timeout_seconds)
        except grpc.FutureTimeoutError:
            self._channel.close()
            raise RemoteServiceError(f"remote {name} service at {self.address} is not reachable "
                                     f"(waited {remote.connect_timeout_seconds}s): is it running?") from None
        self._stub = pipeline_pb2_grpc.PipelineServiceStub(self._channel)
        served = self._call("Describe", pipeline_pb2.DescribeRequest()).name
        if served != name:
            self._channel.close()
            raise RemoteServiceError(f"services.{name}: the server at {self.address} is a {served[:64]!r} service, "
                                     f"not {name!r}: point services.{name}.address at a {name} service")
        self._token = self._metadata
        self._cached: dict[str, list[ContractModel]] = {}
        self._requests: queue.Queue[Any] = queue.Queue()
        self._stream: Any = None
        self.reset(remote.config if remote.config is not None else config, run_id)
        # Replies are read in the calling thread (no hand-off per round trip); a watchdog cancels the stream
        # when a reply is later than the deadline.
        self._waiting_since: float | None = None
        self._timed_out = False
        self._closed = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name=f"remote-{name}-deadline", daemon=True)
        self._watchdog.start()
        self.frames = 0

    # -- plumbing ---------------------------------------------------------------------------------------------

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self._stub, method)(request, timeout=self.deadline, metadata=self._metadata)
        except grpc.RpcError as exc:
            self._channel.close()
            raise RemoteServiceError(f"remote {self.name} service at {self.address}: {method} failed: "
                                     f"{exc.code().name}: {bounded(exc.details() or '')}") from None

    @staticmethod
    def _request_iterator(requests: queue.Queue[Any]) -> Iterator[pipeline_pb2.Frame]:
        while True:
            frame = requests.get()
            if frame is _CLOSE:
                return
            yield frame

    def _watch(self) -> None:
        tick = min(self.deadline / 4, 0.25)
        while not self._closed.wait(tick):
            since = self._waiting_since
            if since is not None and time.monotonic() - since > self.deadline:
                self._timed_out = True
                self._stream.cancel()
                return

    def _next_reply(self) -> pipeline_pb2.FrameResult:
        self._waiting_since = time.monotonic()
        try:
            reply: pipeline_pb2.FrameResult = next(self._stream)
            return reply
        except StopIteration:
            raise RemoteServiceError("the stream ended (the service closed it or died)") from None
        except grpc.RpcError as exc:
            if self._timed_out:
                raise RemoteServiceError(f"no answer within the deadline of {self.deadline}s "
                                         "(services.<name>.deadline_seconds)") from None
            raise RemoteServiceError(f"{exc.code().name}: {bounded(exc.details() or '')}") from None
        finally:
            self._waiting_since = None

    def _exchange(self, inputs: list[ContractModel]) -> list[pipeline_pb2.Batch]:
        first = inputs[0]
        where = f"remote {self.name} service at {self.address}, input {first.event_type} {first.event_id}"
        self._requests.put(pipeline_pb2.Frame(events=[to_envelope(e) for e in inputs]))
        self.frames += 1
        try:
            reply = self._next_reply()
        except RemoteServiceError as exc:
            raise RemoteServiceError(f"{where}: {exc}") from None
        if len(reply.batches) != len(inputs):
            raise RemoteServiceError(f"{where}: sent {len(inputs)} input(s), got {len(reply.batches)} batch(es)")
        for event, batch in zip(inputs, reply.batches):
            if batch.input_event_id != event.event_id:
                raise RemoteServiceError(f"remote {self.name} service at {self.address}, input {event.event_type} "
                                         f"{event.event_id}: out of order: the batch answers {batch.input_event_id!r}")
        return list(reply.batches)

    def _decode(self, event: ContractModel, batch: pipeline_pb2.Batch) -> list[ContractModel]:
        where = f"remote {self.name} service at {self.address}, input {event.event_type} {event.event_id}"
        outputs = []
        for index, envelope in enumerate(batch.events):
            try:
                output = from_envelope(envelope, where=f"output #{index}")
            except QTraderError as exc:
                raise RemoteServiceError(f"{where}: malformed or out-of-contract event: {exc}") from None
            if output.event_type not in self.emits:
                raise RemoteServiceError(f"{where}: output #{index} is a {output.event_type}, which the service "
                                         f"does not declare in Describe (emits {sorted(self.emits)})")
            outputs.append(output)
        return outputs

    # -- the service interface (BusService) -------------------------------------------------------------------

    def reset(self, config: Mapping[str, Any] | None, run_id: str) -> None:
        """Open a fresh session with a config (Reset), ask what it consumes and emits (the config may change it),
        and start that session's Process stream; a stream of an earlier session is ended first."""
        if self._stream is not None:
            self._requests.put(_CLOSE)
            self._requests = queue.Queue()
        self._metadata = self._token
        config_text = json.dumps(dict(config or {}), default=_json_default)
        session = self._call("Reset", pipeline_pb2.ResetRequest(config=config_text, run_id=run_id)).session_id
        if not session:
            self._channel.close()
            raise RemoteServiceError(f"remote {self.name} service at {self.address}: Reset opened no session "
                                     "(ResetReply.session_id is empty): the server predates sessions")
        self._metadata = self._token + ((SESSION_KEY, session),)
        info = self._call("Describe", pipeline_pb2.DescribeRequest())  # the session's: its config may change it
        unknown = sorted((set(info.consumes) | set(info.emits)) - set(EVENTS))
        if unknown:
            raise RemoteServiceError(f"remote {self.name} service at {self.address}: "
                                     f"Describe names unknown event types {unknown}")
        self.info = info
        self.consumes = tuple(info.consumes)
        self.emits = frozenset(info.emits)
        self.batchable = bool(self.consumes) and set(self.consumes) <= DATA_EVENTS
        self._cached.clear()
        self._stream = self._stub.Process(self._request_iterator(self._requests), metadata=self._metadata)

    def handler(self, event_type: str) -> Handler:
        """Every input goes the same way: to the remote service (or its prefetched batch)."""
        return self.handle

    def prefetch(self, events: Iterable[ContractModel]) -> None:
        """Send every consumed input of one timestamp in one frame (only for data-only services)."""
        if not self.batchable:
            return
        inputs = [e for e in events if e.event_type in self.consumes and e.event_id not in self._cached]
        if len(inputs) < 2:
            return
        for event, batch in zip(inputs, self._exchange(inputs)):
            self._cached[event.event_id] = self._decode(event, batch)

    def handle(self, event: ContractModel) -> list[ContractModel]:
        cached = self._cached.pop(event.event_id, None)
        if cached is not None:
            return cached
        (batch,) = self._exchange([event])
        return self._decode(event, batch)

    def close(self) -> None:
        self._closed.set()
        self._requests.put(_CLOSE)
        self._channel.close()
