"""Slippage: how many basis points a fill price moves against the order, and the adverse price that gives.

Models (``execution.slippage.model``):

- ``none``: 0 bps.
- ``fixed_bps``: ``bps`` on every fill.
- ``volume_share``: ``bps + impact * (fill quantity / bar volume) * 10000``, capped at ``max_bps`` (a bar with
  volume 0 counts as share 1: the order is the whole market).
- ``random``: uniform on the grid ``bps * k / 10000``, k drawn with ``random.Random(seed).randint(0, 10000)``,
  one draw per fill in processing order, so a run is reproducible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import random
from decimal import Decimal

from qtrader.contracts.generated.models.common.types_v1 import Side
from qtrader.services.execution.arith import BPS_PER_UNIT, ONE, ZERO, add, at_most, div, mul, sub
from qtrader.services.execution.config import SlippageConfig

RANDOM_STEPS = 10000


class SlippageModel:
    """The configured model; holds the seeded generator of the random model (reset with the service)."""

    def __init__(self, config: SlippageConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed or 0) if config.model == "random" else None

    def bps(self, quantity: Decimal, volume: Decimal) -> Decimal:
        """Slippage of one fill of ``quantity`` on a bar that traded ``volume``, in basis points."""
        cfg = self.config
        if TYPE_CHECKING:  # the config's validator requires each model's fields
            assert cfg.bps is not None and cfg.impact is not None and cfg.max_bps is not None
            assert self._rng is not None
        if cfg.model == "fixed_bps":
            return cfg.bps
        if cfg.model == "random":
            k = self._rng.randint(0, RANDOM_STEPS)
            return div(mul(cfg.bps, Decimal(k)), Decimal(RANDOM_STEPS))
        if cfg.model == "volume_share":
            share = div(quantity, volume) if volume > 0 else ONE
            value = add(cfg.bps or ZERO, mul(mul(cfg.impact, share), BPS_PER_UNIT))
            return min(value, cfg.max_bps)
        return ZERO


def apply_slippage(side: Side, price: Decimal, bps: Decimal, places: int) -> tuple[Decimal, Decimal]:
    """The slipped fill price and the slippage per unit (>= 0, adverse is positive).

    A buy pays more, a sell receives less. The slipped price is rounded to at most ``places`` fraction digits
    (ROUND_HALF_EVEN) but never to the order's advantage: if rounding would cross the rule price, the rule price is
    used (slippage 0). With 0 bps the rule price is returned exactly. A sell price that would reach 0 keeps the
    rule price (a fill price must be > 0).
    """
    if bps == 0:
        return price, ZERO
    move = div(mul(price, bps), BPS_PER_UNIT)
    if side is Side.BUY:
        slipped = max(at_most(add(price, move), places), price)
    else:
        slipped = min(at_most(sub(price, move), places), price)
        if slipped <= 0:
            slipped = price
    slippage = sub(slipped, price) if side is Side.BUY else sub(price, slipped)
    return slipped, slippage
