"""Built-in strategies, loadable by name from a run config."""

from qtrader.services.strategy.builtins.buy_and_hold import BuyAndHold
from qtrader.services.strategy.builtins.sma_crossover import SMACrossover

BUILTINS = {"BuyAndHold": BuyAndHold, "SMACrossover": SMACrossover}

__all__ = ["BUILTINS", "BuyAndHold", "SMACrossover"]
