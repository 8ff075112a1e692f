"""Turn a policy and the manager's view of the market into a quantity: glue over libraries.risk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from decimal import Decimal

from qtrader.libraries.indicators import BollingerBands
from qtrader.libraries.numbers import INDICATOR
from qtrader.libraries.risk import equal_weight, fixed_fraction, fixed_quantity, kelly_quantity, volatility_target
from qtrader.services.manager.policy import SizingPolicy


class ReturnVolatility:
    """Population standard deviation of the last ``lookback`` simple close-to-close returns of one symbol."""

    __slots__ = ("_bands", "_last_close")

    def __init__(self, lookback: int) -> None:
        self._bands = BollingerBands(lookback, Decimal(1))
        self._last_close: Decimal | None = None

    def update(self, close: Decimal) -> None:
        if self._last_close is not None and self._last_close > 0:
            self._bands.update(INDICATOR.subtract(INDICATOR.divide(close, self._last_close), Decimal(1)))
        self._last_close = close

    @property
    def value(self) -> Decimal | None:
        bands = self._bands.value
        return bands.stddev if bands is not None else None


def size(policy: SizingPolicy, equity: Decimal, price: Decimal, daily_vol: Decimal | None) -> Decimal:
    lot = policy.lot_size
    if TYPE_CHECKING:  # the policy's validator requires each method's fields
        assert policy.quantity is not None and policy.fraction is not None and policy.slots is not None
        assert policy.target_annual_vol is not None
        assert policy.win_probability is not None and policy.win_loss_ratio is not None
    if policy.method == "fixed_quantity":
        return fixed_quantity(policy.quantity, lot)
    if policy.method == "fixed_fraction":
        return fixed_fraction(equity, policy.fraction, price, lot)
    if policy.method == "equal_weight":
        return equal_weight(equity, policy.slots, price, lot)
    if policy.method == "volatility_target":
        if daily_vol is None:
            return Decimal(0)
        return volatility_target(equity, policy.target_annual_vol, price, daily_vol, policy.periods_per_year, lot)
    return kelly_quantity(equity, price, policy.win_probability, policy.win_loss_ratio, policy.fraction_of_kelly, lot)
