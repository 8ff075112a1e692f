"""The Go execution service (go/) in a real backtest: a run with `services: {execution: {address: ...}}` pointing
at the Go binary must write an events.jsonl byte-identical to the all-local (Python) run, on the SMA example and
on a limit-entry bracket example. Also prints the speed of both runs (bars/s; see the output with -s). And random
streams of bars, orders (every type and time in force, some with problems), brackets and cancels give, input by
input, the same batches from the Go service as from the Python one, byte for byte.

Skipped when no Go toolchain is on PATH. The binary is built once per session and started on a free port.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from qtrader.engine.backtest import BacktestEngine
from qtrader.engine.config import RunConfig

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "python" / "examples"


@pytest.fixture(scope="session")
def go_execution(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build go/cmd/qtrader-execution, start it on a free loopback port, yield HOST:PORT, stop it."""
    go = shutil.which("go")
    if go is None:
        pytest.skip("go not found: the Go execution service cannot be built (install Go to run this test)")
    binary = tmp_path_factory.mktemp("go-bin") / "qtrader-execution"
    subprocess.run([go, "build", "-o", str(binary), "./cmd/qtrader-execution"], cwd=REPO / "go", check=True)
    process = subprocess.Popen([str(binary), "--host", "127.0.0.1", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        line = process.stdout.readline()  # "qtrader-execution: serving execution on 127.0.0.1:PORT (...)"
        address = next((word for word in line.split() if word.startswith("127.0.0.1:")), None)
        if address is None:
            pytest.fail(f"the Go execution service did not start: {line!r}")
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
        process.stdout.close()


@pytest.fixture(scope="session")
def warmed_up(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One untimed local run first, so neither timed run pays for imports and first-use setup."""
    run(EXAMPLES / "sma_crossover_goog.yaml", tmp_path_factory.mktemp("warm-up"), None)


def run(example: Path, out_dir: Path, execution_address: str | None) -> tuple[bytes, float]:
    """Run an example (reports off: the event log is what is compared); returns events.jsonl and bars per second."""
    raw = copy.deepcopy(yaml.safe_load(example.read_text(encoding="utf-8")))
    raw.setdefault("run", {})["report"] = False
    if execution_address is not None:
        raw["services"] = {"execution": {"address": execution_address}}
    engine = BacktestEngine(RunConfig.model_validate(raw), raw, base_dir=example.parent, output_dir=out_dir)
    started = time.perf_counter()
    engine.run()
    elapsed = time.perf_counter() - started
    events = (out_dir / "events.jsonl").read_bytes()
    bars = sum(1 for line in events.splitlines() if b'"event_type":"PriceBar"' in line)
    return events, bars / elapsed


def compare(example: Path, tmp_path: Path, address: str) -> list[dict]:
    local, local_speed = run(example, tmp_path / "local", None)
    remote, remote_speed = run(example, tmp_path / "go", address)
    print(f"\n{example.name}: Go execution over gRPC {remote_speed:,.0f} bars/s, "
          f"all-local Python {local_speed:,.0f} bars/s")
    assert remote.count(b'"source_service":"execution"') > 0
    if remote != local:
        for number, (a, b) in enumerate(zip(local.splitlines(), remote.splitlines()), 1):
            assert a == b, f"events.jsonl line {number} differs"
        assert len(local.splitlines()) == len(remote.splitlines())
    assert remote == local
    return [json.loads(line) for line in remote.splitlines()]


@pytest.mark.usefixtures("warmed_up")
def test_sma_example_event_log_is_byte_identical(go_execution: str, tmp_path: Path) -> None:
    events = compare(EXAMPLES / "sma_crossover_goog.yaml", tmp_path, go_execution)
    fills = [e for e in events if e["event_type"] == "Fill"]
    # the example trades: market entries and exits at the next bar's open, every fill by the Go service
    assert len(fills) >= 10
    assert {e["source_service"] for e in fills} == {"execution"}


@pytest.mark.usefixtures("warmed_up")
def test_bracket_limit_example_event_log_is_byte_identical(go_execution: str, tmp_path: Path) -> None:
    events = compare(EXAMPLES / "bracket_limit_goog.yaml", tmp_path, go_execution)
    role = {e["order_id"]: e.get("bracket_role") for e in events if e["event_type"] == "Order"}
    fills = Counter(role[e["order_id"]] for e in events if e["event_type"] == "Fill")
    statuses = Counter((role[e["order_id"]], e["status"]) for e in events if e["event_type"] == "OrderUpdate")
    # several fills of each kind: limit entries, stop-loss exits and take-profit exits
    assert fills["ENTRY"] >= 5 and fills["STOP_LOSS"] >= 3 and fills["TAKE_PROFIT"] >= 3, fills
    # each filled entry is closed by exactly one exit (the other is canceled: one-cancels-other), except a
    # bracket still open when the data ends
    assert fills["ENTRY"] - (fills["STOP_LOSS"] + fills["TAKE_PROFIT"]) in (0, 1)
    # DAY entries that did not fill expired, and their exits were canceled with them
    assert statuses[("ENTRY", "EXPIRED")] >= 1
    assert statuses[("STOP_LOSS", "CANCELED")] + statuses[("STOP_LOSS", "FILLED")] >= statuses[("ENTRY", "EXPIRED")]


# -- random order streams: every batch of the Go service equals the Python service's, byte for byte ----------------

CONFIGS = [
    {},
    {"participation": "0.1", "commission": {"model": "per_share", "rate": 0.005, "minimum": "1.00"}},
    {"slippage": {"model": "fixed_bps", "bps": 2.5}, "price_decimals": 2,
     "commission": {"model": "percent", "rate": "0.1", "decimals": 2}},
    {"slippage": {"model": "volume_share", "impact": "0.1", "max_bps": 50, "bps": "1"}, "participation": 0.05},
    {"slippage": {"model": "random", "bps": "20", "seed": 7}, "commission": {"model": "per_order", "rate": "1.5"}},
    {"slippage": {"model": "random", "bps": 3.5}, "participation": "0.5", "price_decimals": 4,
     "commission": {"model": "tiered", "tiers": [{"up_to": 300, "rate": "0.0035"}, {"rate": "0.0015"}],
                    "maximum": 5}},
    {"symbols": ["AAA"], "participation": "0.013"},
]


class Stream:
    """A random but valid stream of bars, orders (every type and time in force, some with problems), brackets and
    cancels for two symbols, from a seed."""

    def __init__(self, seed: int) -> None:
        import random
        from decimal import Decimal

        from qtrader.contracts.ids import run_id

        self.rng, self.D, self.n, self.run = random.Random(seed), Decimal, 0, run_id("go-differential")
        self.price = {"AAA": Decimal("100"), "BBB": Decimal("1.2345")}
        self.orders: list[tuple[str, str]] = []

    def _envelope(self, event_type: str, at: str) -> dict:
        from qtrader.contracts.ids import derive_id

        self.n += 1
        return {"event_id": derive_id(self.run, event_type, self.n), "event_type": event_type, "schema_version": 1,
                "occurred_at": at, "source_service": "test", "correlation_id": self.run}

    def _spell(self, value, places: int | None = None) -> str:
        places = self.rng.choice([0, 1, 2, 3, 4]) if places is None else places
        text = format(max(value, self.D("0.01")).quantize(self.D(1).scaleb(-places)), "f")
        return text + ("0" if "." in text and self.rng.random() < 0.2 else "")

    def bar(self, symbol: str, at: str) -> dict:
        rng, p = self.rng, self.price[symbol]

        def step(spread: int):
            return self.D(rng.randint(0, spread)) / self.D(10000) * p

        o = p + step(1000) - step(1000)
        h, lo = o + step(300), o - step(300)
        c = lo + (h - lo) * self.D(rng.randint(0, 100)) / 100
        self.price[symbol] = max(c, self.D("0.05"))
        places = rng.choice([2, 3, 4])
        low, open_, high = sorted((self._spell(x, places) for x in (lo, o, h)), key=self.D)
        close = min(max(self._spell(c, places), low, key=self.D), high, key=self.D)
        return {**self._envelope("PriceBar", at), "symbol": symbol, "timeframe": "1d", "open": open_, "high": high,
                "low": low, "close": close, "volume": rng.choice(["1000000", "1000", "0", "150", "12345.5"]),
                "adjusted": False}

    def _price(self, symbol: str, percent: int) -> str:
        return self._spell(self.price[symbol] * (1 + self.D(percent) / 100))

    def order(self, at: str, **fields) -> dict:
        from qtrader.contracts.ids import derive_id

        rng = self.rng
        event = self._envelope("Order", at)
        order_id = derive_id(self.run, "order", self.n)
        symbol = fields.pop("symbol", rng.choice(["AAA", "BBB"]))
        kind = fields.pop("order_type", rng.choice(["MARKET", "LIMIT", "STOP", "STOP_LIMIT", "TRAILING_STOP"]))
        side = fields.pop("side", rng.choice(["BUY", "SELL"]))
        up = 1 if side == "BUY" else -1
        order = {**event, "order_id": order_id, "intent_id": derive_id(self.run, "signal", self.n),
                 "idempotency_key": f"k-{order_id}", "strategy_id": "s1", "symbol": symbol, "side": side,
                 "quantity": rng.choice(["100", "100", "50", "1000", "250.5", "0", "-5", "5000"]),
                 "order_type": kind, "time_in_force": rng.choice(["DAY", "GTC", "GTC", "IOC", "FOK"])}
        if kind in ("LIMIT", "STOP_LIMIT"):
            order["limit_price"] = self._price(symbol, -up * rng.randint(-2, 2))
        if kind in ("STOP", "STOP_LIMIT"):
            order["stop_price"] = self._price(symbol, up * rng.randint(-2, 2))
        if kind == "TRAILING_STOP":
            order[rng.choice(["trail_amount", "trail_percent"])] = rng.choice(["1", "2.5", "0.75", "10"])
            if rng.random() < 0.3:
                order["stop_price"] = self._price(symbol, -up * 3)
        if rng.random() < 0.05:  # problems: a price the type does not use, a missing price, a bad value
            order[rng.choice(["limit_price", "stop_price"])] = rng.choice(["0", "-1", "99"])
        if rng.random() < 0.05:
            order.pop(rng.choice(["limit_price", "stop_price"]), None)
        if self.orders and rng.random() < 0.05:
            order["idempotency_key"] = f"k-{rng.choice(self.orders)[0]}"  # a repeat: emits nothing
        if self.orders and rng.random() < 0.2:
            parent, parent_symbol = rng.choice(self.orders)
            order.update(parent_order_id=parent, symbol=parent_symbol, oco_group_id=f"g-{parent[:8]}",
                         bracket_role=rng.choice(["STOP_LOSS", "TAKE_PROFIT"]))
        elif rng.random() < 0.15:
            order["oco_group_id"] = rng.choice(["g1", "g2"])
        if rng.random() < 0.1:
            order["lot_ids"] = ["lot-a", "lot-b"]
        order.update(fields)
        self.orders.append((order_id, order["symbol"]))
        return order

    def events(self) -> list[dict]:
        from datetime import datetime, timedelta, timezone

        rng, out = self.rng, []
        t = datetime(2024, 1, 2, 21, tzinfo=timezone.utc)
        hours = rng.choice([6, 24])
        for _ in range(rng.randint(10, 30)):
            at = t.strftime("%Y-%m-%dT%H:%M:%SZ")
            for symbol in ("AAA", "BBB"):
                if rng.random() < 0.9:
                    out.append(self.bar(symbol, at))
                out.extend(self.order(at) for _ in range(rng.choice([0, 1, 1, 2])))
            if rng.random() < 0.2:  # a bracket: entry, then a stop-loss and a take-profit in one OCO group
                entry = self.order(at, order_type="MARKET", side="BUY", quantity="100", time_in_force="GTC",
                                   symbol="AAA")
                for key in ("oco_group_id", "parent_order_id", "bracket_role"):
                    entry.pop(key, None)
                entry["bracket_role"] = "ENTRY"
                common = {"side": "SELL", "quantity": "100", "time_in_force": "GTC", "symbol": "AAA",
                          "parent_order_id": entry["order_id"], "oco_group_id": f"oco-{entry['order_id']}"}
                out += [entry, self.order(at, order_type="STOP", bracket_role="STOP_LOSS",
                                          stop_price=self._price("AAA", -3), **common),
                        self.order(at, order_type="LIMIT", bracket_role="TAKE_PROFIT",
                                   limit_price=self._price("AAA", 3), **common)]
                for child in out[-2:]:
                    child.pop("lot_ids", None)
            if self.orders and rng.random() < 0.15:
                out.append({**self._envelope("CancelOrder", at), "order_id": rng.choice(self.orders)[0],
                            "reason": "changed its mind"})
            t += timedelta(hours=hours)
        return out


@pytest.mark.parametrize("seed", range(24))
def test_random_streams_give_identical_batches(go_execution: str, seed: int) -> None:
    from types import SimpleNamespace

    from qtrader.contracts.validation import parse_event
    from qtrader.engine.remote import RemoteServiceProxy
    from qtrader.services.execution import ExecutionService

    stream = Stream(seed)
    config = CONFIGS[seed % len(CONFIGS)]
    events = [parse_event(raw) for raw in stream.events()]
    local = ExecutionService(config, run_id=stream.run)
    remote = RemoteServiceProxy("execution", SimpleNamespace(address=go_execution, deadline_seconds=10.0,
                                                              connect_timeout_seconds=5.0, config=None),
                                config, stream.run)
    emitted = 0
    try:
        for number, event in enumerate(events, 1):
            want = [e.to_json() for e in local.handle(event)]
            got = [e.to_json() for e in remote.handle(event)]
            assert got == want, f"seed {seed}, input #{number} ({event.event_type} {event.event_id})"
            emitted += len(want)
    finally:
        remote.close()
    assert emitted > len(events) // 2  # the stream exercised the service (orders make >= 2 events each)
