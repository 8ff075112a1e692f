"""The checks a signal's fields pass where a user strategy hands them over (``ctx.emit_signal``).

A strategy is user code: what it sets is checked here, once per signal and only the fields it set, so that a
bad value is an error naming the strategy, the bar and the field, and never a contract-invalid line in the log.
The rules are the Signal contract's (contracts/schemas/strategy/signal.v1.json): decimals as the contract
spells them (at most 26 integer and 12 fraction digits), prices and quantities positive, confidence 0..1.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

#: field -> (lowest, whether the lowest is allowed, highest or None)
_RANGES: dict[str, tuple[Decimal, bool, Decimal | None]] = {
    "price": (Decimal(0), True, None),
    "confidence": (Decimal(0), True, Decimal(1)),
    "target_weight": (Decimal(0), True, None),
    "stop_loss": (Decimal(0), False, None),
    "take_profit": (Decimal(0), False, None),
    "target_quantity": (Decimal(0), False, None),
    "limit_price": (Decimal(0), False, None),
    "stop_price": (Decimal(0), False, None),
}
MAX_INTEGER_DIGITS = 26
MAX_FRACTION_DIGITS = 12


class SignalFieldError(ValueError):
    """One field of one signal is wrong; the service adds the strategy and the bar."""

    def __init__(self, field: str, value: Any, rule: str) -> None:
        shown = repr(value)
        super().__init__(f"signal field {field} = {shown[:60]}{'...' if len(shown) > 60 else ''}: {rule}")


def decimal_field(field: str, value: Any) -> Decimal:
    """A signal's decimal field: a Decimal, an int or a decimal string, finite, in the contract's range."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, str)) and not isinstance(value, bool):
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise SignalFieldError(field, value, "not a decimal number") from None
    else:
        raise SignalFieldError(field, value, f"must be a Decimal, an int or a decimal string, not "
                                             f"{type(value).__name__} (money and quantities are never floats)")
    if not number.is_finite():
        raise SignalFieldError(field, value, "must be a finite number")
    low, low_allowed, high = _RANGES[field]
    if number < low or (number == low and not low_allowed) or (high is not None and number > high):
        rule = f"must be from {low} to {high}" if high is not None else \
            f"must be {'>=' if low_allowed else '>'} {low}"
        raise SignalFieldError(field, value, rule)
    if number and number.adjusted() >= MAX_INTEGER_DIGITS:
        raise SignalFieldError(field, value, f"has more than {MAX_INTEGER_DIGITS} integer digits")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_FRACTION_DIGITS:
        raise SignalFieldError(field, value, f"has more than {MAX_FRACTION_DIGITS} fraction digits; round it "
                                             "(value.quantize(Decimal('0.0001')))")
    return number


def enum_field(field: str, value: Any, enum: type[Enum]) -> Any:
    """One of an enum's values, given as its name (a string) or the member itself."""
    try:
        return enum(value)
    except ValueError:
        raise SignalFieldError(field, value, f"must be one of {', '.join(m.value for m in enum)}") from None


def lot_ids_field(value: Any) -> list[str]:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise SignalFieldError("lot_ids", value, "must be a list of lot ids")
    ids = list(value)
    if not ids or not all(isinstance(i, str) and i for i in ids) or len(set(ids)) != len(ids):
        raise SignalFieldError("lot_ids", value, "must be a non-empty list of distinct lot ids (strings)")
    return ids
