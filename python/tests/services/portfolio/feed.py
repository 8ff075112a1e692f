"""Test helper: builds valid input events (PriceBar, Fill, CorporateAction) with deterministic ids."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from qtrader.contracts.generated.models.common.types_v1 import CorporateActionType, Side
from qtrader.contracts.generated.models.data.corporate_action_v1 import CorporateAction
from qtrader.contracts.generated.models.data.price_bar_v1 import PriceBar
from qtrader.contracts.generated.models.execution.fill_v1 import Fill

RUN = "3f1c2a9e-6b7d-5e21-9c4a-0d2b8e7f6a10"
START = date(2024, 1, 1)


def D(value) -> Decimal:
    return Decimal(str(value))


def day(n: int) -> date:
    return START + timedelta(days=n)


def at(n: int, hour: int = 0) -> datetime:
    d = day(n)
    return datetime(d.year, d.month, d.day, hour, tzinfo=timezone.utc)


class Feed:
    """Makes events; ``validate=True`` builds them through the contract (slower, proves they are valid)."""

    def __init__(self, validate: bool = True, name: str = "feed") -> None:
        self.validate = validate
        self.namespace = uuid.uuid5(uuid.NAMESPACE_DNS, name)
        self.count = 0

    def _id(self) -> str:
        self.count += 1
        return str(uuid.uuid5(self.namespace, str(self.count)))

    def _make(self, cls, **fields):
        fields = {k: v for k, v in fields.items() if v is not None}
        if self.validate:
            return cls.model_validate(fields)
        return cls.trusted(**fields)

    def bar(self, symbol: str, n: int, close, *, hour: int = 0, currency: str | None = None) -> PriceBar:
        price = D(close)
        return self._make(PriceBar, event_id=self._id(), occurred_at=at(n, hour), source_service="data",
                          correlation_id=RUN, symbol=symbol, timeframe="1d", open=price, high=price, low=price,
                          close=price, volume=D(1000), adjusted=False, currency=currency)

    def fill(self, symbol: str, n: int, side: str, quantity, price, commission="0", *, hour: int = 0,
             lot_ids=None, currency: str | None = None) -> Fill:
        fill_id = self._id()
        return self._make(Fill, event_id=self._id(), occurred_at=at(n, hour), source_service="execution",
                          correlation_id=RUN, causation_id=self._id(), fill_id=fill_id, order_id=self._id(),
                          intent_id=self._id(), strategy_id="test", symbol=symbol, side=Side(side),
                          quantity=D(quantity), price=D(price), commission=D(commission), slippage=D(0),
                          is_partial=False, currency=currency, lot_ids=list(lot_ids) if lot_ids else None)

    def split(self, symbol: str, n: int, to, frm, *, ex: int | None = None) -> CorporateAction:
        return self._make(CorporateAction, event_id=self._id(), occurred_at=at(n), source_service="data",
                          correlation_id=RUN, symbol=symbol, action_type=CorporateActionType.SPLIT,
                          ex_date=day(n if ex is None else ex), split_to=D(to), split_from=D(frm))

    def dividend(self, symbol: str, n: int, amount, pay: int, *, ex: int | None = None,
                 currency: str | None = None) -> CorporateAction:
        return self._make(CorporateAction, event_id=self._id(), occurred_at=at(n), source_service="data",
                          correlation_id=RUN, symbol=symbol, action_type=CorporateActionType.CASH_DIVIDEND,
                          ex_date=day(n if ex is None else ex), cash_amount=D(amount), pay_date=day(pay),
                          currency=currency)
