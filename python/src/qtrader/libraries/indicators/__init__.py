"""Incremental (O(1) per bar), deterministic technical indicators on decimal.Decimal.

Why decimals and one context: a Go implementation must reproduce every value to the last digit,
so sums are exact and every rounding happens in ``INDICATOR_CONTEXT``
(the INDICATOR role of libraries/numbers.py: 28 digits, ROUND_HALF_EVEN), never in the thread's global context.
Crossover decisions between moving averages must use ``compare_means`` or ``MeanCross`` (exact), not
``SMA.value``.
Pure Python; depends on nothing else in qtrader but libraries/numbers.py.
"""

from ._context import INDICATOR_CONTEXT
from .atr import ATR
from .bollinger import Bands, BollingerBands
from .ema import EMA
from .rsi import RSI
from .sma import SMA, MeanCross, compare_means

__all__ = [
    "ATR",
    "EMA",
    "INDICATOR_CONTEXT",
    "MeanCross",
    "RSI",
    "SMA",
    "Bands",
    "BollingerBands",
    "compare_means",
]
