"""Benchmark: the per-event primitives the hot path is made of, each beside its alternative in the same process.

Why: the pipeline's cost is spread over a few dozen such operations per bar, and which spelling of one is cheap is
not obvious (a decimal context method costs several times its operator). Every line prints microseconds per call
and the ratio to the first line of its group; compare ratios, not absolute figures (the machines are noisy).

Usage: python tools/bench/bench_primitives.py [--number 200000]
"""

from __future__ import annotations

import argparse
import timeit
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation

from qtrader.libraries.numbers import EXACT, MONEY

A, B, Q = Decimal("11273.00"), Decimal("101171.00"), Decimal("1e-12")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    ("decimal sum", [
        ("a + b (operator, thread context)", "a + b"),
        ("add(a, b) (a context's bound method)", "add(a, b)"),
        ("EXACT.add(a, b) (looked up each time)", "EXACT.add(a, b)"),
        ("Context(...).add(a, b) (a fresh context)",
         "Context(prec=100, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation]).add(a, b)"),
    ]),
    ("decimal rounding", [
        ("MONEY.quantize(a, q)", "MONEY.quantize(a, q)"),
        ("a.quantize(q, context=MONEY) (keyword)", "a.quantize(q, context=MONEY)"),
    ]),
    ("sum of two prices as ints", [
        ("a + b (decimals, operator)", "a + b"),
        ("n + m (ints)", "n + m"),
        ("a.as_integer_ratio() (the conversion, once per input)", "a.as_integer_ratio()"),
    ]),
    ("a UTC datetime per row", [
        ("epoch + timedelta(0, 0, us)", "EPOCH + timedelta(0, 0, us)"),
        ("datetime.fromisoformat(text)", "datetime.fromisoformat(text)"),
    ]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--number", type=int, default=200_000)
    args = parser.parse_args()
    env = {
        "a": A, "b": B, "q": Q, "n": 1127300, "m": 10117100, "add": EXACT.add, "EXACT": EXACT,
        "MONEY": MONEY, "Context": Context, "ROUND_HALF_EVEN": ROUND_HALF_EVEN,
        "InvalidOperation": InvalidOperation, "EPOCH": EPOCH, "timedelta": timedelta, "datetime": datetime,
        "us": 946857600000000, "text": "2000-01-03 00:00:00.000000Z",
    }
    for title, lines in GROUPS:
        print(title)
        first = None
        for label, stmt in lines:
            seconds = min(timeit.repeat(stmt, globals=env, number=args.number, repeat=5)) / args.number
            first = first or seconds
            print(f"  {label:<58} {seconds * 1e6:7.3f} us  {seconds / first:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
