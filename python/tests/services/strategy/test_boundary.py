"""What a user strategy hands over is checked where it enters: its signal fields, and its time per bar."""

from __future__ import annotations

import sys
import time
from decimal import Decimal
from types import ModuleType

import pytest

from qtrader.contracts.validation import contract_errors
from qtrader.errors import StrategyError
from qtrader.services.strategy import StrategyService

from ..helpers import bar

MODULE = "qtrader_test_boundary_strategies"


class Emits:
    """Emits on its first bar whatever the test put in ``Emits.signal``."""

    signal: tuple = ("OPEN_LONG", {})

    def on_bar(self, bar, ctx):
        intention, fields = self.signal
        ctx.emit_signal(intention, **fields)


class Loops:
    def __init__(self, at: int = 2):
        self.at, self.seen = at, 0

    def on_bar(self, bar, ctx):
        self.seen += 1
        while self.seen == self.at:
            try:
                pass
            except Exception:  # a strategy that swallows everything still cannot swallow the time limit
                pass


class Sleeps:
    def on_bar(self, bar, ctx):
        time.sleep(0.001)


@pytest.fixture(autouse=True)
def module():
    mod = ModuleType(MODULE)
    mod.Emits, mod.Loops, mod.Sleeps = Emits, Loops, Sleeps
    sys.modules[MODULE] = mod
    yield
    del sys.modules[MODULE]


def service(name: str, **entry) -> StrategyService:
    return StrategyService({"strategies": [{"id": "mine", "name": f"{MODULE}:{name}", **entry}]})


@pytest.mark.parametrize("intention, fields, message", [
    ("OPEN_LONG", {"confidence": 5}, "confidence = 5: must be from 0 to 1"),
    ("OPEN_LONG", {"target_quantity": -5}, "target_quantity = -5: must be > 0"),
    ("OPEN_LONG", {"price": -1}, "price = -1: must be >= 0"),
    ("OPEN_LONG", {"price": Decimal("NaN")}, "price = Decimal\\('NaN'\\): must be a finite number"),
    ("OPEN_LONG", {"target_quantity": 1.5}, "target_quantity = 1.5: must be a Decimal, an int or a decimal string, not float"),
    ("BUY_EVERYTHING", {}, "intention = 'BUY_EVERYTHING': must be one of OPEN_LONG, CLOSE_LONG"),
    ("OPEN_LONG", {"stop_loss": Decimal(1) / 3}, "stop_loss = .*more than 12 fraction digits"),
    ("OPEN_LONG", {"limit_price": "1e30"}, "limit_price = '1e30': has more than 26 integer digits"),
    ("OPEN_LONG", {"entry_type": "SOMETIMES"}, "entry_type = 'SOMETIMES': must be one of MARKET"),
    ("OPEN_LONG", {"colour": "red"}, "colour = 'red': unknown field"),
    ("OPEN_LONG", {"lot_ids": "abc"}, "lot_ids = 'abc': must be a list"),
])
def test_a_bad_signal_field_names_the_strategy_the_bar_and_the_field(intention, fields, message):
    Emits.signal = (intention, fields)
    with pytest.raises(StrategyError, match=r"strategy mine, on the X bar of 2024-01-0.T00:00:00\+00:00: "
                                            rf"signal field {message}"):
        service("Emits").handle(bar(0, "100"))


def test_good_signals_pass_and_are_contract_valid():
    Emits.signal = ("OPEN_LONG", {"confidence": Decimal("0.5"), "target_quantity": 10, "stop_loss": "95.5",
                                  "entry_type": "LIMIT", "limit_price": Decimal("99"), "lot_ids": ["a", "b"]})
    (signal,) = service("Emits").handle(bar(0, "100"))
    assert not list(contract_errors(signal.to_dict()))


def test_an_endless_loop_is_stopped_at_its_time_limit_naming_the_strategy_and_the_bar():
    loops = service("Loops", time_limit_seconds=0.2)
    loops.handle(bar(0, "100"))
    start = time.monotonic()
    with pytest.raises(StrategyError, match=r"strategy mine \(.*:Loops\) ran past its time limit of 0.2s .* on the "
                                            r"X bar of 20"):
        loops.handle(bar(1, "100"))
    assert time.monotonic() - start < 2


def test_callbacks_within_their_limit_run_undisturbed():
    sleeps = service("Sleeps", time_limit_seconds=0.5)
    for i in range(100):
        assert sleeps.handle(bar(i, "100")) == []
    time.sleep(0.6)  # the watchdog has nothing left to stop


def test_a_time_limit_must_be_positive():
    from qtrader.errors import ConfigError

    with pytest.raises(ConfigError, match="time_limit_seconds"):
        service("Sleeps", time_limit_seconds=0)
