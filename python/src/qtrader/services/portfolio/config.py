"""The ``portfolio`` config section: cash, currencies, lot methods, financing rates, day count, money precision,
and an optional ``snapshot`` to start from.

Every key is optional. Decimal keys accept strings, ints, Decimals and YAML numbers; a YAML float is read through
its shortest decimal spelling (``0.05`` stays ``0.05``, never its binary approximation). ``snapshot`` is a
PortfolioSnapshot as JSON (``service.snapshot().to_dict()``), checked against its contract here so that a bad one
is a ConfigError naming the field; a config can then resume a run (conformance cases do) without a restore call.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from qtrader.contracts.validation import contract_errors
from qtrader.services.base import ConfigDecimal as BaseConfigDecimal
from qtrader.services.base import ServiceConfig

CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
SymbolName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/^=-]{0,63}$")]
LotMethod = Literal["FIFO", "LIFO", "HIFO"]
DayCount = Literal["ACT/365", "ACT/360"]

#: Days in the year of each day-count convention (ACT: actual calendar days elapsed).
DAY_COUNT_BASIS = {"ACT/365": 365, "ACT/360": 360}


def _at_most_12_places(number: Decimal) -> Decimal:
    if number.as_tuple().exponent < -12:
        raise ValueError(f"at most 12 fraction digits, got {number}")
    return number


ConfigDecimal = Annotated[BaseConfigDecimal, AfterValidator(_at_most_12_places)]


def _json_value(value: Any) -> Any:
    """A YAML-loaded value as the JSON the contract expects: YAML reads unquoted dates and times as objects."""
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def _snapshot_json(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise PydanticCustomError("snapshot", "expected a PortfolioSnapshot as a JSON object "
                                              "(service.snapshot().to_dict()), got {kind}",
                                  {"kind": type(value).__name__})
    value = _json_value(value)
    if value.get("event_type") != "PortfolioSnapshot":
        raise PydanticCustomError("snapshot", "event_type must be PortfolioSnapshot, got {got}; paste the output "
                                              "of service.snapshot().to_dict()", {"got": repr(value.get("event_type"))})
    for field, message in contract_errors(value):
        # the first problem, named by its field path inside the snapshot
        raise PydanticCustomError("snapshot", "field {field}: {message}", {"field": field, "message": message})
    return value


SnapshotJson = Annotated[dict[str, Any] | None, BeforeValidator(_snapshot_json)]


class InstrumentConfig(ServiceConfig):
    """What the portfolio must know about one instrument: its quote currency."""

    currency: CurrencyCode


class PortfolioConfig(ServiceConfig):
    initial_cash: ConfigDecimal = Decimal(100000)
    base_currency: CurrencyCode = "USD"
    lot_method_long: LotMethod = "FIFO"
    lot_method_short: LotMethod = "LIFO"
    instruments: dict[SymbolName, InstrumentConfig] = Field(default_factory=dict)
    fx_symbols: dict[CurrencyCode, SymbolName] = Field(default_factory=dict)
    borrow_rate: ConfigDecimal = Decimal(0)
    margin_rate: ConfigDecimal = Decimal(0)
    cash_rate: ConfigDecimal = Decimal(0)
    day_count: DayCount = "ACT/365"
    money_decimals: Annotated[int, Field(strict=True, ge=0, le=12)] = 2
    snapshot: SnapshotJson = None  # a PortfolioSnapshot (JSON) to start from instead of an empty portfolio

    @field_validator("initial_cash")
    @classmethod
    def _non_negative_cash(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError(f"must be >= 0, got {value}")
        return value

    @field_validator("borrow_rate", "margin_rate", "cash_rate")
    @classmethod
    def _non_negative_rate(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError(f"an annual rate must be >= 0 (0.05 is 5%), got {value}")
        return value

    @model_validator(mode="after")
    def _fx_symbols_are_distinct(self) -> "PortfolioConfig":
        if self.base_currency in self.fx_symbols:
            raise ValueError(f"fx_symbols.{self.base_currency}: the base currency has no FX rate to look up")
        symbols = sorted(self.fx_symbols.values())
        for a, b in zip(symbols, symbols[1:]):
            if a == b:
                raise ValueError(f"fx_symbols: {a} gives the rate of two currencies")
        self.fx_symbol_map()
        return self

    def fx_symbol_map(self) -> dict[str, str]:
        """FX bar symbol -> the currency whose base-currency rate it gives (instrument currencies + fx_symbols)."""
        currencies = {i.currency for i in self.instruments.values()} | set(self.fx_symbols)
        currencies.discard(self.base_currency)
        mapping: dict[str, str] = {}
        for currency in sorted(currencies):
            symbol = self.fx_symbols.get(currency, currency + self.base_currency)
            if symbol in mapping:
                raise ValueError(f"fx_symbols: {symbol} would give the rate of both {mapping[symbol]} and {currency}")
            mapping[symbol] = currency
        clash = sorted(set(mapping) & set(self.instruments))
        if clash:
            raise ValueError(f"{clash[0]} is both an FX rate series and an instrument; rename one in the config")
        return mapping
