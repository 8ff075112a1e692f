"""`qtrader serve SERVICE --port N`: one Python service behind the generated PipelineService.

Sessions: every ``Reset`` opens a session of its own (a fresh service instance built from the Reset's config) and
returns its id; ``Process`` and a session's ``Describe`` name it in the ``qtrader-session`` metadata. Sessions are
served in isolation, so a Reset, or a stream, of one client can never change another client's run. A session
ends with its Process stream; one whose client went quiet for ``idle_seconds`` is ended when the next call
arrives. At most ``max_sessions`` are open at once (a further Reset is RESOURCE_EXHAUSTED), and the server has
more worker threads than that, so open streams can never starve Describe or Reset.

Process is lockstep: one FrameResult per Frame, one Batch per input event, in order. Inputs are validated against
the contracts before the service sees them. Status codes: a bad config or input is INVALID_ARGUMENT, a missing or
unknown session FAILED_PRECONDITION, no room for a session RESOURCE_EXHAUSTED, a strategy the operator did not
allow PERMISSION_DENIED, a wrong or missing token UNAUTHENTICATED, anything else INTERNAL; every error text is
bounded in length.
"""

from __future__ import annotations

import hmac
import signal
import threading
import time
import uuid
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, NoReturn

import grpc

from qtrader import __version__
from qtrader.contracts.generated import pipeline_pb2, pipeline_pb2_grpc
from qtrader.contracts.ids import run_id as make_run_id
from qtrader.contracts.proto_convert import from_envelope, to_envelope
from qtrader.engine.services import service_entry
from qtrader.errors import QTraderError, bounded
from qtrader.grpc_host.wire import SESSION_KEY, TOKEN_KEY, channel_options
from qtrader.safe_yaml import MAX_CONFIG_BYTES, load_yaml
from qtrader.services.base import BusService

DEFAULT_MAX_SESSIONS = 4
DEFAULT_IDLE_SECONDS = 300.0
#: Worker threads beyond one per session, for Describe and Reset while every session streams.
SPARE_WORKERS = 4

Admit = Callable[[Mapping[str, Any]], None]


def parse_config_text(text: str, where: str = "service config") -> dict[str, Any]:
    """A config as JSON or YAML text (YAML is a superset of JSON), under the safe loader's limits."""
    if not text.strip():
        return {}
    loaded = load_yaml(text, where)
    if not isinstance(loaded, dict):
        raise QTraderError(f"{where}: a service config must be a mapping")
    return loaded


@dataclass(eq=False)
class _Session:
    id: str
    service: Any
    last_used: float
    stream: grpc.ServicerContext | None = None


def _abort(context: grpc.ServicerContext, code: grpc.StatusCode, text: str) -> NoReturn:
    context.abort(code, bounded(text))
    raise AssertionError("unreachable")  # abort raises


class PipelineServicer(pipeline_pb2_grpc.PipelineServiceServicer):
    def __init__(self, name: str, config: dict[str, Any] | None = None, cls: type | None = None, *,
                 admit: Admit | None = None, max_sessions: int = DEFAULT_MAX_SESSIONS,
                 idle_seconds: float = DEFAULT_IDLE_SECONDS) -> None:
        self.name = name
        entry = service_entry(name, remote=True)
        self.cls = cls or entry.load()
        self.config = dict(config if config is not None else entry.serve_config)
        self.admit = admit
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self.default: BusService = self.cls(self.config, run_id=make_run_id("default"))  # Describe without a session
        self.sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()

    # -- sessions ---------------------------------------------------------------------------------------------

    def _expire_idle(self) -> None:
        """End sessions whose client has been quiet too long (called at every call: no thread of its own)."""
        now = time.monotonic()
        with self._lock:
            for session in list(self.sessions.values()):
                if now - session.last_used > self.idle_seconds:
                    del self.sessions[session.id]
                    if session.stream is not None:
                        session.stream.cancel()

    def _session(self, context: grpc.ServicerContext, required: bool) -> _Session | None:
        named = next((value for key, value in context.invocation_metadata() or () if key == SESSION_KEY), None)
        if named is None:
            if required:
                _abort(context, grpc.StatusCode.FAILED_PRECONDITION,
                       f"{self.name}: no session: call Reset first and name the session id it returns in the "
                       f"{SESSION_KEY!r} metadata")
            return None
        with self._lock:
            session = self.sessions.get(str(named))
        if session is None:
            _abort(context, grpc.StatusCode.FAILED_PRECONDITION,
                   f"{self.name}: unknown or ended session {str(named)[:64]!r}: call Reset to open a new one")
        return session

    # -- the three calls --------------------------------------------------------------------------------------

    def Describe(self, request: pipeline_pb2.DescribeRequest, context: grpc.ServicerContext) -> pipeline_pb2.ServiceInfo:
        self._expire_idle()
        session = self._session(context, required=False)
        service = session.service if session is not None else self.default
        return pipeline_pb2.ServiceInfo(name=service.name, version=__version__, consumes=list(service.consumes),
                                        emits=list(service.emits), language="python")

    def Reset(self, request: pipeline_pb2.ResetRequest, context: grpc.ServicerContext) -> pipeline_pb2.ResetReply:
        self._expire_idle()
        if len(request.config) > MAX_CONFIG_BYTES:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT,
                   f"{self.name}: bad config: {len(request.config):,} characters; at most {MAX_CONFIG_BYTES:,}")
        with self._lock:
            if len(self.sessions) >= self.max_sessions:
                _abort(context, grpc.StatusCode.RESOURCE_EXHAUSTED,
                       f"{self.name}: busy: {len(self.sessions)} sessions open, the most this server serves "
                       f"(--max-sessions); try again when a run ends")
        try:
            config = parse_config_text(request.config, f"{self.name} config") if request.config.strip() \
                else self.config  # the operator's (--config), or the service's defaults
        except QTraderError as exc:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"{self.name}: bad config: {exc}")
        if self.admit is not None and config is not self.config:  # a client's config: only what is allowed
            try:
                self.admit(config)
            except QTraderError as exc:
                _abort(context, grpc.StatusCode.PERMISSION_DENIED, f"{self.name}: {exc}")
        try:
            service = self.cls(config, run_id=request.run_id or make_run_id("default"))
        except QTraderError as exc:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"{self.name}: bad config: {exc}")
        except Exception as exc:  # a user strategy's constructor, a bug: say what, never UNKNOWN
            _abort(context, grpc.StatusCode.INTERNAL, f"{self.name}: Reset failed: {type(exc).__name__}: {exc}")
        session = _Session(uuid.uuid4().hex, service, time.monotonic())
        with self._lock:
            if len(self.sessions) >= self.max_sessions:  # another Reset took the last place meanwhile
                _abort(context, grpc.StatusCode.RESOURCE_EXHAUSTED, f"{self.name}: busy: no session free")
            self.sessions[session.id] = session
        return pipeline_pb2.ResetReply(service=service.name, session_id=session.id)

    def Process(self, frames: Iterator[pipeline_pb2.Frame], context: grpc.ServicerContext) -> Iterator[pipeline_pb2.FrameResult]:
        self._expire_idle()
        session = self._session(context, required=True)
        assert session is not None
        with self._lock:
            if session.stream is not None:
                _abort(context, grpc.StatusCode.FAILED_PRECONDITION,
                       f"{self.name}: session {session.id} already has a Process stream")
            session.stream = context
        try:
            yield from self._frames(session, frames, context)
        finally:
            with self._lock:
                self.sessions.pop(session.id, None)

    def _frames(self, session: _Session, frames: Iterator[pipeline_pb2.Frame],
                context: grpc.ServicerContext) -> Iterator[pipeline_pb2.FrameResult]:
        service = session.service
        for frame in frames:
            session.last_used = time.monotonic()
            result = pipeline_pb2.FrameResult()
            for envelope in frame.events:
                try:
                    event = from_envelope(envelope, where=f"{self.name} input")
                    outputs = service.handle(event)
                except QTraderError as exc:
                    _abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(exc))
                except Exception as exc:
                    _abort(context, grpc.StatusCode.INTERNAL,
                           f"{self.name}: input {envelope.event_type} {envelope.event_id[:64]}: "
                           f"{type(exc).__name__}: {exc}")
                batch = result.batches.add(input_event_id=envelope.event_id)
                for output in outputs:
                    batch.events.append(to_envelope(output))
            session.last_used = time.monotonic()
            yield result


class _TokenCheck(grpc.ServerInterceptor):
    """Every call must carry ``authorization: Bearer <token>``; else UNAUTHENTICATED (compared in constant time)."""

    def __init__(self, token: str) -> None:
        self._expected = f"Bearer {token}".encode()

        def deny(request: Any, context: grpc.ServicerContext) -> None:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong token (authorization metadata)")

        self._deny_unary: grpc.RpcMethodHandler[Any, None] = grpc.unary_unary_rpc_method_handler(deny)
        self._deny_stream: grpc.RpcMethodHandler[Any, None] = grpc.stream_stream_rpc_method_handler(deny)

    def intercept_service(self, continuation: Any, details: grpc.HandlerCallDetails) -> Any:
        for key, value in details.invocation_metadata or ():
            if key == TOKEN_KEY and hmac.compare_digest(str(value).encode(), self._expected):
                return continuation(details)
        return self._deny_stream if details.method.endswith("/Process") else self._deny_unary


@dataclass(frozen=True)
class ServerTLS:
    """PEM files: the server's certificate chain and key; with ``client_ca`` clients must present a certificate."""

    cert: Path
    key: Path
    client_ca: Path | None = None

    def credentials(self) -> grpc.ServerCredentials:
        try:
            pair = (self.key.read_bytes(), self.cert.read_bytes())
            ca = self.client_ca.read_bytes() if self.client_ca else None
        except OSError as exc:
            raise QTraderError(f"TLS: cannot read {exc.filename}: {exc.strerror}") from None
        return grpc.ssl_server_credentials([pair], root_certificates=ca, require_client_auth=ca is not None)


def start_server(name: str, port: int, config: dict[str, Any] | None = None, host: str = "127.0.0.1",
                 cls: type | None = None, *, admit: Admit | None = None, max_sessions: int = DEFAULT_MAX_SESSIONS,
                 idle_seconds: float = DEFAULT_IDLE_SECONDS, tls: ServerTLS | None = None,
                 token: str | None = None) -> tuple[grpc.Server, int]:
    """Start serving in background threads; returns the server and the bound port (0 picks a free one).

    ``cls`` serves another implementation under the service's name (tests use it for deliberately broken ones).
    The strategy service loads only the built-in strategies unless ``admit`` says otherwise.
    """
    if max_sessions < 1:
        raise QTraderError("--max-sessions must be at least 1")
    if admit is None and name == "strategy":
        from qtrader.services.strategy.allow import StrategyAllowList

        admit = StrategyAllowList().check
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=max_sessions + SPARE_WORKERS),
                         interceptors=[_TokenCheck(token)] if token else None, options=channel_options())
    servicer = PipelineServicer(name, config, cls, admit=admit, max_sessions=max_sessions, idle_seconds=idle_seconds)
    pipeline_pb2_grpc.add_PipelineServiceServicer_to_server(servicer, server)
    address = f"{host}:{port}"
    try:
        bound = server.add_secure_port(address, tls.credentials()) if tls else server.add_insecure_port(address)
    except RuntimeError:
        bound = 0
    if bound == 0:
        raise QTraderError(f"cannot listen on {address}: the port is in use or the address is not local")
    server.start()
    return server, bound


def serve(name: str, port: int, config_path: Path | None = None, host: str = "127.0.0.1", **options: Any) -> int:
    config = None
    if config_path is not None:
        from qtrader.safe_yaml import load_yaml_file

        loaded = load_yaml_file(config_path)
        config = parse_config_text("{}") if loaded is None else loaded
        if not isinstance(config, dict):
            raise QTraderError(f"{config_path}: a service config must be a mapping")
    server, bound = start_server(name, port, config, host, **options)
    security = ("TLS" if options.get("tls") else "no TLS") + (", token required" if options.get("token") else "")
    print(f"qtrader: serving {name} on {host}:{bound} ({security}; Ctrl-C to stop)", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    server.stop(grace=1).wait()
    return 0
