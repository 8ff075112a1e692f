"""`qtrader conformance`: the runner's command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from qtrader.conformance.cases import discover, find_cases_root
from qtrader.conformance.runner import record_case, run_case
from qtrader.errors import ConfigError


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("conformance", help="run the conformance suite against a gRPC service")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--target", help="HOST:PORT of the service under test")
    target.add_argument("--serve-python", metavar="SERVICE", help="start the Python implementation and test it")
    parser.add_argument("--service", help="only cases of this service (default: the name the target describes)")
    parser.add_argument("--case", help="only cases matching this glob (e.g. 'limit_*' or 'execution/bracket*')")
    parser.add_argument("--known-failing", type=Path, help="file of case ids expected to fail (one a line, # comments)")
    parser.add_argument("--cases", type=Path, help="cases folder (default: conformance/cases)")
    parser.add_argument("--deadline", type=float, default=10.0, help="seconds to wait for each batch")
    parser.add_argument("--record", action="store_true", help="write expected.jsonl from the target's outputs")
    parser.set_defaults(func=run)


def _known_failing(path: Path | None) -> set[str]:
    if path is None:
        return set()
    if not path.exists():
        raise ConfigError(f"known-failing file not found: {path}")
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line}


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False, soft_wrap=True)
    server = None
    target = args.target
    service = args.service
    if args.serve_python:
        from qtrader.grpc_host.server import start_server

        server, port = start_server(args.serve_python, 0)
        target = f"127.0.0.1:{port}"
        service = service or args.serve_python
    try:
        if service is None:
            service = _describe_name(target)
        cases = discover(args.cases or find_cases_root(), service, args.case, with_expected=not args.record)
        if not cases:
            raise ConfigError(f"no conformance cases for service {service!r}" + (f" matching {args.case!r}" if args.case else ""))
        if args.record:
            for case in cases:
                console.print(f"recorded {case.case_id}: {record_case(case, target, args.deadline)}")
            return 0
        known = _known_failing(args.known_failing)
        passed = failed = known_failing = 0
        for case in cases:
            result = run_case(case, target, args.deadline)
            expected_failure = case.case_id in known
            if result.passed and not expected_failure:
                passed += 1
                console.print(f"PASS  {case.case_id}")
            elif not result.passed and expected_failure:
                known_failing += 1
                console.print(f"XFAIL {case.case_id} (known failing): {result.message}")
            elif result.passed:
                failed += 1
                console.print(f"XPASS {case.case_id}: passes but is listed as known failing: remove it from the list")
            else:
                failed += 1
                console.print(f"FAIL  {case.case_id}: {result.message}")
        stale = sorted(known - {c.case_id for c in cases})
        for case_id in stale:
            if args.case is None:
                console.print(f"note: known-failing entry {case_id} matches no case")
        _stop(server)  # before the closing line: gRPC may log as it shuts down, and the closing line is the last
        server = None
        console.print(f"{passed} passed, {failed} failed" + (f", {known_failing} skipped" if known_failing else ""))
        return 1 if failed else 0
    finally:
        _stop(server)


def _stop(server: Any) -> None:
    """Stop the served implementation and wait until it has (its log lines, if any, come out now)."""
    if server is not None:
        server.stop(grace=None).wait()
        import gc

        gc.collect()  # the channels of the finished cases: closed now, not at interpreter exit


def _describe_name(target: str) -> str:
    import grpc

    from qtrader.contracts.generated import pipeline_pb2, pipeline_pb2_grpc

    with grpc.insecure_channel(target) as channel:
        try:
            info = pipeline_pb2_grpc.PipelineServiceStub(channel).Describe(pipeline_pb2.DescribeRequest(), timeout=5)
        except grpc.RpcError as exc:
            raise ConfigError(f"cannot reach {target}: {exc.code().name}: {exc.details()}") from None
    name: str = info.name
    return name
