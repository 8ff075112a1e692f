"""Strict scalar types the generated models use for the contracts' shared definitions.

datamodel-code-generator maps ``common/types.v1.json#/$defs/<Name>`` to these through ``--type-overrides``.
They exist because the generator's defaults are too loose for money: its ``Decimal`` accepts floats and writes
``1E+3``. Ours refuse floats, NaN, infinity and exponent notation, and always write plain notation.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from qtrader.libraries.numbers import plain

#: The shared types' definitions: their patterns are the one home of what a decimal, a timestamp, a date or an id
#: looks like. Every pattern is used with ``fullmatch`` (Python's ``$`` alone would also match before a final newline).
_TYPES: dict[str, Any] = json.loads(
    (resources.files("qtrader.contracts.generated") / "schemas" / "common" / "types.v1.json").read_text("utf-8"))["$defs"]

#: Any decimal written in plain notation, whatever its length (to tell decimal strings from other strings).
PLAIN_DECIMAL_RE = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_DECIMAL_RE = re.compile(_TYPES["Decimal"]["pattern"])
_MAX_FRACTION_DIGITS = 12
_MAX_INTEGER_DIGITS = 26


def _check_digits(value: Decimal, text: str) -> None:
    sign, digits, exponent = value.as_tuple()
    if TYPE_CHECKING:
        assert isinstance(exponent, int)  # the pattern matched: a finite decimal
    fraction_digits = max(0, -exponent)
    integer_digits = len(digits) + exponent if exponent < 0 else len(digits) + exponent
    if fraction_digits > _MAX_FRACTION_DIGITS:
        raise ValueError(f"decimal {text!r} has more than {_MAX_FRACTION_DIGITS} fraction digits")
    if value != 0 and integer_digits > _MAX_INTEGER_DIGITS:
        raise ValueError(f"decimal {text!r} has more than {_MAX_INTEGER_DIGITS} integer digits")


def parse_decimal(value: Any) -> Decimal:
    """Accept a Decimal or a plain-notation decimal string; refuse floats, ints, NaN, infinity and exponents."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"decimal must be finite, got {value}")
        _check_digits(value, str(value))
        return value
    if isinstance(value, str):
        if not _DECIMAL_RE.fullmatch(value):
            raise ValueError(
                f"decimal must be a string in plain notation like '123.45' (no exponent, NaN or Infinity, "
                f"at most 12 fraction digits), got {value!r}"
            )
        try:
            return Decimal(value)
        except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes these
            raise ValueError(f"not a decimal: {value!r}") from exc
    if isinstance(value, float):
        raise ValueError(f"decimal must be a string, not a float ({value!r}): floats are not exact")
    raise ValueError(f"decimal must be a string like '123.45', got {type(value).__name__} {value!r}")


def _non_negative(value: Any) -> Decimal:
    number = parse_decimal(value)
    if number < 0:
        raise ValueError(f"must be >= 0, got {plain(number)}")
    return number


def _positive(value: Any) -> Decimal:
    number = parse_decimal(value)
    if number <= 0:
        raise ValueError(f"must be > 0, got {plain(number)}")
    return number


_DECIMAL_SERIALIZER = PlainSerializer(plain, return_type=str)

StrictDecimal = Annotated[Decimal, BeforeValidator(parse_decimal), _DECIMAL_SERIALIZER,
                          WithJsonSchema({"type": "string", "pattern": _DECIMAL_RE.pattern})]
NonNegativeDecimal = Annotated[Decimal, BeforeValidator(_non_negative), _DECIMAL_SERIALIZER,
                               WithJsonSchema({"type": "string"})]
PositiveDecimal = Annotated[Decimal, BeforeValidator(_positive), _DECIMAL_SERIALIZER,
                            WithJsonSchema({"type": "string"})]

_TIMESTAMP_RE = re.compile(_TYPES["Timestamp"]["pattern"])


def parse_timestamp(value: Any) -> datetime:
    """An aware datetime, normalised to UTC. Strings must be RFC 3339 with an explicit offset."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"timestamp must carry a UTC offset, got naive {value.isoformat()}")
        return value.astimezone(timezone.utc)
    if isinstance(value, str):
        if not _TIMESTAMP_RE.fullmatch(value):
            raise ValueError(f"timestamp must be RFC 3339 like '2024-01-02T00:00:00Z', got {value!r}")
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValueError(f"not a valid timestamp: {value!r} ({exc})") from exc
        return parsed.astimezone(timezone.utc)
    raise ValueError(f"timestamp must be an RFC 3339 string, got {type(value).__name__} {value!r}")


def timestamp_to_str(value: datetime) -> str:
    """UTC with a Z, microseconds only when non-zero, so one instant has one spelling."""
    # isoformat leaves the fraction out when it is zero, as wanted; it is also much cheaper than strftime
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat() + "Z"


UtcTimestamp = Annotated[datetime, BeforeValidator(parse_timestamp), PlainSerializer(timestamp_to_str, return_type=str),
                         WithJsonSchema({"type": "string", "format": "date-time"})]

_DATE_RE = re.compile(_TYPES["Date"]["pattern"])


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"expected a date, got a datetime {value!r}")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"not a valid date: {value!r} ({exc})") from exc
    raise ValueError(f"date must be a string YYYY-MM-DD, got {value!r}")


IsoDate = Annotated[date, BeforeValidator(parse_date), PlainSerializer(date.isoformat, return_type=str),
                    WithJsonSchema({"type": "string", "format": "date"})]

_UUID_RE = re.compile(_TYPES["EventId"]["pattern"])


def parse_event_id(value: Any) -> str:
    if isinstance(value, str) and _UUID_RE.fullmatch(value):
        return value
    raise ValueError(f"id must be a lowercase UUID string, got {value!r}")


EventId = Annotated[str, BeforeValidator(parse_event_id), WithJsonSchema({"type": "string", "format": "uuid"})]
