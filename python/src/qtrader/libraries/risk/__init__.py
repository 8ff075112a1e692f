"""Pure risk library: position sizing and pre-trade limit checks on Decimal money, nothing else in qtrader.

Sizing functions return a non-negative share quantity rounded DOWN to a lot; limit checks return a list
of human-readable reasons (empty = pass). Both use a fixed decimal context (prec=28, ROUND_HALF_EVEN)
passed explicitly, so every machine gets the same answer. See ``sizing`` and ``limits`` for conventions.
"""

from qtrader.libraries.risk._numbers import PRECISION, ROUNDING, risk_context
from qtrader.libraries.risk.limits import (
    CHECK_ORDER,
    PortfolioView,
    ProposedTrade,
    check_concentration,
    check_drawdown_throttle,
    check_gross_leverage,
    check_max_positions,
    check_positive_equity,
    increases_exposure,
    run_checks,
)
from qtrader.libraries.risk.sizing import (
    equal_weight,
    fixed_fraction,
    fixed_quantity,
    kelly_fraction,
    kelly_quantity,
    volatility_target,
)

__all__ = [
    "CHECK_ORDER",
    "PRECISION",
    "ROUNDING",
    "PortfolioView",
    "ProposedTrade",
    "check_concentration",
    "check_drawdown_throttle",
    "check_gross_leverage",
    "check_max_positions",
    "check_positive_equity",
    "equal_weight",
    "fixed_fraction",
    "fixed_quantity",
    "increases_exposure",
    "kelly_fraction",
    "kelly_quantity",
    "risk_context",
    "run_checks",
    "volatility_target",
]
