"""Built-in strategies on hand-built closes, exact crossover ties, the loader and warm-up."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from qtrader.errors import ConfigError
from qtrader.services.strategy import StrategyService

from ..helpers import bar


def run(closes: list[str], **params) -> list[tuple[int, str]]:
    service = StrategyService({"strategies": [{"id": "s", "name": "SMACrossover", "params": params}]})
    out = []
    for i, close in enumerate(closes):
        for signal in service.handle(bar(i, close)):
            out.append((i, signal.intention.value))
    return out


def test_sma_crossover_long_only_by_hand():
    # fast=2, slow=3. Means from bar 2 on (fast | slow):
    # bar2: closes 10,10,10 -> 10 | 10 -> tie, no side yet
    # bar3: 10,10,13 -> 11.5 | 11 -> fast above: first side recorded, no signal
    # bar4: 10,13,7 -> 10 | 10 -> tie: ignored
    # bar5: 13,7,6 -> 6.5 | 8.667 -> below: cross down -> CLOSE_LONG? not long -> nothing
    # bar6: 7,6,15 -> 10.5 | 9.333 -> above: cross up -> OPEN_LONG
    # bar7: 6,15,9 -> 12 | 10 -> above, nothing
    # bar8: 15,9,3 -> 6 | 9 -> cross down -> CLOSE_LONG
    assert run(["10", "10", "10", "13", "7", "6", "15", "9", "3"], fast=2, slow=3) == [(6, "OPEN_LONG"), (8, "CLOSE_LONG")]


def test_sma_crossover_long_short_by_hand():
    closes = ["10", "10", "10", "13", "7", "6", "15", "9", "3"]
    assert run(closes, fast=2, slow=3, mode="long_short") == [
        (5, "OPEN_SHORT"), (6, "CLOSE_SHORT"), (6, "OPEN_LONG"), (8, "CLOSE_LONG"), (8, "OPEN_SHORT")]


def test_exact_tie_is_not_a_cross():
    # fast=1, slow=2 on 0.1, 0.3, 0.2, 0.2: bar1 fast 0.3 > slow 0.2 (side +);
    # bar2: fast 0.2 vs slow 0.25 -> below: cross down (not long, nothing);
    # bar3: fast 0.2 vs slow (0.2+0.2)/2 = 0.2 exactly -> tie, nothing (floats give 0.2 vs 0.2 too, but sums
    # such as 0.1+0.2 are where floats break ties: covered in the indicator tests)
    assert run(["0.1", "0.3", "0.2", "0.2"], fast=1, slow=2) == []
    assert run(["0.1", "0.3", "0.2", "0.2", "0.3"], fast=1, slow=2) == [(4, "OPEN_LONG")]


def test_buy_and_hold_buys_once_per_symbol():
    service = StrategyService({"strategies": [{"id": "bh", "name": "BuyAndHold"}]})
    signals = [s for i in range(3) for sym in ("A", "B") for s in service.handle(bar(i, "10", symbol=sym))]
    assert [(s.symbol, s.intention.value, s.price) for s in signals] == [("A", "OPEN_LONG", Decimal(10)),
                                                                       ("B", "OPEN_LONG", Decimal(10))]


def test_symbols_filter_and_warmup():
    service = StrategyService({"strategies": [{"id": "bh", "name": "BuyAndHold", "symbols": ["B"]}], "warmup_bars": 1})
    assert service.handle(bar(0, "10", symbol="A")) == []
    assert service.handle(bar(0, "10", symbol="B")) == []  # warm-up bar of B: BuyAndHold waits
    (signal,) = service.handle(bar(1, "11", symbol="B"))  # first bar after warm-up: buys
    assert signal.price == Decimal(11)


def test_a_cross_during_warmup_opens_nothing():
    service = StrategyService({"strategies": [{"id": "s", "name": "SMACrossover", "params": {"fast": 1, "slow": 2}}],
                               "warmup_bars": 3})
    # closes 10, 9, 11, 12, 8: bar 1 sets the side (9 < 9.5), bar 2 crosses up (11 > 10) during warm-up:
    # suppressed and no position assumed, so bar 4's cross down (8 < 10) closes nothing
    out = [s for i, c in enumerate(["10", "9", "11", "12", "8"]) for s in service.handle(bar(i, c))]
    assert out == []


def test_user_signals_during_warmup_are_suppressed_and_counted(tmp_path: Path):
    (tmp_path / "eager.py").write_text("class Eager:\n    def on_bar(self, bar, ctx):\n        ctx.emit_signal('OPEN_LONG')\n")
    service = StrategyService({"strategies": [{"id": "e", "name": "eager.py:Eager"}], "warmup_bars": 2,
                               "base_dir": str(tmp_path)})
    outputs = [service.handle(bar(i, "10")) for i in range(3)]
    assert [len(o) for o in outputs] == [0, 0, 1] and service.signals_suppressed == 2


def test_signal_fields_and_ids_are_derived():
    service = StrategyService({"strategies": [{"id": "bh", "name": "BuyAndHold"}]})
    source = bar(0, "10")
    (signal,) = service.handle(source)
    assert signal.causation_id == source.event_id and signal.occurred_at == source.occurred_at
    assert signal.strategy_id == "bh" and signal.source_service == "strategy" and signal.confidence == 1
    again = StrategyService({"strategies": [{"id": "bh", "name": "BuyAndHold"}]}).handle(source)[0]
    assert again.event_id == signal.event_id


def test_user_strategy_from_a_file(tmp_path: Path):
    (tmp_path / "mine.py").write_text(
        "class Bracket:\n"
        "    def __init__(self, stop='9'):\n"
        "        self.stop = stop\n"
        "    def on_bar(self, bar, ctx):\n"
        "        ctx.emit_signal('OPEN_LONG', stop_loss=self.stop, take_profit='12', entry_type='LIMIT', limit_price='10')\n")
    service = StrategyService({"strategies": [{"id": "u", "name": "mine.py:Bracket", "params": {"stop": "8.5"}}],
                               "base_dir": str(tmp_path)})
    (signal,) = service.handle(bar(0, "10"))
    assert (signal.stop_loss, signal.take_profit, signal.entry_type.value, signal.limit_price) == (
        Decimal("8.5"), Decimal(12), "LIMIT", Decimal(10))


@pytest.mark.parametrize("entry, message", [
    ({"id": "x", "name": "NoSuchStrategy"}, "unknown strategy 'NoSuchStrategy'"),
    ({"id": "x", "name": "nowhere.py:Thing"}, "file not found"),
    ({"id": "x", "name": "json:Nope"}, "has no class 'Nope'"),
    ({"id": "x", "name": "SMACrossover", "params": {"fast": 30, "slow": 10}}, "1 <= fast < slow"),
    ({"id": "x", "name": "SMACrossover", "params": {"speed": 3}}, "bad params"),
    ({"id": "x", "name": "BuyAndHold", "colour": 1}, "unknown key"),
])
def test_bad_strategy_config(entry, message):
    with pytest.raises(ConfigError, match=message):
        StrategyService({"strategies": [entry]})


def test_trade_from_marks_the_bars_before_the_start_as_warmup():
    service = StrategyService({"strategies": [{"id": "bh", "name": "BuyAndHold"}], "warmup_bars": 5,
                               "trade_from": "2024-01-03T00:00:00Z"})
    # bars on 01-01 and 01-02 are before the start (only two, fewer than warmup_bars): the 01-03 bar trades
    outputs = [service.handle(bar(i, "10")) for i in range(3)]
    assert [len(o) for o in outputs] == [0, 0, 1]
