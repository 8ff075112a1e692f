"""QTrader: a contract-first, deterministic, event-driven backtester."""

from importlib.metadata import PackageNotFoundError, version

try:  # one home for the version: python/pyproject.toml, read back from the installed package's metadata
    __version__ = version("qtrader")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
