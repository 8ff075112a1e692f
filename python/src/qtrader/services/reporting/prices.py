"""Trades on the price: each symbol's closes kept compactly while the run goes (16 bytes a bar), drawn at the end
as a line decimated like the equity chart, with every entry and exit as a marker (never decimated away).

One chart holds the symbols (at most ``reporting.price_chart_symbols`` of them: the ones with the most trades), one
visible at a time, picked with a dropdown.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from qtrader.services.reporting.charts import _floats, _layout, decimate_array, time_labels
from qtrader.services.reporting.curve import datetime_of, to_micros

_GREY, _GREEN, _RED, _BLACK = "#555555", "#2ca02c", "#d62728", "#222222"


class PriceBook:
    """The closes of every symbol, as float64 and int64 microsecond stamps (one pair of arrays per symbol)."""

    def __init__(self) -> None:
        self._closes: dict[str, array[float]] = {}
        self._times: dict[str, list[datetime]] = {}
        self._micros: dict[str, array[int]] = {}

    def add(self, symbol: str, at: datetime, close: Any) -> None:
        closes = self._closes.get(symbol)
        if closes is None:
            closes = self._closes[symbol] = array("d")
            self._times[symbol] = []
            self._micros[symbol] = array("q")
        closes.append(float(close))
        times = self._times[symbol]
        times.append(at)
        if len(times) >= 4096:  # stamps in blocks: a datetime per bar would cost 48 bytes
            self._micros[symbol].extend(to_micros(times))
            times.clear()

    def symbols(self) -> list[str]:
        return sorted(self._closes)

    def series(self, symbol: str) -> tuple[np.ndarray, np.ndarray]:
        """(micro stamps, closes) of one symbol, in arrival order."""
        micros = self._micros[symbol]
        times = self._times[symbol]
        if times:
            micros.extend(to_micros(times))
            times.clear()
        return np.frombuffer(micros, dtype=np.int64), np.frombuffer(self._closes[symbol], dtype=np.float64)


def _marker_indices(stamps: np.ndarray, times: Sequence[datetime]) -> np.ndarray:
    """The bar at or before each time (a trade's entry or exit happens at a bar's time)."""
    wanted = np.frombuffer(to_micros(list(times)), dtype=np.int64)
    return np.clip(np.searchsorted(stamps, wanted, side="right") - 1, 0, max(len(stamps) - 1, 0))


def trades_figure(book: PriceBook, trades: Sequence[Mapping[str, Any]], max_symbols: int) -> dict[str, Any] | None:
    """Line of closes plus entry (triangle) and exit (cross) markers, per symbol; a dropdown picks the symbol."""
    symbols = book.symbols()
    if not symbols or max_symbols < 1:
        return None
    counts = Counter(t["symbol"] for t in trades)
    chosen = sorted(symbols, key=lambda s: (-counts[s], s))[:max_symbols]
    data: list[dict[str, Any]] = []
    owners: list[int] = []
    for k, symbol in enumerate(chosen):
        stamps, closes = book.series(symbol)
        if not len(stamps):
            continue
        mine = [t for t in trades if t["symbol"] == symbol]
        entries = _marker_indices(stamps, [t["entry_time"] for t in mine]) if mine else np.zeros(0, dtype=np.int64)
        exits = _marker_indices(stamps, [t["exit_time"] for t in mine]) if mine else np.zeros(0, dtype=np.int64)
        idx = sorted(set(decimate_array(closes)) | set(entries.tolist()) | set(exits.tolist()))
        labels = time_labels([datetime_of(int(m)) for m in stamps[idx].tolist()])
        visible = k == 0
        data.append({"type": "scatter", "mode": "lines", "name": f"{symbol} close", "x": labels,
                     "y": _floats(closes, idx), "line": {"color": _GREY, "width": 1}, "visible": visible})
        owners.append(k)
        for name, where, symbol_shape in (("entry", entries, "triangle-up"), ("exit", exits, "x")):
            if not len(where):
                continue
            colors = [(_GREEN if t["side"] == "LONG" else _RED) if name == "entry" else _BLACK for t in mine]
            data.append({"type": "scatter", "mode": "markers", "name": f"{symbol} {'entries' if name == 'entry' else 'exits'}",
                         "x": time_labels([datetime_of(int(m)) for m in stamps[where].tolist()]),
                         "y": _floats(closes, where.tolist()), "visible": visible,
                         "marker": {"symbol": symbol_shape, "size": 9, "color": colors}})
            owners.append(k)
    if not data:
        return None
    layout = _layout("Trades on the price", "Price", xaxis={"type": "date"}, hovermode="closest")
    if len(chosen) > 1:
        buttons = [{"label": s, "method": "update", "args": [{"visible": [o == k for o in owners]},
                                                              {"title.text": f"Trades on the price: {s}"}]}
                   for k, s in enumerate(chosen)]
        layout["updatemenus"] = [{"type": "dropdown", "x": 1.0, "xanchor": "right", "y": 1.15, "buttons": buttons,
                                  "active": 0, "showactive": True}]
        layout["title"]["text"] = f"Trades on the price: {chosen[0]}"
    return {"data": data, "layout": layout}
