"""Benchmark: the SMA(10/30) crossover backtest through QTrader's full pipeline, beside backtrader.

Both run the same rules on the same synthetic data in this script (each in its own subprocess, so peak memory is
measured per run): long only, 100 shares, market orders filled at the next bar's open, no costs,
100,000 cash per symbol (so cash never runs out: backtrader would refuse orders for margin, QTrader's fixed_100
policy would not, and the two would no longer trade alike).
Printed: bars per second, the ratio to backtrader (the machines are noisy: compare ratios, not absolute figures),
and peak memory (max RSS). QTrader runs with the event log off, on, and with the log, report and HTML page on (the
defaults of a run config); the report's time (writing the files and the page) is part of the run. `--remote` also
runs the strategy as a remote gRPC service against the all-local run.

Usage: python tools/bench/bench_pipeline.py [--bars 200000] [--symbols 1] [--memory-bars 1000000] [--remote] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import generate  # noqa: E402

OUT = HERE / "out"


def qtrader_config(sources: list[tuple[str, Path]], run_dir: Path, event_log: bool, remote: str | None,
                   report: bool = False) -> dict:
    config = {
        "run": {"name": "bench", "output_dir": str(run_dir), "event_log": event_log, "report": report},
        "data": {"sources": [{"symbol": s, "path": str(p), "timeframe": "1m"} for s, p in sources]},
        "strategies": [{"id": "sma", "name": "SMACrossover", "params": {"fast": 10, "slow": 30}}],
        "manager": {"policy": "fixed_100"},
        "portfolio": {"initial_cash": str(100_000 * len(sources))},
        "reporting": {"html": report},
    }
    if remote:
        config["services"] = {"strategy": {"address": remote}}
    return config


def run_qtrader(config_path: Path) -> dict:
    import yaml

    from qtrader.engine.backtest import BacktestEngine
    from qtrader.engine.config import RunConfig

    raw = yaml.safe_load(config_path.read_text())
    engine = BacktestEngine(RunConfig.model_validate(raw), raw, base_dir=config_path.parent)
    start = time.perf_counter()
    result = engine.run()
    seconds = time.perf_counter() - start
    final = result.final_state
    return {"bars": result.data.bars_published, "seconds": seconds, "events": result.events,
            "final_equity": str(final.equity) if final is not None else None}


def run_backtrader(paths: list[Path]) -> dict:
    import backtrader as bt

    class SmaCross(bt.Strategy):
        params = (("fast", 10), ("slow", 30))

        def __init__(self) -> None:
            self.cross = {d: bt.ind.CrossOver(bt.ind.SMA(d.close, period=self.p.fast),
                                              bt.ind.SMA(d.close, period=self.p.slow)) for d in self.datas}

        def next(self) -> None:
            for data, cross in self.cross.items():
                if cross[0] > 0 and not self.getposition(data).size:
                    self.buy(data=data, size=100)
                elif cross[0] < 0 and self.getposition(data).size:
                    self.close(data=data)

    cerebro = bt.Cerebro(stdstats=False)
    for path in paths:
        cerebro.adddata(bt.feeds.GenericCSVData(
            dataname=str(path), dtformat="%Y-%m-%d %H:%M:%S", timeframe=bt.TimeFrame.Minutes, datetime=0, open=1,
            high=2, low=3, close=4, volume=5, openinterest=-1))
    cerebro.addstrategy(SmaCross)
    cerebro.broker.setcash(100_000.0 * len(paths))
    start = time.perf_counter()
    cerebro.run()
    seconds = time.perf_counter() - start
    bars = sum(sum(1 for _ in open(p)) - 1 for p in paths)
    return {"bars": bars, "seconds": seconds, "final_equity": f"{cerebro.broker.getvalue():.2f}"}


def child(kind: str, arg: str) -> dict:
    """Run one measurement in a subprocess; return its figures plus its peak RSS in MiB."""
    out = subprocess.run([sys.executable, __file__, "_child", kind, arg], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _child_main(kind: str, arg: str) -> None:
    if kind == "qtrader":
        figures = run_qtrader(Path(arg))
    else:
        figures = run_backtrader([Path(p) for p in json.loads(arg)])
    figures["max_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def write_config(name: str, config: dict) -> Path:
    import yaml

    path = OUT / f"{name}.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def line(label: str, figures: dict, peer: dict | None = None) -> str:
    rate = figures["bars"] / figures["seconds"]
    ratio = f"{rate / (peer['bars'] / peer['seconds']):6.2f}x" if peer else "      "
    return (f"{label:<44} {figures['bars']:>9,} bars {figures['seconds']:8.2f} s {rate:>10,.0f} bars/s {ratio}"
            f" {figures['max_rss_mib']:8.0f} MiB  equity {figures.get('final_equity')}")


def main() -> int:
    global OUT
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bars", type=int, default=200_000)
    parser.add_argument("--symbols", type=int, default=1)
    parser.add_argument("--memory-bars", type=int, default=0, help="also run QTrader alone on this many bars")
    parser.add_argument("--no-backtrader", action="store_true")
    parser.add_argument("--remote", action="store_true", help="also run with the strategy as a remote gRPC service")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the generated data, configs and run folders")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds; each round runs every configuration once, interleaved, and the best of each is kept")
    args = parser.parse_args()

    OUT = args.out
    per_symbol = args.bars // args.symbols
    sources = generate(OUT / "data", per_symbol, args.symbols)
    print(f"data: {args.symbols} symbol(s) x {per_symbol:,} one-minute bars (seed 7)")
    try:
        import backtrader  # noqa: F401
        have_backtrader = not args.no_backtrader
    except ImportError:
        have_backtrader = False
        print("backtrader is not installed (pip install -e 'python[bench]'): no peer ratio")
    runs: list[tuple[str, str, str]] = []
    if have_backtrader:
        runs.append(("backtrader 1.9.78 (peer)", "backtrader", json.dumps([str(p) for _, p in sources])))
    for event_log, report in ((False, False), (True, False), (True, True)):
        config = write_config(f"local_{event_log}_{report}", qtrader_config(sources, OUT / "run", event_log, None, report))
        label = "qtrader, all local, " + ("log + report + HTML (defaults)" if report else
                                          f"event log {'on' if event_log else 'off'}")
        runs.append((label, "qtrader", str(config)))
    server = None
    if args.remote:
        from qtrader.grpc_host.server import start_server

        server, port = start_server("strategy", 0)
        config = write_config("remote", qtrader_config(sources, OUT / "run", False, f"127.0.0.1:{port}"))
        runs.append(("qtrader, strategy remote (gRPC), log off", "qtrader", str(config)))
    best: dict[str, dict] = {}
    try:
        for _ in range(max(1, args.repeat)):  # interleaved rounds: noise hits every configuration alike
            for label, kind, arg in runs:
                figures = child(kind, arg)
                if label not in best or figures["seconds"] < best[label]["seconds"]:
                    best[label] = figures
    finally:
        if server is not None:
            server.stop(None)
    print(f"best of {max(1, args.repeat)} interleaved rounds:")
    peer = best.get("backtrader 1.9.78 (peer)")
    for label, _, _ in runs:
        print(line(label, best[label], peer if label != "backtrader 1.9.78 (peer)" else None))
    if args.remote:
        local, remote = best["qtrader, all local, event log off"], best["qtrader, strategy remote (gRPC), log off"]
        print(f"remote / local bars per second: "
              f"{(remote['bars'] / remote['seconds']) / (local['bars'] / local['seconds']):.2f}")
    if args.memory_bars:
        big = generate(OUT / "data", args.memory_bars // args.symbols, args.symbols)
        for report in (False, True):
            config = write_config(f"memory_{report}", qtrader_config(big, OUT / "run", True, None, report))
            figures = child("qtrader", str(config))
            what = "log on, report + HTML on" if report else "log on, report off"
            print(line(f"qtrader memory run ({args.memory_bars:,} bars, {what})", figures, None))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        _child_main(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
