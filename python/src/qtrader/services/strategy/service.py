"""StrategyService: hosts the configured strategies, feeds them bars, turns their intentions into Signals."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

from qtrader.contracts.generated.models.data.price_bar_v1 import PriceBar
from qtrader.contracts.generated.models.common.types_v1 import Intention, OrderType, TimeInForce
from qtrader.contracts.generated.models.strategy.signal_v1 import Signal
from qtrader.contracts.generated.config_models import StrategyEntry, StrategyServiceConfig
from qtrader.errors import ConfigError, QTraderError, StrategyError
from qtrader.services.base import Service, parse_config
from qtrader.services.strategy.loader import load_strategy_class
from qtrader.services.strategy.protocol import StrategyContext
from qtrader.services.strategy.signal_checks import SignalFieldError, decimal_field, enum_field, lot_ids_field
from qtrader.services.strategy.watchdog import CallbackTimeout, Guard

_ENUMS = {"entry_type": OrderType, "time_in_force": TimeInForce}
_DECIMALS = ("stop_loss", "take_profit", "target_quantity", "target_weight", "limit_price", "stop_price")
_OPTIONAL = set(_ENUMS) | set(_DECIMALS) | {"lot_ids"}
_SYMBOL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/^=-]{0,63}$")  # the contract's Symbol


class _Hosted:
    __slots__ = ("entry", "strategy", "ctx", "symbols", "bars_seen", "guard")

    def __init__(self, entry: StrategyEntry, strategy: Any, ctx: StrategyContext) -> None:
        self.entry, self.strategy, self.ctx = entry, strategy, ctx
        self.symbols = set(entry.symbols) if entry.symbols else None
        self.bars_seen: dict[str, int] = {}
        self.guard = Guard(entry.time_limit_seconds) if entry.time_limit_seconds else None


class StrategyService(Service):
    """Each strategy sees the bars of its symbols in order. Warm-up bars only feed its indicators (signals emitted
    then are suppressed and counted): the bars before ``trade_from`` when it is set (the run's data.start), else
    the first ``warmup_bars`` bars of each symbol."""

    name = "strategy"
    consumes = ("PriceBar",)
    emits = ("Signal",)

    def reset(self, config: Mapping[str, Any] | None, run_id: str) -> None:
        super().reset(config, run_id)
        self.config = parse_config(StrategyServiceConfig, config, "strategies")
        ids = [entry.id for entry in self.config.strategies]
        if len(set(ids)) != len(ids):
            raise ConfigError(f"strategies: ids must be unique, got {ids}")
        self._warmup, self._trade_from = self.config.warmup_bars, self.config.trade_from
        self._hosted = []
        for entry in self.config.strategies:
            cls = load_strategy_class(entry.name, Path(self.config.base_dir))
            try:
                strategy = cls(**entry.params)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"strategies[{entry.id}] ({entry.name}): bad params {entry.params}: {exc}") from None
            self._hosted.append(_Hosted(entry, strategy, StrategyContext(entry.id, entry.params, self._signal)))

    @property
    def signals_suppressed(self) -> int:
        return sum(h.ctx.signals_suppressed for h in self._hosted)

    def on_price_bar(self, bar: PriceBar) -> None:
        trade_from = self._trade_from
        warmup = self._warmup
        before_start = trade_from is not None and bar.occurred_at < trade_from
        symbol = bar.symbol
        for hosted in self._hosted:
            if hosted.symbols is not None and symbol not in hosted.symbols:
                continue
            ctx = hosted.ctx
            ctx._bar = bar
            if trade_from is not None:
                ctx.warming_up = before_start
            elif warmup:  # count bars only where a count decides
                seen = hosted.bars_seen[symbol] = hosted.bars_seen.get(symbol, 0) + 1
                ctx.warming_up = seen <= warmup
            try:  # free unless it raises
                if hosted.guard is None:
                    hosted.strategy.on_bar(bar, ctx)
                else:
                    with hosted.guard:
                        hosted.strategy.on_bar(bar, ctx)
            except QTraderError:
                raise
            except CallbackTimeout:
                raise StrategyError(f"strategy {hosted.entry.id} ({hosted.entry.name}) ran past its time limit of "
                                    f"{hosted.entry.time_limit_seconds}s (strategies[].time_limit_seconds) on the "
                                    f"{symbol} bar of {bar.occurred_at.isoformat()}: an endless loop?") from None
            except Exception as exc:
                raise StrategyError(f"strategy {hosted.entry.id} ({hosted.entry.name}) failed on the {symbol} bar of "
                                    f"{bar.occurred_at.isoformat()}: {type(exc).__name__}: {exc}") from exc

    def _signal(self, strategy_id: str, symbol: str, intention: str, price: Any, confidence: Any,
                optional: dict[str, Any]) -> None:
        try:
            unknown = set(optional) - _OPTIONAL
            if unknown:
                raise SignalFieldError(sorted(unknown)[0], optional[sorted(unknown)[0]],
                                       f"unknown field; emit_signal takes {', '.join(sorted(_OPTIONAL))}")
            fields: dict[str, Any] = {}
            for key, value in optional.items():
                if value is None:
                    continue
                if key in _ENUMS:
                    fields[key] = enum_field(key, value, _ENUMS[key])
                elif key == "lot_ids":
                    fields[key] = lot_ids_field(value)
                else:
                    fields[key] = decimal_field(key, value)
            if not isinstance(symbol, str) or not _SYMBOL.match(symbol):
                raise SignalFieldError("symbol", symbol, "not a symbol")
            self.emit(Signal, strategy_id=strategy_id, symbol=symbol,
                      intention=enum_field("intention", intention, Intention), price=decimal_field("price", price),
                      confidence=decimal_field("confidence", confidence), **fields)
        except SignalFieldError as exc:
            bar = self.cause
            raise StrategyError(f"strategy {strategy_id}, on the {bar.symbol} bar of "  # type: ignore[attr-defined]
                                f"{bar.occurred_at.isoformat()}: {exc}") from None
