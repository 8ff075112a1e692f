import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Side(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIDE_UNSPECIFIED: _ClassVar[Side]
    SIDE_BUY: _ClassVar[Side]
    SIDE_SELL: _ClassVar[Side]

class Intention(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INTENTION_UNSPECIFIED: _ClassVar[Intention]
    INTENTION_OPEN_LONG: _ClassVar[Intention]
    INTENTION_CLOSE_LONG: _ClassVar[Intention]
    INTENTION_OPEN_SHORT: _ClassVar[Intention]
    INTENTION_CLOSE_SHORT: _ClassVar[Intention]

class OrderType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_TYPE_UNSPECIFIED: _ClassVar[OrderType]
    ORDER_TYPE_MARKET: _ClassVar[OrderType]
    ORDER_TYPE_LIMIT: _ClassVar[OrderType]
    ORDER_TYPE_STOP: _ClassVar[OrderType]
    ORDER_TYPE_STOP_LIMIT: _ClassVar[OrderType]
    ORDER_TYPE_TRAILING_STOP: _ClassVar[OrderType]

class TimeInForce(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIME_IN_FORCE_UNSPECIFIED: _ClassVar[TimeInForce]
    TIME_IN_FORCE_DAY: _ClassVar[TimeInForce]
    TIME_IN_FORCE_GTC: _ClassVar[TimeInForce]
    TIME_IN_FORCE_IOC: _ClassVar[TimeInForce]
    TIME_IN_FORCE_FOK: _ClassVar[TimeInForce]

class OrderStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_STATUS_UNSPECIFIED: _ClassVar[OrderStatus]
    ORDER_STATUS_NEW: _ClassVar[OrderStatus]
    ORDER_STATUS_ACCEPTED: _ClassVar[OrderStatus]
    ORDER_STATUS_PARTIALLY_FILLED: _ClassVar[OrderStatus]
    ORDER_STATUS_FILLED: _ClassVar[OrderStatus]
    ORDER_STATUS_CANCELED: _ClassVar[OrderStatus]
    ORDER_STATUS_REJECTED: _ClassVar[OrderStatus]
    ORDER_STATUS_EXPIRED: _ClassVar[OrderStatus]

class BracketRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BRACKET_ROLE_UNSPECIFIED: _ClassVar[BracketRole]
    BRACKET_ROLE_ENTRY: _ClassVar[BracketRole]
    BRACKET_ROLE_STOP_LOSS: _ClassVar[BracketRole]
    BRACKET_ROLE_TAKE_PROFIT: _ClassVar[BracketRole]

class CorporateActionType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CORPORATE_ACTION_TYPE_UNSPECIFIED: _ClassVar[CorporateActionType]
    CORPORATE_ACTION_TYPE_SPLIT: _ClassVar[CorporateActionType]
    CORPORATE_ACTION_TYPE_CASH_DIVIDEND: _ClassVar[CorporateActionType]

class StateReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATE_REASON_UNSPECIFIED: _ClassVar[StateReason]
    STATE_REASON_FILL: _ClassVar[StateReason]
    STATE_REASON_MARK_TO_MARKET: _ClassVar[StateReason]
    STATE_REASON_CORPORATE_ACTION: _ClassVar[StateReason]
    STATE_REASON_CASH_FLOW: _ClassVar[StateReason]
SIDE_UNSPECIFIED: Side
SIDE_BUY: Side
SIDE_SELL: Side
INTENTION_UNSPECIFIED: Intention
INTENTION_OPEN_LONG: Intention
INTENTION_CLOSE_LONG: Intention
INTENTION_OPEN_SHORT: Intention
INTENTION_CLOSE_SHORT: Intention
ORDER_TYPE_UNSPECIFIED: OrderType
ORDER_TYPE_MARKET: OrderType
ORDER_TYPE_LIMIT: OrderType
ORDER_TYPE_STOP: OrderType
ORDER_TYPE_STOP_LIMIT: OrderType
ORDER_TYPE_TRAILING_STOP: OrderType
TIME_IN_FORCE_UNSPECIFIED: TimeInForce
TIME_IN_FORCE_DAY: TimeInForce
TIME_IN_FORCE_GTC: TimeInForce
TIME_IN_FORCE_IOC: TimeInForce
TIME_IN_FORCE_FOK: TimeInForce
ORDER_STATUS_UNSPECIFIED: OrderStatus
ORDER_STATUS_NEW: OrderStatus
ORDER_STATUS_ACCEPTED: OrderStatus
ORDER_STATUS_PARTIALLY_FILLED: OrderStatus
ORDER_STATUS_FILLED: OrderStatus
ORDER_STATUS_CANCELED: OrderStatus
ORDER_STATUS_REJECTED: OrderStatus
ORDER_STATUS_EXPIRED: OrderStatus
BRACKET_ROLE_UNSPECIFIED: BracketRole
BRACKET_ROLE_ENTRY: BracketRole
BRACKET_ROLE_STOP_LOSS: BracketRole
BRACKET_ROLE_TAKE_PROFIT: BracketRole
CORPORATE_ACTION_TYPE_UNSPECIFIED: CorporateActionType
CORPORATE_ACTION_TYPE_SPLIT: CorporateActionType
CORPORATE_ACTION_TYPE_CASH_DIVIDEND: CorporateActionType
STATE_REASON_UNSPECIFIED: StateReason
STATE_REASON_FILL: StateReason
STATE_REASON_MARK_TO_MARKET: StateReason
STATE_REASON_CORPORATE_ACTION: StateReason
STATE_REASON_CASH_FLOW: StateReason

class PriceBar(_message.Message):
    __slots__ = ("symbol", "timeframe", "open", "high", "low", "close", "volume", "adjusted", "currency")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    TIMEFRAME_FIELD_NUMBER: _ClassVar[int]
    OPEN_FIELD_NUMBER: _ClassVar[int]
    HIGH_FIELD_NUMBER: _ClassVar[int]
    LOW_FIELD_NUMBER: _ClassVar[int]
    CLOSE_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    ADJUSTED_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    timeframe: str
    open: str
    high: str
    low: str
    close: str
    volume: str
    adjusted: bool
    currency: str
    def __init__(self, symbol: _Optional[str] = ..., timeframe: _Optional[str] = ..., open: _Optional[str] = ..., high: _Optional[str] = ..., low: _Optional[str] = ..., close: _Optional[str] = ..., volume: _Optional[str] = ..., adjusted: _Optional[bool] = ..., currency: _Optional[str] = ...) -> None: ...

class CorporateAction(_message.Message):
    __slots__ = ("symbol", "action_type", "ex_date", "split_to", "split_from", "cash_amount", "currency", "record_date", "pay_date")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ACTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    EX_DATE_FIELD_NUMBER: _ClassVar[int]
    SPLIT_TO_FIELD_NUMBER: _ClassVar[int]
    SPLIT_FROM_FIELD_NUMBER: _ClassVar[int]
    CASH_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    RECORD_DATE_FIELD_NUMBER: _ClassVar[int]
    PAY_DATE_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    action_type: CorporateActionType
    ex_date: str
    split_to: str
    split_from: str
    cash_amount: str
    currency: str
    record_date: str
    pay_date: str
    def __init__(self, symbol: _Optional[str] = ..., action_type: _Optional[_Union[CorporateActionType, str]] = ..., ex_date: _Optional[str] = ..., split_to: _Optional[str] = ..., split_from: _Optional[str] = ..., cash_amount: _Optional[str] = ..., currency: _Optional[str] = ..., record_date: _Optional[str] = ..., pay_date: _Optional[str] = ...) -> None: ...

class Signal(_message.Message):
    __slots__ = ("strategy_id", "symbol", "intention", "price", "confidence", "stop_loss", "take_profit", "target_quantity", "target_weight", "entry_type", "limit_price", "stop_price", "time_in_force", "lot_ids")
    STRATEGY_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    INTENTION_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    STOP_LOSS_FIELD_NUMBER: _ClassVar[int]
    TAKE_PROFIT_FIELD_NUMBER: _ClassVar[int]
    TARGET_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    TARGET_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    ENTRY_TYPE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    STOP_PRICE_FIELD_NUMBER: _ClassVar[int]
    TIME_IN_FORCE_FIELD_NUMBER: _ClassVar[int]
    LOT_IDS_FIELD_NUMBER: _ClassVar[int]
    strategy_id: str
    symbol: str
    intention: Intention
    price: str
    confidence: str
    stop_loss: str
    take_profit: str
    target_quantity: str
    target_weight: str
    entry_type: OrderType
    limit_price: str
    stop_price: str
    time_in_force: TimeInForce
    lot_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, strategy_id: _Optional[str] = ..., symbol: _Optional[str] = ..., intention: _Optional[_Union[Intention, str]] = ..., price: _Optional[str] = ..., confidence: _Optional[str] = ..., stop_loss: _Optional[str] = ..., take_profit: _Optional[str] = ..., target_quantity: _Optional[str] = ..., target_weight: _Optional[str] = ..., entry_type: _Optional[_Union[OrderType, str]] = ..., limit_price: _Optional[str] = ..., stop_price: _Optional[str] = ..., time_in_force: _Optional[_Union[TimeInForce, str]] = ..., lot_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class SignalRejected(_message.Message):
    __slots__ = ("signal_id", "strategy_id", "symbol", "intention", "reasons")
    class Reason(_message.Message):
        __slots__ = ("code", "message")
        CODE_FIELD_NUMBER: _ClassVar[int]
        MESSAGE_FIELD_NUMBER: _ClassVar[int]
        code: str
        message: str
        def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...
    SIGNAL_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    INTENTION_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    signal_id: str
    strategy_id: str
    symbol: str
    intention: Intention
    reasons: _containers.RepeatedCompositeFieldContainer[SignalRejected.Reason]
    def __init__(self, signal_id: _Optional[str] = ..., strategy_id: _Optional[str] = ..., symbol: _Optional[str] = ..., intention: _Optional[_Union[Intention, str]] = ..., reasons: _Optional[_Iterable[_Union[SignalRejected.Reason, _Mapping]]] = ...) -> None: ...

class Order(_message.Message):
    __slots__ = ("order_id", "intent_id", "idempotency_key", "strategy_id", "symbol", "side", "quantity", "order_type", "time_in_force", "limit_price", "stop_price", "trail_amount", "trail_percent", "parent_order_id", "oco_group_id", "bracket_role", "lot_ids")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    INTENT_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    ORDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    TIME_IN_FORCE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    STOP_PRICE_FIELD_NUMBER: _ClassVar[int]
    TRAIL_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    TRAIL_PERCENT_FIELD_NUMBER: _ClassVar[int]
    PARENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    OCO_GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    BRACKET_ROLE_FIELD_NUMBER: _ClassVar[int]
    LOT_IDS_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    intent_id: str
    idempotency_key: str
    strategy_id: str
    symbol: str
    side: Side
    quantity: str
    order_type: OrderType
    time_in_force: TimeInForce
    limit_price: str
    stop_price: str
    trail_amount: str
    trail_percent: str
    parent_order_id: str
    oco_group_id: str
    bracket_role: BracketRole
    lot_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, order_id: _Optional[str] = ..., intent_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., strategy_id: _Optional[str] = ..., symbol: _Optional[str] = ..., side: _Optional[_Union[Side, str]] = ..., quantity: _Optional[str] = ..., order_type: _Optional[_Union[OrderType, str]] = ..., time_in_force: _Optional[_Union[TimeInForce, str]] = ..., limit_price: _Optional[str] = ..., stop_price: _Optional[str] = ..., trail_amount: _Optional[str] = ..., trail_percent: _Optional[str] = ..., parent_order_id: _Optional[str] = ..., oco_group_id: _Optional[str] = ..., bracket_role: _Optional[_Union[BracketRole, str]] = ..., lot_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class CancelOrder(_message.Message):
    __slots__ = ("order_id", "reason")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    reason: str
    def __init__(self, order_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class OrderUpdate(_message.Message):
    __slots__ = ("order_id", "symbol", "status", "previous_status", "reason", "filled_quantity", "remaining_quantity", "average_fill_price", "intent_id", "idempotency_key")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    FILLED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    REMAINING_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_FILL_PRICE_FIELD_NUMBER: _ClassVar[int]
    INTENT_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    symbol: str
    status: OrderStatus
    previous_status: OrderStatus
    reason: str
    filled_quantity: str
    remaining_quantity: str
    average_fill_price: str
    intent_id: str
    idempotency_key: str
    def __init__(self, order_id: _Optional[str] = ..., symbol: _Optional[str] = ..., status: _Optional[_Union[OrderStatus, str]] = ..., previous_status: _Optional[_Union[OrderStatus, str]] = ..., reason: _Optional[str] = ..., filled_quantity: _Optional[str] = ..., remaining_quantity: _Optional[str] = ..., average_fill_price: _Optional[str] = ..., intent_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class Fill(_message.Message):
    __slots__ = ("fill_id", "order_id", "intent_id", "strategy_id", "symbol", "side", "quantity", "price", "commission", "slippage", "is_partial", "currency", "lot_ids")
    FILL_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    INTENT_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    COMMISSION_FIELD_NUMBER: _ClassVar[int]
    SLIPPAGE_FIELD_NUMBER: _ClassVar[int]
    IS_PARTIAL_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    LOT_IDS_FIELD_NUMBER: _ClassVar[int]
    fill_id: str
    order_id: str
    intent_id: str
    strategy_id: str
    symbol: str
    side: Side
    quantity: str
    price: str
    commission: str
    slippage: str
    is_partial: bool
    currency: str
    lot_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, fill_id: _Optional[str] = ..., order_id: _Optional[str] = ..., intent_id: _Optional[str] = ..., strategy_id: _Optional[str] = ..., symbol: _Optional[str] = ..., side: _Optional[_Union[Side, str]] = ..., quantity: _Optional[str] = ..., price: _Optional[str] = ..., commission: _Optional[str] = ..., slippage: _Optional[str] = ..., is_partial: _Optional[bool] = ..., currency: _Optional[str] = ..., lot_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class PortfolioState(_message.Message):
    __slots__ = ("reason", "base_currency", "cash", "cash_balances", "market_value", "equity", "peak_equity", "gross_exposure", "net_exposure", "leverage", "realized_pnl", "unrealized_pnl", "commissions", "fees", "dividends", "realized_fx_pnl", "positions", "closed_lots")
    class CashBalance(_message.Message):
        __slots__ = ("currency", "amount")
        CURRENCY_FIELD_NUMBER: _ClassVar[int]
        AMOUNT_FIELD_NUMBER: _ClassVar[int]
        currency: str
        amount: str
        def __init__(self, currency: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...
    class Position(_message.Message):
        __slots__ = ("symbol", "quantity", "currency", "market_price", "market_value", "cost_basis", "average_price", "unrealized_pnl", "realized_pnl", "lots")
        SYMBOL_FIELD_NUMBER: _ClassVar[int]
        QUANTITY_FIELD_NUMBER: _ClassVar[int]
        CURRENCY_FIELD_NUMBER: _ClassVar[int]
        MARKET_PRICE_FIELD_NUMBER: _ClassVar[int]
        MARKET_VALUE_FIELD_NUMBER: _ClassVar[int]
        COST_BASIS_FIELD_NUMBER: _ClassVar[int]
        AVERAGE_PRICE_FIELD_NUMBER: _ClassVar[int]
        UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
        REALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
        LOTS_FIELD_NUMBER: _ClassVar[int]
        symbol: str
        quantity: str
        currency: str
        market_price: str
        market_value: str
        cost_basis: str
        average_price: str
        unrealized_pnl: str
        realized_pnl: str
        lots: _containers.RepeatedCompositeFieldContainer[PortfolioState.Lot]
        def __init__(self, symbol: _Optional[str] = ..., quantity: _Optional[str] = ..., currency: _Optional[str] = ..., market_price: _Optional[str] = ..., market_value: _Optional[str] = ..., cost_basis: _Optional[str] = ..., average_price: _Optional[str] = ..., unrealized_pnl: _Optional[str] = ..., realized_pnl: _Optional[str] = ..., lots: _Optional[_Iterable[_Union[PortfolioState.Lot, _Mapping]]] = ...) -> None: ...
    class Lot(_message.Message):
        __slots__ = ("lot_id", "quantity", "open_price", "opened_at", "cost_basis", "commission")
        LOT_ID_FIELD_NUMBER: _ClassVar[int]
        QUANTITY_FIELD_NUMBER: _ClassVar[int]
        OPEN_PRICE_FIELD_NUMBER: _ClassVar[int]
        OPENED_AT_FIELD_NUMBER: _ClassVar[int]
        COST_BASIS_FIELD_NUMBER: _ClassVar[int]
        COMMISSION_FIELD_NUMBER: _ClassVar[int]
        lot_id: str
        quantity: str
        open_price: str
        opened_at: _timestamp_pb2.Timestamp
        cost_basis: str
        commission: str
        def __init__(self, lot_id: _Optional[str] = ..., quantity: _Optional[str] = ..., open_price: _Optional[str] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cost_basis: _Optional[str] = ..., commission: _Optional[str] = ...) -> None: ...
    class ClosedLot(_message.Message):
        __slots__ = ("lot_id", "symbol", "quantity", "open_price", "close_price", "opened_at", "closed_at", "gross_pnl", "commission", "realized_pnl")
        LOT_ID_FIELD_NUMBER: _ClassVar[int]
        SYMBOL_FIELD_NUMBER: _ClassVar[int]
        QUANTITY_FIELD_NUMBER: _ClassVar[int]
        OPEN_PRICE_FIELD_NUMBER: _ClassVar[int]
        CLOSE_PRICE_FIELD_NUMBER: _ClassVar[int]
        OPENED_AT_FIELD_NUMBER: _ClassVar[int]
        CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
        GROSS_PNL_FIELD_NUMBER: _ClassVar[int]
        COMMISSION_FIELD_NUMBER: _ClassVar[int]
        REALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
        lot_id: str
        symbol: str
        quantity: str
        open_price: str
        close_price: str
        opened_at: _timestamp_pb2.Timestamp
        closed_at: _timestamp_pb2.Timestamp
        gross_pnl: str
        commission: str
        realized_pnl: str
        def __init__(self, lot_id: _Optional[str] = ..., symbol: _Optional[str] = ..., quantity: _Optional[str] = ..., open_price: _Optional[str] = ..., close_price: _Optional[str] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., closed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., gross_pnl: _Optional[str] = ..., commission: _Optional[str] = ..., realized_pnl: _Optional[str] = ...) -> None: ...
    REASON_FIELD_NUMBER: _ClassVar[int]
    BASE_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    CASH_FIELD_NUMBER: _ClassVar[int]
    CASH_BALANCES_FIELD_NUMBER: _ClassVar[int]
    MARKET_VALUE_FIELD_NUMBER: _ClassVar[int]
    EQUITY_FIELD_NUMBER: _ClassVar[int]
    PEAK_EQUITY_FIELD_NUMBER: _ClassVar[int]
    GROSS_EXPOSURE_FIELD_NUMBER: _ClassVar[int]
    NET_EXPOSURE_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    REALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    COMMISSIONS_FIELD_NUMBER: _ClassVar[int]
    FEES_FIELD_NUMBER: _ClassVar[int]
    DIVIDENDS_FIELD_NUMBER: _ClassVar[int]
    REALIZED_FX_PNL_FIELD_NUMBER: _ClassVar[int]
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    CLOSED_LOTS_FIELD_NUMBER: _ClassVar[int]
    reason: StateReason
    base_currency: str
    cash: str
    cash_balances: _containers.RepeatedCompositeFieldContainer[PortfolioState.CashBalance]
    market_value: str
    equity: str
    peak_equity: str
    gross_exposure: str
    net_exposure: str
    leverage: str
    realized_pnl: str
    unrealized_pnl: str
    commissions: str
    fees: str
    dividends: str
    realized_fx_pnl: str
    positions: _containers.RepeatedCompositeFieldContainer[PortfolioState.Position]
    closed_lots: _containers.RepeatedCompositeFieldContainer[PortfolioState.ClosedLot]
    def __init__(self, reason: _Optional[_Union[StateReason, str]] = ..., base_currency: _Optional[str] = ..., cash: _Optional[str] = ..., cash_balances: _Optional[_Iterable[_Union[PortfolioState.CashBalance, _Mapping]]] = ..., market_value: _Optional[str] = ..., equity: _Optional[str] = ..., peak_equity: _Optional[str] = ..., gross_exposure: _Optional[str] = ..., net_exposure: _Optional[str] = ..., leverage: _Optional[str] = ..., realized_pnl: _Optional[str] = ..., unrealized_pnl: _Optional[str] = ..., commissions: _Optional[str] = ..., fees: _Optional[str] = ..., dividends: _Optional[str] = ..., realized_fx_pnl: _Optional[str] = ..., positions: _Optional[_Iterable[_Union[PortfolioState.Position, _Mapping]]] = ..., closed_lots: _Optional[_Iterable[_Union[PortfolioState.ClosedLot, _Mapping]]] = ...) -> None: ...

class PortfolioSnapshot(_message.Message):
    __slots__ = ("base_currency", "initial_cash", "events_handled", "last_date", "cash_balances", "currency_books", "fx_rates", "last_prices", "lots", "realized_by_symbol", "pending_actions", "pending_dividends", "accrual_residuals", "realized_pnl", "commissions", "fees", "dividends", "realized_fx_pnl", "peak_equity", "ledger")
    class CurrencyAmount(_message.Message):
        __slots__ = ("currency", "amount")
        CURRENCY_FIELD_NUMBER: _ClassVar[int]
        AMOUNT_FIELD_NUMBER: _ClassVar[int]
        currency: str
        amount: str
        def __init__(self, currency: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...
    class CurrencyBook(_message.Message):
        __slots__ = ("currency", "exposure", "book_value")
        CURRENCY_FIELD_NUMBER: _ClassVar[int]
        EXPOSURE_FIELD_NUMBER: _ClassVar[int]
        BOOK_VALUE_FIELD_NUMBER: _ClassVar[int]
        currency: str
        exposure: str
        book_value: str
        def __init__(self, currency: _Optional[str] = ..., exposure: _Optional[str] = ..., book_value: _Optional[str] = ...) -> None: ...
    class FxRate(_message.Message):
        __slots__ = ("currency", "rate")
        CURRENCY_FIELD_NUMBER: _ClassVar[int]
        RATE_FIELD_NUMBER: _ClassVar[int]
        currency: str
        rate: str
        def __init__(self, currency: _Optional[str] = ..., rate: _Optional[str] = ...) -> None: ...
    class LastPrice(_message.Message):
        __slots__ = ("symbol", "price")
        SYMBOL_FIELD_NUMBER: _ClassVar[int]
        PRICE_FIELD_NUMBER: _ClassVar[int]
        symbol: str
        price: str
        def __init__(self, symbol: _Optional[str] = ..., price: _Optional[str] = ...) -> None: ...
    class SnapshotLot(_message.Message):
        __slots__ = ("symbol", "lot_id", "quantity", "open_price", "opened_at", "cost_basis", "commission")
        SYMBOL_FIELD_NUMBER: _ClassVar[int]
        LOT_ID_FIELD_NUMBER: _ClassVar[int]
        QUANTITY_FIELD_NUMBER: _ClassVar[int]
        OPEN_PRICE_FIELD_NUMBER: _ClassVar[int]
        OPENED_AT_FIELD_NUMBER: _ClassVar[int]
        COST_BASIS_FIELD_NUMBER: _ClassVar[int]
        COMMISSION_FIELD_NUMBER: _ClassVar[int]
        symbol: str
        lot_id: str
        quantity: str
        open_price: str
        opened_at: _timestamp_pb2.Timestamp
        cost_basis: str
        commission: str
        def __init__(self, symbol: _Optional[str] = ..., lot_id: _Optional[str] = ..., quantity: _Optional[str] = ..., open_price: _Optional[str] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cost_basis: _Optional[str] = ..., commission: _Optional[str] = ...) -> None: ...
    class SymbolAmount(_message.Message):
        __slots__ = ("symbol", "amount")
        SYMBOL_FIELD_NUMBER: _ClassVar[int]
        AMOUNT_FIELD_NUMBER: _ClassVar[int]
        symbol: str
        amount: str
        def __init__(self, symbol: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...
    class PendingAction(_message.Message):
        __slots__ = ("action_id", "symbol", "action_type", "ex_date", "split_to", "split_from", "cash_amount", "currency", "pay_date")
        ACTION_ID_FIELD_NUMBER: _ClassVar[int]
        SYMBOL_FIELD_NUMBER: _ClassVar[int]
        ACTION_TYPE_FIELD_NUMBER: _ClassVar[int]
        EX_DATE_FIELD_NUMBER: _ClassVar[int]
        SPLIT_TO_FIELD_NUMBER: _ClassVar[int]
        SPLIT_FROM_FIELD_NUMBER: _ClassVar[int]
        CASH_AMOUNT_FIELD_NUMBER: _ClassVar[int]
        CURRENCY_FIELD_NUMBER: _ClassVar[int]
        PAY_DATE_FIELD_NUMBER: _ClassVar[int]
        action_id: str
        symbol: str
        action_type: CorporateActionType
        ex_date: str
        split_to: str
        split_from: str
        cash_amount: str
        currency: str
        pay_date: str
        def __init__(self, action_id: _Optional[str] = ..., symbol: _Optional[str] = ..., action_type: _Optional[_Union[CorporateActionType, str]] = ..., ex_date: _Optional[str] = ..., split_to: _Optional[str] = ..., split_from: _Optional[str] = ..., cash_amount: _Optional[str] = ..., currency: _Optional[str] = ..., pay_date: _Optional[str] = ...) -> None: ...
    class DividendAccrual(_message.Message):
        __slots__ = ("action_id", "symbol", "ex_date", "pay_date", "currency", "quantity", "amount")
        ACTION_ID_FIELD_NUMBER: _ClassVar[int]
        SYMBOL_FIELD_NUMBER: _ClassVar[int]
        EX_DATE_FIELD_NUMBER: _ClassVar[int]
        PAY_DATE_FIELD_NUMBER: _ClassVar[int]
        CURRENCY_FIELD_NUMBER: _ClassVar[int]
        QUANTITY_FIELD_NUMBER: _ClassVar[int]
        AMOUNT_FIELD_NUMBER: _ClassVar[int]
        action_id: str
        symbol: str
        ex_date: str
        pay_date: str
        currency: str
        quantity: str
        amount: str
        def __init__(self, action_id: _Optional[str] = ..., symbol: _Optional[str] = ..., ex_date: _Optional[str] = ..., pay_date: _Optional[str] = ..., currency: _Optional[str] = ..., quantity: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...
    class AccrualResidual(_message.Message):
        __slots__ = ("kind", "key", "currency", "amount")
        KIND_FIELD_NUMBER: _ClassVar[int]
        KEY_FIELD_NUMBER: _ClassVar[int]
        CURRENCY_FIELD_NUMBER: _ClassVar[int]
        AMOUNT_FIELD_NUMBER: _ClassVar[int]
        kind: str
        key: str
        currency: str
        amount: str
        def __init__(self, kind: _Optional[str] = ..., key: _Optional[str] = ..., currency: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...
    class LedgerEntry(_message.Message):
        __slots__ = ("sequence", "kind", "event_id", "occurred_at", "currency", "amount", "symbol", "quantity")
        SEQUENCE_FIELD_NUMBER: _ClassVar[int]
        KIND_FIELD_NUMBER: _ClassVar[int]
        EVENT_ID_FIELD_NUMBER: _ClassVar[int]
        OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
        CURRENCY_FIELD_NUMBER: _ClassVar[int]
        AMOUNT_FIELD_NUMBER: _ClassVar[int]
        SYMBOL_FIELD_NUMBER: _ClassVar[int]
        QUANTITY_FIELD_NUMBER: _ClassVar[int]
        sequence: int
        kind: str
        event_id: str
        occurred_at: _timestamp_pb2.Timestamp
        currency: str
        amount: str
        symbol: str
        quantity: str
        def __init__(self, sequence: _Optional[int] = ..., kind: _Optional[str] = ..., event_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., currency: _Optional[str] = ..., amount: _Optional[str] = ..., symbol: _Optional[str] = ..., quantity: _Optional[str] = ...) -> None: ...
    BASE_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    INITIAL_CASH_FIELD_NUMBER: _ClassVar[int]
    EVENTS_HANDLED_FIELD_NUMBER: _ClassVar[int]
    LAST_DATE_FIELD_NUMBER: _ClassVar[int]
    CASH_BALANCES_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_BOOKS_FIELD_NUMBER: _ClassVar[int]
    FX_RATES_FIELD_NUMBER: _ClassVar[int]
    LAST_PRICES_FIELD_NUMBER: _ClassVar[int]
    LOTS_FIELD_NUMBER: _ClassVar[int]
    REALIZED_BY_SYMBOL_FIELD_NUMBER: _ClassVar[int]
    PENDING_ACTIONS_FIELD_NUMBER: _ClassVar[int]
    PENDING_DIVIDENDS_FIELD_NUMBER: _ClassVar[int]
    ACCRUAL_RESIDUALS_FIELD_NUMBER: _ClassVar[int]
    REALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    COMMISSIONS_FIELD_NUMBER: _ClassVar[int]
    FEES_FIELD_NUMBER: _ClassVar[int]
    DIVIDENDS_FIELD_NUMBER: _ClassVar[int]
    REALIZED_FX_PNL_FIELD_NUMBER: _ClassVar[int]
    PEAK_EQUITY_FIELD_NUMBER: _ClassVar[int]
    LEDGER_FIELD_NUMBER: _ClassVar[int]
    base_currency: str
    initial_cash: str
    events_handled: int
    last_date: str
    cash_balances: _containers.RepeatedCompositeFieldContainer[PortfolioSnapshot.CurrencyAmount]
    currency_books: _containers.RepeatedCompositeFieldContainer[PortfolioSnapshot.CurrencyBook]
    fx_rates: _containers.RepeatedCompositeFieldContainer[PortfolioSnapshot.FxRate]
    last_prices: _containers.RepeatedCompositeFieldContainer[PortfolioSnapshot.LastPrice]
    lots: _containers.RepeatedCompositeFieldContainer[PortfolioSnapshot.SnapshotLot]
    realized_by_symbol: _containers.RepeatedCompositeFieldContainer[PortfolioSnapshot.SymbolAmount]
    pending_actions: _containers.RepeatedCompositeFieldContainer[PortfolioSnapshot.PendingAction]
    pending_dividends: _containers.RepeatedCompositeFieldContainer[PortfolioSnapshot.DividendAccrual]
    accrual_residuals: _containers.RepeatedCompositeFieldContainer[PortfolioSnapshot.AccrualResidual]
    realized_pnl: str
    commissions: str
    fees: str
    dividends: str
    realized_fx_pnl: str
    peak_equity: str
    ledger: _containers.RepeatedCompositeFieldContainer[PortfolioSnapshot.LedgerEntry]
    def __init__(self, base_currency: _Optional[str] = ..., initial_cash: _Optional[str] = ..., events_handled: _Optional[int] = ..., last_date: _Optional[str] = ..., cash_balances: _Optional[_Iterable[_Union[PortfolioSnapshot.CurrencyAmount, _Mapping]]] = ..., currency_books: _Optional[_Iterable[_Union[PortfolioSnapshot.CurrencyBook, _Mapping]]] = ..., fx_rates: _Optional[_Iterable[_Union[PortfolioSnapshot.FxRate, _Mapping]]] = ..., last_prices: _Optional[_Iterable[_Union[PortfolioSnapshot.LastPrice, _Mapping]]] = ..., lots: _Optional[_Iterable[_Union[PortfolioSnapshot.SnapshotLot, _Mapping]]] = ..., realized_by_symbol: _Optional[_Iterable[_Union[PortfolioSnapshot.SymbolAmount, _Mapping]]] = ..., pending_actions: _Optional[_Iterable[_Union[PortfolioSnapshot.PendingAction, _Mapping]]] = ..., pending_dividends: _Optional[_Iterable[_Union[PortfolioSnapshot.DividendAccrual, _Mapping]]] = ..., accrual_residuals: _Optional[_Iterable[_Union[PortfolioSnapshot.AccrualResidual, _Mapping]]] = ..., realized_pnl: _Optional[str] = ..., commissions: _Optional[str] = ..., fees: _Optional[str] = ..., dividends: _Optional[str] = ..., realized_fx_pnl: _Optional[str] = ..., peak_equity: _Optional[str] = ..., ledger: _Optional[_Iterable[_Union[PortfolioSnapshot.LedgerEntry, _Mapping]]] = ...) -> None: ...

class Envelope(_message.Message):
    __slots__ = ("event_id", "event_type", "schema_version", "occurred_at", "source_service", "correlation_id", "causation_id", "price_bar", "corporate_action", "signal", "signal_rejected", "order", "cancel_order", "order_update", "fill", "portfolio_state", "portfolio_snapshot")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_SERVICE_FIELD_NUMBER: _ClassVar[int]
    CORRELATION_ID_FIELD_NUMBER: _ClassVar[int]
    CAUSATION_ID_FIELD_NUMBER: _ClassVar[int]
    PRICE_BAR_FIELD_NUMBER: _ClassVar[int]
    CORPORATE_ACTION_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_REJECTED_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    CANCEL_ORDER_FIELD_NUMBER: _ClassVar[int]
    ORDER_UPDATE_FIELD_NUMBER: _ClassVar[int]
    FILL_FIELD_NUMBER: _ClassVar[int]
    PORTFOLIO_STATE_FIELD_NUMBER: _ClassVar[int]
    PORTFOLIO_SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    event_type: str
    schema_version: int
    occurred_at: _timestamp_pb2.Timestamp
    source_service: str
    correlation_id: str
    causation_id: str
    price_bar: PriceBar
    corporate_action: CorporateAction
    signal: Signal
    signal_rejected: SignalRejected
    order: Order
    cancel_order: CancelOrder
    order_update: OrderUpdate
    fill: Fill
    portfolio_state: PortfolioState
    portfolio_snapshot: PortfolioSnapshot
    def __init__(self, event_id: _Optional[str] = ..., event_type: _Optional[str] = ..., schema_version: _Optional[int] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., source_service: _Optional[str] = ..., correlation_id: _Optional[str] = ..., causation_id: _Optional[str] = ..., price_bar: _Optional[_Union[PriceBar, _Mapping]] = ..., corporate_action: _Optional[_Union[CorporateAction, _Mapping]] = ..., signal: _Optional[_Union[Signal, _Mapping]] = ..., signal_rejected: _Optional[_Union[SignalRejected, _Mapping]] = ..., order: _Optional[_Union[Order, _Mapping]] = ..., cancel_order: _Optional[_Union[CancelOrder, _Mapping]] = ..., order_update: _Optional[_Union[OrderUpdate, _Mapping]] = ..., fill: _Optional[_Union[Fill, _Mapping]] = ..., portfolio_state: _Optional[_Union[PortfolioState, _Mapping]] = ..., portfolio_snapshot: _Optional[_Union[PortfolioSnapshot, _Mapping]] = ...) -> None: ...

class Frame(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[Envelope]
    def __init__(self, events: _Optional[_Iterable[_Union[Envelope, _Mapping]]] = ...) -> None: ...

class Batch(_message.Message):
    __slots__ = ("input_event_id", "events")
    INPUT_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    input_event_id: str
    events: _containers.RepeatedCompositeFieldContainer[Envelope]
    def __init__(self, input_event_id: _Optional[str] = ..., events: _Optional[_Iterable[_Union[Envelope, _Mapping]]] = ...) -> None: ...

class FrameResult(_message.Message):
    __slots__ = ("batches",)
    BATCHES_FIELD_NUMBER: _ClassVar[int]
    batches: _containers.RepeatedCompositeFieldContainer[Batch]
    def __init__(self, batches: _Optional[_Iterable[_Union[Batch, _Mapping]]] = ...) -> None: ...

class DescribeRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ServiceInfo(_message.Message):
    __slots__ = ("name", "version", "consumes", "emits", "language")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CONSUMES_FIELD_NUMBER: _ClassVar[int]
    EMITS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    consumes: _containers.RepeatedScalarFieldContainer[str]
    emits: _containers.RepeatedScalarFieldContainer[str]
    language: str
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., consumes: _Optional[_Iterable[str]] = ..., emits: _Optional[_Iterable[str]] = ..., language: _Optional[str] = ...) -> None: ...

class ResetRequest(_message.Message):
    __slots__ = ("config", "run_id")
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    config: str
    run_id: str
    def __init__(self, config: _Optional[str] = ..., run_id: _Optional[str] = ...) -> None: ...

class ResetReply(_message.Message):
    __slots__ = ("service", "session_id")
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    service: str
    session_id: str
    def __init__(self, service: _Optional[str] = ..., session_id: _Optional[str] = ...) -> None: ...
