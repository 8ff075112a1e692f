"""DataService: reads OHLCV and corporate actions from files and publishes them in time order."""

from qtrader.contracts.generated.config_models import DataConfig
from qtrader.services.data.service import DataService

__all__ = ["DataConfig", "DataService"]
