"""Commission of one fill (always >= 0), from ``execution.commission``.

Models: ``none`` (0); ``per_share`` (rate * quantity); ``per_order`` (rate, charged once per order on its first
fill; later fills of the same order are free); ``percent`` (rate percent of the fill's notional: rate 0.1 means
0.1%); ``tiered`` (marginal per-unit rates on the fill's quantity: the units up to tiers[0].up_to pay
tiers[0].rate, the next ones up to tiers[1].up_to pay tiers[1].rate, ...; the last tier may leave up_to out).

``minimum`` and ``maximum`` clamp the commission of each charged fill (a per_order follow-up fill stays 0). The
result is rounded to ``decimals`` fraction digits, ROUND_HALF_EVEN.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from decimal import Decimal

from qtrader.services.execution.arith import HUNDRED, ZERO, add, at_most, div, mul, sub
from qtrader.services.execution.config import CommissionConfig, TierConfig


def tiered(quantity: Decimal, tiers: list[TierConfig]) -> Decimal:
    """Marginal tiers: each unit pays the rate of the tier it falls in."""
    total, floor = ZERO, ZERO
    for tier in tiers:
        if quantity <= floor:
            break
        top = quantity if tier.up_to is None else min(quantity, tier.up_to)
        total = add(total, mul(sub(top, floor), tier.rate))
        if tier.up_to is None:
            break
        floor = tier.up_to
    # units beyond the last bounded tier pay that tier's rate
    if tiers[-1].up_to is not None and quantity > tiers[-1].up_to:
        total = add(total, mul(sub(quantity, tiers[-1].up_to), tiers[-1].rate))
    return total


def commission(config: CommissionConfig, quantity: Decimal, price: Decimal, first_fill: bool) -> Decimal:
    """The commission of one fill of ``quantity`` at ``price``; ``first_fill`` is the order's first fill."""
    model = config.model
    if TYPE_CHECKING:  # the config's validator requires each model's fields
        assert config.rate is not None and config.tiers is not None
    if model == "none":
        return ZERO
    if model == "per_order" and not first_fill:
        return ZERO
    if model == "per_share":
        raw = mul(config.rate, quantity)
    elif model == "per_order":
        raw = config.rate
    elif model == "percent":
        raw = div(mul(mul(quantity, price), config.rate), HUNDRED)
    else:
        raw = tiered(quantity, config.tiers)
    if config.minimum is not None:
        raw = max(raw, config.minimum)
    if config.maximum is not None:
        raw = min(raw, config.maximum)
    return at_most(raw, config.decimals)
