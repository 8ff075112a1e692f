"""The run manifest: canonical config and its digest, data fingerprints, contract versions, code and services."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import orjson

from qtrader import __version__
from qtrader.contracts.generated.event_index import EVENTS
from qtrader.store.manifest import (
    build_manifest,
    canonical_json,
    contract_versions,
    environment,
    fingerprint_file,
    git_commit,
)

REPO = Path(__file__).resolve().parents[3]


def test_canonical_json_has_one_spelling_per_config() -> None:
    a = {"run": {"name": "x"}, "data": {"start": date(2015, 1, 2), "sources": [{"path": Path("d.csv")}]},
         "portfolio": {"initial_cash": Decimal("1E+5")}}
    b = {"portfolio": {"initial_cash": Decimal("100000")}, "data": {"sources": [{"path": "d.csv"}], "start": "2015-01-02"},
         "run": {"name": "x"}}
    assert canonical_json(a) == canonical_json(b)
    assert canonical_json(a) == (b'{"data":{"sources":[{"path":"d.csv"}],"start":"2015-01-02"},'
                                 b'"portfolio":{"initial_cash":"100000"},"run":{"name":"x"}}')


def test_fingerprint_file(tmp_path: Path) -> None:
    path = tmp_path / "bars.csv"
    content = b"timestamp,open\n" * 100_000  # more than one read chunk
    path.write_bytes(content)
    assert fingerprint_file(path) == {"path": str(path), "size": len(content),
                                      "sha256": hashlib.sha256(content).hexdigest()}


def test_contract_versions_come_from_the_schema_index() -> None:
    versions = contract_versions()
    assert set(versions["events"]) == set(EVENTS) and versions["events"]["PriceBar"] == 1
    assert len(versions["schemas_sha256"]) == 64


def test_environment_names_the_code_and_platform(tmp_path: Path) -> None:
    env = environment(REPO)
    assert env["qtrader"] == __version__ and env["python"]["version"].count(".") == 2
    assert env["platform"]["system"]
    if (REPO / ".git").exists():
        assert env["git"] is not None and len(env["git"]["commit"]) == 40
    assert git_commit(tmp_path) is None  # not a git work tree


def test_build_manifest_is_pure_and_complete() -> None:
    config = {"run": {"name": "demo"}, "services": {"execution": {"address": "127.0.0.1:50051"}}}
    data = [{"path": "data/GOOG.csv", "size": 10, "sha256": "0" * 64}]
    env = {"qtrader": "0.1.0", "git": None, "python": {"version": "3.11.7"}, "platform": {"system": "Linux"}}
    manifest = build_manifest(config, data_files=data, contracts={"events": {"PriceBar": 1}}, env=env,
                              services={"strategy": None, "execution": "127.0.0.1:50051"})
    assert manifest == build_manifest(dict(reversed(list(config.items()))), data_files=data,
                                      contracts={"events": {"PriceBar": 1}}, env=env,
                                      services={"execution": "127.0.0.1:50051", "strategy": None})
    assert manifest["config"] == config
    assert manifest["config_sha256"] == hashlib.sha256(canonical_json(config)).hexdigest()
    assert manifest["data_files"] == data and manifest["qtrader"] == "0.1.0"
    assert manifest["services"] == {"execution": {"where": "remote", "address": "127.0.0.1:50051"},
                                    "strategy": {"where": "local"}}
    assert orjson.loads(canonical_json(manifest)) == manifest  # storable as it is
