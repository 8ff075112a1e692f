"""BracketDip: buy a dip with a limit order protected by a bracket (stop-loss and take-profit).

When a bar closes below its ``period``-bar simple moving average (and the previous close did not), the strategy asks
to OPEN_LONG with a LIMIT entry ``dip`` below the close, a stop-loss ``stop`` below and a take-profit ``target``
above the close. The entry is a DAY order: with daily bars it gets one bar to fill, else it expires and its exits
are canceled (a GTC entry the price ran away from would stay working and block every later entry). The strategy
never asks to close: the bracket's exits (one OCO group, stop-loss assumed first when one bar reaches both) do the
closing. While an entry or a position is open the manager rejects new entries (ALREADY_OPEN), so one bracket is
live at a time. Prices are rounded to cents, ROUND_HALF_EVEN.

The example of python/examples/bracket_limit_goog.yaml; it exercises limit entries, brackets and OCO exits.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from qtrader.libraries.indicators import SMA

CENT = Decimal("0.01")
ONE = Decimal(1)


def _price(close: Decimal, factor: Decimal) -> Decimal:
    return (close * factor).quantize(CENT, rounding=ROUND_HALF_EVEN)


class BracketDip:
    def __init__(self, period: int = 20, dip: str = "0.01", stop: str = "0.05", target: str = "0.08") -> None:
        if not (isinstance(period, int) and period >= 2):
            raise ValueError(f"BracketDip needs an integer period >= 2, got {period!r}")
        self.period = period
        self.entry, self.stop, self.target = ONE - Decimal(dip), ONE - Decimal(stop), ONE + Decimal(target)
        if not (Decimal(0) < self.stop < self.entry <= ONE < self.target):
            raise ValueError("BracketDip needs 0 < stop < dip < 1 and target > 0 (fractions of the close)")
        self._sma: dict[str, SMA] = {}
        self._below: dict[str, bool] = {}

    def on_bar(self, bar, ctx) -> None:
        sma = self._sma.setdefault(bar.symbol, SMA(self.period))
        mean = sma.update(bar.close)
        if mean is None:
            return
        below = bar.close * self.period < sma.total  # close < total / period, exactly
        was_below, self._below[bar.symbol] = self._below.get(bar.symbol, True), below
        if below and not was_below:
            close = bar.close
            ctx.emit_signal("OPEN_LONG", entry_type="LIMIT", limit_price=_price(close, self.entry),
                            time_in_force="DAY", stop_loss=_price(close, self.stop),
                            take_profit=_price(close, self.target))
