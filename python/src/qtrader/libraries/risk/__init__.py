"""Pure risk library: position sizing and pre-trade limit checks on Decimal money; of qtrader it uses only the
contracts' RejectionCode (the codes its violations carry).

Sizing functions return a non-negative share quantity rounded DOWN to a lot; limits are records (policy key,
pure check, rejection code) whose checks return violations, a code and a message each (empty = pass). Both use
a fixed decimal context (prec=28, ROUND_HALF_EVEN) passed explicitly, so every machine gets the same answer.
See ``sizing`` and ``limits`` for conventions.
"""

from qtrader.libraries.risk._numbers import PRECISION, ROUNDING, risk_context
from qtrader.libraries.risk.limits import (
    LIMITS,
    POSITIVE_EQUITY,
    Limit,
    PortfolioView,
    ProposedTrade,
    Violation,
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
    "LIMITS",
    "POSITIVE_EQUITY",
    "PRECISION",
    "ROUNDING",
    "Limit",
    "PortfolioView",
    "ProposedTrade",
    "Violation",
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
