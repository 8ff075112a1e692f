"""The one decimal context every indicator rounds in, plus exact helpers for everything else.

Why: a Go port must reproduce our numbers to the last digit, so rounding must never depend on
the thread's global ``decimal`` context, and must happen in exactly one documented place.

Rules followed by every indicator in this package:

* Addition, subtraction and multiplication of decimals (and by integers) are EXACT. They run in
  ``_EXACT`` (libraries/numbers.py's UNBOUNDED: precision ``MAX_PREC``, widest exponent range) which traps ``Inexact``, so a
  silent rounding there is impossible: it would raise instead.
* Every non-exact step (a division, a square root, a product with an already rounded value
  where stated) is ONE call on ``INDICATOR_CONTEXT``: 28 significant digits, ROUND_HALF_EVEN,
  as defined by the General Decimal Arithmetic Specification (Python's ``decimal`` and Go's
  ``cockroachdb/apd`` both implement it; ``sqrt`` is correctly rounded in both).
* Plain operators (``+``, ``-``, ``abs``, unary minus, ``/``) are never used on decimals,
  because they read the global context. Comparisons (``<``, ``==``) are exact and are used.

Results are compared by numeric value; their exponent follows the specification's ideal
exponent rules, so it is a pure function of the input sequence.
"""

from __future__ import annotations

from decimal import Decimal

from qtrader.libraries.numbers import INDICATOR, UNBOUNDED

INDICATOR_CONTEXT = INDICATOR
"""The INDICATOR role of libraries/numbers.py (28 digits, ROUND_HALF_EVEN): the only place indicators round."""

_EXACT = UNBOUNDED

ZERO = Decimal(0)
HUNDRED = Decimal(100)


# a + b, a - b, a * b with no rounding (they raise ``Inexact`` rather than round). The context's bound methods
# themselves: indicators run on every bar, and a Python wrapper per operation costs more than the operation.
exact_add = _EXACT.add
exact_sub = _EXACT.subtract
exact_mul = _EXACT.multiply


def exact_abs(a: Decimal) -> Decimal:
    """|a| with no rounding (builtin ``abs`` would round in the global context)."""
    return _EXACT.abs(a)
