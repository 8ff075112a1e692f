"""FX: rates from bar series, and the average-cost book of each foreign currency that separates FX P&L.

Definitions (every foreign currency c, base currency B):

- The rate of c is the last close of its FX bar series (``fx_symbols``, default ``c + B``, e.g. EURUSD): the
  value of one unit of c in B. Figures in c are converted to B at the current rate, rounded to money_decimals.
- The exposure of c is what the portfolio holds in c: its cash balance plus the cost basis and the unrealized
  opening commissions of the lots of instruments quoted in c. Buying or selling an instrument at cost does not
  change it (cash goes into the lot's cost); only P&L and cash flows do: a lot's realized P&L, dividends,
  borrow fees, interest, cash in lieu, and conversions (fills on the FX symbol itself).
- Each such flow enters the book at the rate of its day: a flow that grows the exposure adds its base value to
  the book; a flow that shrinks it releases the book pro rata (average cost), and the difference between the
  flow's base value and the book released is realized FX P&L.
- Unrealized FX P&L of c = exposure x current rate - book value. Price P&L is always measured in c and converted
  at the rate of the day it is realized (realized) or at the current rate (unrealized), so it carries no FX P&L.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from qtrader.errors import DataError
from qtrader.libraries.numbers import EXACT, ONE, ZERO, div_round, mul_round


@dataclass(slots=True)
class CurrencyBook:
    """Net amount held in one foreign currency and what it cost in the base currency."""

    exposure: Decimal = ZERO
    book_value: Decimal = ZERO

    def unrealized(self, rate: Decimal, q: Decimal) -> Decimal:
        """exposure x rate (rounded to q) - book value."""
        return EXACT.subtract(mul_round(self.exposure, rate, q), self.book_value)


def book_flow(book: CurrencyBook, amount: Decimal, rate: Decimal, q: Decimal) -> tuple[Decimal, Decimal]:
    """Book a flow of ``amount`` units at ``rate``; return (its base value, FX P&L it realizes)."""
    value = mul_round(amount, rate, q)
    exposure = book.exposure
    if not amount:
        return value, ZERO
    if not exposure or (exposure > 0) == (amount > 0):
        book.exposure = EXACT.add(exposure, amount)
        book.book_value = EXACT.add(book.book_value, value)
        return value, ZERO
    if amount.copy_abs() < exposure.copy_abs():
        released = div_round(EXACT.multiply(book.book_value, amount.copy_abs()), exposure.copy_abs(), q)
        value_reducing, value_rest = value, ZERO
    else:  # closes the exposure (and may open the other side with the rest)
        released = book.book_value
        value_reducing = value if amount == -exposure else mul_round(-exposure, rate, q)
        value_rest = EXACT.subtract(value, value_reducing)
    realized = EXACT.subtract(value_reducing.copy_negate(), released)
    book.exposure = EXACT.add(exposure, amount)
    book.book_value = EXACT.add(EXACT.subtract(book.book_value, released), value_rest)
    return value, realized


class FxRates:
    """The latest rate of each foreign currency, from the closes of its FX bar series."""

    __slots__ = ("base", "rates", "symbol_of")

    def __init__(self, base: str, symbol_of: dict[str, str]) -> None:
        self.base = base
        self.rates: dict[str, Decimal] = {}
        self.symbol_of = symbol_of  # currency -> FX bar symbol

    def rate(self, currency: str, where: str) -> Decimal:
        if currency == self.base:
            return ONE
        rate = self.rates.get(currency)
        if rate is None:
            symbol = self.symbol_of.get(currency, currency + self.base)
            raise DataError(
                f"{where}: no {currency}/{self.base} rate yet. Feed the {symbol} bar series (set "
                f"portfolio.fx_symbols.{currency} if it has another name, and portfolio.instruments.<symbol>.currency "
                f"for instruments quoted in {currency}), starting no later than the first {currency} amount."
            )
        return rate
