"""A served service keeps every client's run to itself: sessions, the allow-list, limits and status codes."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import grpc
import pytest

from qtrader.contracts.generated import pipeline_pb2, pipeline_pb2_grpc
from qtrader.engine.remote import RemoteServiceProxy
from qtrader.errors import QTraderError, RemoteServiceError
from qtrader.grpc_host.server import start_server
from qtrader.grpc_host.wire import SESSION_KEY
from qtrader.services.data import DataService
from qtrader.services.strategy.allow import StrategyAllowList

REPO = Path(__file__).resolve().parents[3]
GOOG = REPO / "python/examples/data/GOOG.csv"


def remote(address: str, config: dict | None = None) -> SimpleNamespace:
    return SimpleNamespace(address=address, deadline_seconds=5.0, connect_timeout_seconds=5.0, config=config)


def sma(fast: int, slow: int) -> dict:
    return {"strategies": [{"id": "s", "name": "SMACrossover", "params": {"fast": fast, "slow": slow}}]}


def bars(count: int) -> list:
    data = DataService({"sources": [{"symbol": "GOOG", "path": str(GOOG)}]})
    return [event for _, event in zip(range(count), data.events())]


@pytest.fixture
def strategy_server():
    server, port = start_server("strategy", 0, max_sessions=3)
    yield f"127.0.0.1:{port}"
    server.stop(None)


def signals(proxy: RemoteServiceProxy, events: list) -> list[dict]:
    return [out.to_dict() for event in events for out in proxy.handle(event)]


def test_another_clients_reset_and_run_never_change_a_run(strategy_server: str):
    events = bars(400)
    alone = RemoteServiceProxy("strategy", remote(strategy_server), sma(5, 20), "run-a")
    expected = signals(alone, events)
    alone.close()
    assert expected

    run_a = RemoteServiceProxy("strategy", remote(strategy_server), sma(5, 20), "run-a")
    first = signals(run_a, events[:200])
    # another client resets the same server mid-run with other params, and runs interleaved with A
    run_b = RemoteServiceProxy("strategy", remote(strategy_server), sma(2, 3), "run-b")
    b_out = signals(run_b, events[:200])
    rest = signals(run_a, events[200:])
    run_a.close()
    run_b.close()
    assert first + rest == expected
    assert b_out and b_out != first


def test_a_proxy_refuses_a_server_of_another_service():
    server, port = start_server("portfolio", 0)
    try:
        with pytest.raises(RemoteServiceError, match=r"services.execution: the server at .* is a 'portfolio' service"):
            RemoteServiceProxy("execution", remote(f"127.0.0.1:{port}"), {}, "run")
    finally:
        server.stop(None)


def stub(address: str) -> tuple[grpc.Channel, pipeline_pb2_grpc.PipelineServiceStub]:
    channel = grpc.insecure_channel(address)
    return channel, pipeline_pb2_grpc.PipelineServiceStub(channel)


def test_process_without_a_session_is_failed_precondition(strategy_server: str):
    channel, client = stub(strategy_server)
    with channel:
        with pytest.raises(grpc.RpcError) as info:
            list(client.Process(iter([pipeline_pb2.Frame()]), timeout=5))
        assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "call Reset first" in info.value.details()
        with pytest.raises(grpc.RpcError) as info:
            list(client.Process(iter([pipeline_pb2.Frame()]), timeout=5, metadata=((SESSION_KEY, "nope"),)))
        assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_a_bad_config_is_invalid_argument_and_the_reply_is_bounded(strategy_server: str):
    channel, client = stub(strategy_server)
    huge = "x" * 500_000
    with channel:
        with pytest.raises(grpc.RpcError) as info:
            client.Reset(pipeline_pb2.ResetRequest(config=json.dumps({"strategies": huge})), timeout=5)
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert len(info.value.details()) < 1200
        with pytest.raises(grpc.RpcError) as info:
            client.Reset(pipeline_pb2.ResetRequest(config="{" + "a" * (2 << 20)), timeout=5)
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "at most" in info.value.details()


BOMB = "\n".join(["a: &a [x,x,x,x,x,x,x,x,x]"] + [
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)])


def test_a_yaml_alias_bomb_in_a_reset_is_refused_at_once(strategy_server: str):
    assert len(BOMB) < 600
    channel, client = stub(strategy_server)
    with channel:
        start = time.monotonic()
        with pytest.raises(grpc.RpcError) as info:
            client.Reset(pipeline_pb2.ResetRequest(config=BOMB), timeout=10)
        assert time.monotonic() - start < 2
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "expands to more than" in info.value.details()


def test_sessions_are_bounded_and_idle_streams_cannot_starve_describe(strategy_server: str):
    channel, client = stub(strategy_server)
    streams = []
    with channel:
        for _ in range(3):  # max_sessions: each holds an idle Process stream
            reply = client.Reset(pipeline_pb2.ResetRequest(config=json.dumps(sma(5, 20))), timeout=5)
            stream = client.Process(iter(threading.Event().wait, True), metadata=((SESSION_KEY, reply.session_id),))
            streams.append(stream)
        time.sleep(0.3)
        assert client.Describe(pipeline_pb2.DescribeRequest(), timeout=2).name == "strategy"
        with pytest.raises(grpc.RpcError) as info:
            client.Reset(pipeline_pb2.ResetRequest(config=json.dumps(sma(5, 20))), timeout=5)
        assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "busy" in info.value.details()
        for stream in streams:
            stream.cancel()


def test_an_idle_session_ends_and_frees_its_place():
    server, port = start_server("strategy", 0, max_sessions=1, idle_seconds=0.2)
    channel, client = stub(f"127.0.0.1:{port}")
    try:
        with channel:
            stream = client.Process(iter(threading.Event().wait, True), metadata=((SESSION_KEY, client.Reset(
                pipeline_pb2.ResetRequest(), timeout=5).session_id),))
            time.sleep(0.5)
            reply = client.Reset(pipeline_pb2.ResetRequest(), timeout=5)  # the idle one was ended
            assert reply.session_id
            with pytest.raises(grpc.RpcError) as info:
                next(stream)
            assert info.value.code() == grpc.StatusCode.CANCELLED
    finally:
        server.stop(None)


def test_a_busy_port_is_an_error():
    server, port = start_server("execution", 0)
    try:
        with pytest.raises(QTraderError, match="cannot listen on 127.0.0.1:.*in use"):
            start_server("execution", port)
    finally:
        server.stop(None)
    with socket.socket() as other:  # a port held by any other program, too
        other.bind(("127.0.0.1", 0))
        other.listen()
        with pytest.raises(QTraderError, match="cannot listen"):
            start_server("execution", other.getsockname()[1])


ATTACK = '''
from pathlib import Path
Path({marker!r}).write_text("imported")

class Evil:
    def on_bar(self, bar, ctx):
        pass
'''


def test_a_reset_naming_a_strategy_file_the_operator_did_not_allow_imports_nothing(tmp_path: Path,
                                                                                  strategy_server: str):
    marker = tmp_path / "pwned"
    attack = tmp_path / "attack.py"
    attack.write_text(ATTACK.format(marker=str(marker)))
    channel, client = stub(strategy_server)
    for name in (f"{attack}:Evil", "attack.py:Evil", "os:system", "qtrader_attack_module:Evil"):
        config = {"strategies": [{"id": "x", "name": name}], "base_dir": str(tmp_path)}
        with pytest.raises(grpc.RpcError) as info:
            client.Reset(pipeline_pb2.ResetRequest(config=json.dumps(config)), timeout=5)
        assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "is not allowed on this server" in info.value.details()
    channel.close()
    assert not marker.exists()


def test_strategies_the_operator_allowed_load(tmp_path: Path):
    folder = tmp_path / "strategies"
    folder.mkdir()
    (folder / "mine.py").write_text("class Mine:\n    def on_bar(self, bar, ctx):\n        ctx.emit_signal('OPEN_LONG')\n")
    outside = tmp_path / "outside.py"
    outside.write_text((folder / "mine.py").read_text())
    allow = StrategyAllowList.of(allow_dirs=[folder])
    server, port = start_server("strategy", 0, admit=allow.check)
    try:
        config = {"strategies": [{"id": "m", "name": "strategies/mine.py:Mine"}], "base_dir": str(tmp_path)}
        proxy = RemoteServiceProxy("strategy", remote(f"127.0.0.1:{port}"), config, "run")
        assert signals(proxy, bars(2))[0]["intention"] == "OPEN_LONG"
        proxy.close()
        config["strategies"][0]["name"] = "strategies/../outside.py:Mine"
        with pytest.raises(RemoteServiceError, match="PERMISSION_DENIED"):
            RemoteServiceProxy("strategy", remote(f"127.0.0.1:{port}"), config, "run")
    finally:
        server.stop(None)
    assert StrategyAllowList.of(allow=["outside.py:Mine"], cwd=tmp_path).permits(str(outside) + ":Mine", Path("/"))
    assert not StrategyAllowList.of(allow=["outside.py:Mine"], cwd=tmp_path).permits(f"{outside}:Other", Path("/"))
    assert StrategyAllowList.of(allow=["pkg.mod:Cls"]).permits("pkg.mod:Cls", tmp_path)
    assert not StrategyAllowList.of(allow=["pkg.mod:Cls"]).permits("pkg.mod:Other", tmp_path)
