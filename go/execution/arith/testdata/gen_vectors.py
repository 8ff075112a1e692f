"""Write vectors.txt: Python's decimal results (100-digit context, as qtrader.services.execution.arith) for the
Go arith tests. Run from the repository: .venv/bin/python go/execution/arith/testdata/gen_vectors.py"""

import random
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from pathlib import Path


def ctx():
    return Context(prec=100, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])


def plain(v):
    text = format(v, "f")
    return text


def rand_dec(rng):
    kind = rng.random()
    if kind < 0.1:
        return rng.choice(["0", "-0", "0.00", "1", "100", "10000", "0.5", "2.5", "-2.5", "1E+3", "0E+2", "5E-13"])
    int_digits = rng.choice([0, 1, 1, 2, 3, 5, 9, 26])
    frac_digits = rng.choice([0, 0, 1, 2, 3, 6, 12])
    ip = str(rng.randint(0, 10 ** int_digits - 1)) if int_digits else "0"
    text = ip
    if frac_digits:
        text += "." + "".join(rng.choice("0123456789") for _ in range(frac_digits))
    if rng.random() < 0.2:
        text = "-" + text
    return text


def main():
    rng = random.Random(20240601)
    lines = []
    for _ in range(600):
        a, b = rand_dec(rng), rand_dec(rng)
        da, db = Decimal(a), Decimal(b)
        c = ctx()
        lines.append(f"add {a} {b} {plain(c.add(da, db))}")
        lines.append(f"sub {a} {b} {plain(c.subtract(da, db))}")
        lines.append(f"mul {a} {b} {plain(c.multiply(da, db))}")
        if db != 0:
            lines.append(f"div {a} {b} {plain(c.divide(da, db))}")
        for places in (0, 2, 6, 12):
            q = Decimal(1).scaleb(-places)
            lines.append(f"qhe {a} {places} {plain(da.quantize(q, rounding=ROUND_HALF_EVEN, context=ctx()))}")
            if da >= 0:
                lines.append(f"qfl {a} {places} {plain(da.quantize(q, rounding=ROUND_FLOOR, context=ctx()))}")
        lines.append(f"cmp {a} {b} {(da > db) - (da < db)}")
    for a, b in [("1", "3"), ("2", "3"), ("6170", "10000"), ("10108.00", "100"), ("0", "5.00"), ("-0", "3"),
                 ("1E+3", "1"), ("100.5", "2"), ("10", "2"), ("1", "7"), ("-1", "7"), ("22", "7.000")]:
        lines.append(f"div {a} {b} {plain(ctx().divide(Decimal(a), Decimal(b)))}")
    Path(__file__).with_name("vectors.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
