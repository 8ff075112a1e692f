"""DataService: reads OHLCV and corporate actions from files and publishes them in time order."""

from qtrader.services.data.service import DataConfig, DataService

__all__ = ["DataConfig", "DataService"]
