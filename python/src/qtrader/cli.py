"""The `qtrader` command: run a backtest, rebuild a report, serve a service over gRPC, run the conformance suite.

Errors QTrader raises on purpose print as one clear line without a traceback (unless --debug) and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Sequence

from rich.console import Console
from rich.markup import escape

from qtrader import __version__
from qtrader.engine.services import REMOTE_CAPABLE
from qtrader.errors import QTraderError


def _run(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from qtrader.engine.backtest import BacktestEngine, count_rows

    from qtrader.engine.overrides import parse_assignment

    overrides = [parse_assignment(text) for text in args.set]
    engine = BacktestEngine.from_yaml(Path(args.config), Path(args.output) if args.output else None, overrides)
    if args.no_report:
        engine.config = engine.config.model_copy(update={"run": engine.config.run.model_copy(update={"report": False})})
    console = Console(stderr=True)
    show_progress = not args.no_progress and console.is_terminal
    try:
        if show_progress:
            total = count_rows(engine)
            with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeRemainingColumn(), console=console, transient=True) as bar:
                task = bar.add_task(f"backtest {engine.config.run.name}", total=total)
                result = engine.run(progress=lambda done: bar.update(task, completed=done))
        else:
            result = engine.run()
    except (QTraderError, KeyboardInterrupt, Exception):
        folder = getattr(engine, "folder", None)
        if folder is not None and folder.failed_at is not None:
            kept = "" if folder.failed_at == folder.target else f"; the previous run in {folder.target} is unchanged"
            console.print(f"partial output, marked as not complete: {folder.failed_at}{kept}", markup=False,
                          highlight=False, soft_wrap=True)
        raise
    from qtrader.services.reporting.summary import summary_table

    extra = {"Bars": f"{result.data.bars_published:,}", "Events": f"{result.events:,}",
             "Rows skipped": str(result.data.rows_skipped)}
    for kind, count in sorted(result.data.skipped.items()):
        extra[f"  skipped: {kind}"] = str(count)
    if result.signals_suppressed:
        extra["Warm-up signals suppressed"] = str(result.signals_suppressed)
    out = Console()
    out.print(summary_table(result.metrics, extra))
    out.print(f"Run folder: {result.run_dir}")
    if engine.stored_run_id is not None:
        out.print(f"Stored as run {engine.stored_run_id} (qtrader runs show {engine.stored_run_id})")
    return 0


def _report(args: argparse.Namespace) -> int:
    from qtrader.services.reporting.cli_report import report_run_dir

    from qtrader.engine.run_folder import incomplete_run

    run_dir = Path(args.run_dir)
    incomplete = incomplete_run(run_dir)
    if incomplete and not args.partial:
        raise QTraderError(f"{run_dir}: {incomplete}; its event log covers only part of the run, and so would the "
                           "report: pass --partial to build it anyway")
    path = report_run_dir(run_dir)
    Console().print(f"Report written: {path}")
    if incomplete:
        Console(stderr=True).print(f"note: {incomplete}: this report covers only part of the run",
                                   markup=False, highlight=False, soft_wrap=True)
    return 0


def _serve(args: argparse.Namespace) -> int:
    import os

    from qtrader.grpc_host.server import ServerTLS, serve

    options: dict[str, Any] = {"max_sessions": args.max_sessions, "idle_seconds": args.idle_timeout}
    if args.service == "strategy":
        from qtrader.services.strategy.allow import StrategyAllowList

        options["admit"] = StrategyAllowList.of(args.allow, args.allow_dir).check
    elif args.allow or args.allow_dir:
        raise QTraderError("--allow and --allow-dir are for the strategy service")
    if bool(args.tls_cert) != bool(args.tls_key):
        raise QTraderError("--tls-cert and --tls-key go together")
    if args.tls_cert:
        options["tls"] = ServerTLS(Path(args.tls_cert), Path(args.tls_key),
                                   Path(args.tls_client_ca) if args.tls_client_ca else None)
    if args.token_env:
        token = os.environ.get(args.token_env)
        if not token:
            raise QTraderError(f"--token-env: the environment variable {args.token_env} is not set")
        options["token"] = token
    return serve(args.service, args.port, Path(args.config) if args.config else None, host=args.host, **options)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qtrader", description="Contract-first, deterministic backtester.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run a backtest from a YAML config")
    run.add_argument("config")
    run.add_argument("--output", help="run folder (default: run.output_dir or runs/<name>)")
    run.add_argument("--no-report", action="store_true", help="skip the HTML report and exports")
    run.add_argument("--no-progress", action="store_true")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="override a config value before validation, e.g. strategies.0.params.fast=5 "
                          "(dotted keys, list items by number, the value read as YAML); repeat")
    run.set_defaults(func=_run)

    report = commands.add_parser("report", help="(re)build report.html and the exports of a run folder")
    report.add_argument("run_dir")
    report.add_argument("--partial", action="store_true",
                        help="build it even for a run that failed or was interrupted (it covers part of the run)")
    report.set_defaults(func=_report)

    serve = commands.add_parser("serve", help="serve a Python service over gRPC (PipelineService)")
    serve.add_argument("service", choices=REMOTE_CAPABLE)
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--config", help="YAML file: the service's config section (a Reset with no config uses it)")
    serve.add_argument("--allow", action="append", default=[], metavar="MODULE:CLASS",
                       help="strategy: a strategy clients may name (module:Class or path.py:Class); repeat")
    serve.add_argument("--allow-dir", action="append", default=[], metavar="DIR",
                       help="strategy: every strategy file under DIR may be named; repeat")
    serve.add_argument("--max-sessions", type=int, default=4, help="runs served at once, each in isolation")
    serve.add_argument("--idle-timeout", type=float, default=300.0, metavar="SECONDS",
                       help="end a session whose client is quiet this long")
    serve.add_argument("--tls-cert", help="PEM certificate chain: serve over TLS (with --tls-key)")
    serve.add_argument("--tls-key", help="PEM private key of --tls-cert")
    serve.add_argument("--tls-client-ca", help="PEM CA: clients must present a certificate it signed")
    serve.add_argument("--token-env", metavar="VAR", help="require the token held in environment variable VAR")
    serve.set_defaults(func=_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    from qtrader.conformance.cli import add_parser as add_conformance

    from qtrader.store.cli import add_parsers as add_store_commands

    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    add_conformance(commands)
    add_store_commands(commands)
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except QTraderError as exc:
        if args.debug:
            raise
        Console(stderr=True, soft_wrap=True).print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False)
        return 2
    except KeyboardInterrupt:
        Console(stderr=True).print("interrupted (Ctrl-C): stopped; a run in progress was not completed and its "
                                   "folder, if any, is marked interrupted", markup=False, highlight=False,
                                   soft_wrap=True)
        return 130


if __name__ == "__main__":
    sys.exit(main())
