"""Deterministic synthetic OHLCV: a seeded random walk of one-minute bars, written as CSV (one file a symbol).

The same seed, size and symbol count give byte-identical files on every machine (Python's Mersenne Twister).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path


def generate(out_dir: Path, bars: int, symbols: int = 1, seed: int = 7) -> list[tuple[str, Path]]:
    """Write ``symbols`` CSV files of ``bars`` bars each; return (symbol, path) pairs. Reuses existing files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    start = datetime(2000, 1, 3, 0, 0)
    for index in range(symbols):
        symbol = f"SYM{index:03d}"
        path = out_dir / f"{symbol}_{bars}.csv"
        written.append((symbol, path))
        if path.exists():
            continue
        rng = random.Random(seed * 1_000_003 + index)
        price = 10_000 + rng.randrange(0, 5_000)  # in cents
        lines = ["timestamp,open,high,low,close,volume"]
        for i in range(bars):
            open_ = price
            moves = [open_ + rng.randrange(-40, 41) for _ in range(3)]
            close = max(100, moves[-1])
            high = max(open_, close, *moves) + rng.randrange(0, 10)
            low = max(50, min(open_, close, *moves) - rng.randrange(0, 10))
            volume = rng.randrange(1_000, 50_000)
            ts = (start + timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M:%S")
            lines.append(f"{ts},{open_ / 100:.2f},{high / 100:.2f},{low / 100:.2f},{close / 100:.2f},{volume}")
            price = close
        path.write_text("\n".join(lines) + "\n")
    return written
