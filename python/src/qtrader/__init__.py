"""QTrader: a contract-first, deterministic, event-driven backtester."""

__version__ = "0.1.0"
