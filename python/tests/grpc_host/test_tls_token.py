"""qtrader serve over TLS with a shared token, and the proxy's tls and token_env settings (a self-signed
certificate made in the test with the openssl CLI)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from qtrader.engine.config import RemoteTLS
from qtrader.engine.remote import RemoteServiceProxy
from qtrader.errors import RemoteServiceError
from qtrader.grpc_host.server import ServerTLS, start_server

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module")
def server(certificate):
    cert, key = certificate
    started, port = start_server("execution", 0, tls=ServerTLS(cert, key), token="s3cret-token")
    yield port
    started.stop(None)


def remote(port: int, tls: RemoteTLS | None, token_env: str | None) -> SimpleNamespace:
    return SimpleNamespace(address=f"localhost:{port}", deadline_seconds=5.0, connect_timeout_seconds=2.0,
                           config=None, tls=tls, token_env=token_env)


def test_tls_and_the_right_token_connect(server: int, certificate, monkeypatch):
    monkeypatch.setenv("QTRADER_TEST_TOKEN", "s3cret-token")
    proxy = RemoteServiceProxy("execution", remote(server, RemoteTLS(ca_file=str(certificate[0])), "QTRADER_TEST_TOKEN"),
                               {}, "run")
    assert proxy.consumes == ("PriceBar", "Order", "CancelOrder")
    proxy.close()


def test_a_wrong_or_missing_token_is_refused(server: int, certificate, monkeypatch):
    tls = RemoteTLS(ca_file=str(certificate[0]))
    monkeypatch.setenv("QTRADER_TEST_TOKEN", "guess")
    with pytest.raises(RemoteServiceError, match="UNAUTHENTICATED: missing or wrong token"):
        RemoteServiceProxy("execution", remote(server, tls, "QTRADER_TEST_TOKEN"), {}, "run")
    with pytest.raises(RemoteServiceError, match="UNAUTHENTICATED"):
        RemoteServiceProxy("execution", remote(server, tls, None), {}, "run")
    monkeypatch.delenv("QTRADER_TEST_TOKEN")
    with pytest.raises(RemoteServiceError, match="token_env: the environment variable QTRADER_TEST_TOKEN is not set"):
        RemoteServiceProxy("execution", remote(server, tls, "QTRADER_TEST_TOKEN"), {}, "run")


def test_a_plain_client_cannot_talk_to_a_tls_server(server: int, monkeypatch):
    monkeypatch.setenv("QTRADER_TEST_TOKEN", "s3cret-token")
    with pytest.raises(RemoteServiceError, match="not reachable"):
        RemoteServiceProxy("execution", remote(server, None, "QTRADER_TEST_TOKEN"), {}, "run")
