"""Every decimal context of QTrader, by role, and the one plain spelling of a Decimal.

No result may depend on the thread's global decimal context (a Go port must reproduce every digit), so every
operation names its context, and this module is the only one that makes a context. Each role's precision is
written here once:

========== ========= =========== =================================================================================
role       digits    rounding    what it is for
========== ========= =========== =================================================================================
EXACT      100       half-even   operators that must not round (the portfolio's handlers run under it):
                                 ``Inexact`` is trapped, so a silent rounding raises instead
MONEY      100       half-even   sums and products of contract decimals (at most 38 digits each, so a product
                                 is exact) and every rounding on purpose (``quantize`` to an explicit quantum):
                                 execution, the portfolio's roundings, the manager's sizing, report figures
STICKY     100       05UP        the first of ``div_round``'s two roundings (see there)
RATIO      34        half-even   quotients of money that end as floats (returns, performance metrics)
INDICATOR  28        half-even   every rounding of indicators, risk sizing and limits, and the manager's return
                                 bands: the General Decimal Arithmetic default that Go's apd shares
UNBOUNDED  MAX_PREC  half-even   indicators' exact ``+ - *`` whatever the range of exponents (``Inexact``
                                 trapped; never used to divide)
========== ========= =========== =================================================================================

Every context traps InvalidOperation, DivisionByZero and Overflow and spells out its exponent range, so nothing
is inherited from ``decimal.DefaultContext``. A context records flags as it is used; nothing reads them and a
recorded flag never changes a later result or what raises (only traps do), so one shared context per role is
exactly a fresh context per operation, without building one (26x the cost of the operation, docs/performance.md).
The contexts are shared: never mutate one (``EXACT.copy()`` to set one as the thread's context).

The hot-path spellings measured in docs/performance.md live here too: a context's bound method bound once at
module level (``mul_round``, execution's ``add``/``mul``...) costs half of a method looked up per call, and a
positional ``MONEY.quantize(x, q)`` 0.57x of ``x.quantize(q, context=...)``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_05UP,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)

_TRAPS: list[type[DecimalException]] = [InvalidOperation, DivisionByZero, Overflow]


def _context(prec: int, rounding: str = ROUND_HALF_EVEN, *, inexact: bool = False,
             emin: int = -999999, emax: int = 999999) -> Context:
    traps = _TRAPS + [Inexact] if inexact else _TRAPS
    return Context(prec=prec, rounding=rounding, Emin=emin, Emax=emax, capitals=1, clamp=0, flags=[], traps=traps)


EXACT = _context(100, inexact=True)
MONEY = _context(100)
STICKY = _context(100, ROUND_05UP)
RATIO = _context(34)
INDICATOR = _context(28)
UNBOUNDED = _context(MAX_PREC, inexact=True, emin=MIN_EMIN, emax=MAX_EMAX)



def exactly() -> AbstractContextManager[Context]:
    """``with exactly():`` runs a block under EXACT (a copy), so its operators are exact or raise: the
    portfolio's work outside its handlers (which set EXACT once per input themselves: cheaper per event)."""
    return localcontext(EXACT)


ZERO = Decimal(0)
ONE = Decimal(1)
TWO = Decimal(2)
HUNDRED = Decimal(100)
#: The contracts' finest decimal: 12 fraction digits.
Q12 = Decimal("1e-12")
_QUANTA = tuple(ONE.scaleb(-places) for places in range(40))  # 10 ** -places


# -- spelling --------------------------------------------------------------------------------------------------


def plain(value: Decimal, *, signed_zero: bool = False) -> str:
    """The text of a Decimal in events, files and messages: plain notation, never an exponent
    (Decimal('1E+3') -> '1000'), trailing zeros kept, and a negative zero written '0'.

    ``signed_zero=True`` keeps the sign of a negative zero ('-0.00'): execution's messages, which its Go twin
    (go/execution/arith.Plain) spells so. ``str`` is tried first: it is plain for every usual price or amount and
    much faster than ``format``.
    """
    text = str(value)
    if "E" in text:
        text = format(value, "f")
    if text[0] == "-" and not value and not signed_zero:
        text = text[1:]
    return text


def trimmed(value: Decimal) -> Decimal:
    """The same number without trailing fraction zeros and never with a positive exponent (75.000 -> 75)."""
    if value == value.to_integral_value(context=MONEY):
        return no_negative_zero(value.quantize(ONE, context=MONEY))
    return value.normalize(context=MONEY)


# -- explicit roundings ----------------------------------------------------------------------------------------


def quantum(places: int) -> Decimal:
    """10 ** -places, e.g. quantum(2) == Decimal('0.01')."""
    return _QUANTA[places] if 0 <= places < len(_QUANTA) else ONE.scaleb(-places, MONEY)


def quantize(value: Decimal, places: int, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """Round to ``places`` fraction digits with an explicit rounding mode."""
    return value.quantize(quantum(places), rounding=rounding, context=MONEY)


def no_negative_zero(value: Decimal) -> Decimal:
    """0 for a negative zero (contract figures never carry its sign), the value otherwise."""
    return value.copy_abs() if not value else value


def round_to(value: Decimal, q: Decimal) -> Decimal:
    """``value`` rounded half-even to a multiple of ``q``."""
    return no_negative_zero(MONEY.quantize(value, q))


_multiply, _round = EXACT.multiply, MONEY.quantize
_STICKY_SPARE = STICKY.prec - 1 - 2  # a quotient's adjusted exponent may be up to this + the quantum's


def mul_round(a: Decimal, b: Decimal, q: Decimal) -> Decimal:
    """a x b, computed exactly, then rounded half-even to ``q`` (one rounding). On the hot path (every mark of a
    held symbol), so the contexts' methods are bound once and the negative-zero check is inline."""
    result = _round(_multiply(a, b), q)
    return result if result else result.copy_abs()


def div_round(a: Decimal, b: Decimal, q: Decimal) -> Decimal:
    """a / b rounded half-even to a multiple of ``q`` (a power of ten), exactly (no intermediate rounding).

    The quotient to 100 digits under STICKY, then rounded to ``q``: two C calls on the hot path (the leverage of
    every mark). ROUND_05UP cuts toward zero but never leaves a final 0 or 5 on an inexact result, so rounding
    its result again, at least two digits higher, gives exactly what one rounding of the exact value would (no
    double-rounding error; tested against exact rationals). A quotient too large for two spare digits below
    ``q`` takes the integer route.
    """
    quotient = STICKY.divide(a, b)
    if quotient.adjusted() <= _STICKY_SPARE + q.adjusted():
        return no_negative_zero(MONEY.quantize(quotient, q))
    return _div_round_integer(a, b, q)


def _div_round_integer(a: Decimal, b: Decimal, q: Decimal) -> Decimal:
    """``div_round`` by an integer quotient and its remainder, for any size."""
    unit = EXACT.multiply(b, q)
    quotient, remainder = EXACT.divmod(a, unit)
    twice = EXACT.multiply(remainder, TWO).copy_abs()
    order = twice.compare(unit.copy_abs())
    if order > 0 or (order == 0 and EXACT.remainder(quotient, TWO) != 0):
        quotient = EXACT.add(quotient, ONE if (a < 0) == (b < 0) else -ONE)
    return no_negative_zero(EXACT.multiply(quotient, q))


def div_down(a: Decimal, b: Decimal, q: Decimal) -> Decimal:
    """a / b cut toward zero to a multiple of ``q``, exactly: never more than the exact share."""
    quotient, _ = EXACT.divmod(a, EXACT.multiply(b, q))
    return no_negative_zero(EXACT.multiply(quotient, q))
