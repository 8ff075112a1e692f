"""One small exception hierarchy: every message says what was wrong, where, and what to do."""


class QTraderError(Exception):
    """Base of every error QTrader raises on purpose; the CLI prints these without a traceback."""


class ConfigError(QTraderError):
    """A run config, policy file or service config is wrong (unknown key, missing file, bad value)."""


class DataError(QTraderError):
    """A data file has a bad row or cannot be read; the message names the file and line."""


class ContractError(QTraderError):
    """An event does not follow its contract; the message names the event and the field."""


class RemoteServiceError(QTraderError):
    """A remote service is down, too slow or answered out of contract; names the service and input event."""


class OrderStateError(QTraderError):
    """An illegal transition of the order state machine was attempted."""


class StoreError(QTraderError):
    """The run store cannot be opened, read or written: a corrupt file, a newer schema, a server that is down."""


class RunFolderError(QTraderError):
    """A run folder cannot be written: not a run folder, locked by another run, disk full, or a failed run."""


class StrategyError(QTraderError):
    """A user strategy broke a rule at its boundary (a bad signal field, over its time limit); names the bar."""


#: An error text (a message, a remote service's reply) is cut to this many characters.
MAX_ERROR_CHARS = 1000


def bounded(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out (a bad value is never echoed whole)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit:,} more characters)"
