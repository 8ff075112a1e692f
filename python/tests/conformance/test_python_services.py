"""Every Python service passes the whole conformance suite over real gRPC on loopback; a broken one fails it."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from qtrader.conformance import cli as conformance_cli
from qtrader.conformance.cases import discover, find_cases_root
from qtrader.conformance.runner import run_case
from qtrader.grpc_host.server import start_server
from qtrader.services.execution import ExecutionService

REPO = Path(__file__).resolve().parents[3]
CASES = REPO / "conformance" / "cases"
SERVICES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


def args(**overrides) -> argparse.Namespace:
    base = dict(target=None, serve_python=None, service=None, case=None, known_failing=None, cases=CASES,
                deadline=10.0, record=False)
    base.update(overrides)
    return argparse.Namespace(**base)


def test_cases_root_is_found_from_the_repo():
    assert find_cases_root(REPO) == CASES


@pytest.mark.parametrize("service", SERVICES)
def test_python_service_passes_the_suite(service: str, capsys):
    code = conformance_cli.run(args(serve_python=service,
                                    known_failing=REPO / "conformance/known-failing/python.txt"))
    out = capsys.readouterr().out
    assert code == 0, out
    cases = len(discover(CASES, service))
    assert f"{cases} passed, 0 failed" in out and cases >= 1


def test_python_known_failing_list_is_empty():
    text = (REPO / "conformance/known-failing/python.txt").read_text()
    assert [line for line in text.splitlines() if line.split("#")[0].strip()] == []


class CloseFillingExecution(ExecutionService):
    """Deliberately broken: fills every working limit order at the bar's close."""

    def on_price_bar(self, bar):  # noqa: D102
        close = bar.close
        patched = bar.model_copy(update={"open": close, "high": close, "low": close})
        super().on_price_bar(patched)


def test_a_broken_implementation_fails_naming_the_case_and_the_field(capsys):
    server, port = start_server("execution", 0, cls=CloseFillingExecution)
    try:
        results = [run_case(case, f"127.0.0.1:{port}") for case in discover(CASES, "execution")]
    finally:
        server.stop(None)
    failures = [r for r in results if not r.passed]
    assert failures, "the broken implementation passed every case"
    limit_failures = [r for r in failures if "limit" in r.case.name]
    assert limit_failures
    assert any("events[" in r.message and ".price" in r.message for r in limit_failures), [r.message for r in failures]


def test_known_failing_semantics(tmp_path: Path, capsys):
    known = tmp_path / "known.txt"
    case = discover(CASES, "strategy")[0]
    known.write_text(f"{case.case_id}  # listed but passes\n")
    code = conformance_cli.run(args(serve_python="strategy", case=case.name, known_failing=known))
    out = capsys.readouterr().out
    assert code == 1 and "XPASS" in out and "0 passed, 1 failed" in out


def test_record_then_pass(tmp_path: Path, capsys):
    import shutil

    source = discover(CASES, "strategy")[0].path
    copy = tmp_path / "cases" / "strategy" / source.name
    shutil.copytree(source, copy)
    shutil.copy(CASES.parent / "case.schema.json", tmp_path / "case.schema.json")
    (copy / "expected.jsonl").unlink()
    assert conformance_cli.run(args(serve_python="strategy", cases=tmp_path / "cases", record=True)) == 0
    assert (copy / "expected.jsonl").read_text() == (source / "expected.jsonl").read_text()
