"""The equity curve kept columnar while the run goes: a million points must not be a million Python tuples.

The reporting service buffers the points of the current chunk as plain tuples (``rows.state_point``, cheap on the
hot path) and every ``chunk_size`` points freezes the chunk: each decimal column becomes ONE string, the ``str`` of
every Decimal joined by newlines (exact: ``Decimal(str(d))`` has d's value and exponent, so the CSV text is
unchanged), and the exposure flags become bytes; the timestamps stay a list of the states' own datetimes (turning
them into int64 stamps here would cost the run about a third of the freezing time, for 48 bytes a point).
About 110 bytes a point instead of about 400.

States normally come in time order (the bus publishes them so). Out of order, ``ordered_chunks`` sorts the whole
curve and holds it as Python strings while it does: correct, but without the memory bound above.

``ordered_chunks`` gives the frozen chunks back in time order with one point per timestamp (the last state there)
and ``decode`` turns one into what the report derives from: timestamps, the decimal texts, Decimal equity.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np

DEFAULT_CHUNK_SIZE = 65_536
#: The decimal columns of a point, in order (after the timestamp).
DECIMAL_COLUMNS: tuple[str, ...] = ("cash", "market_value", "equity", "gross_exposure", "leverage")

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_US = timedelta(microseconds=1)
_TIME = itemgetter(0)
_DECIMALS = tuple(itemgetter(k) for k in range(1, 6))
_EXPOSED = itemgetter(6)


class Chunk(NamedTuple):
    """Consecutive points of the curve, frozen."""

    times: list[datetime]  # the states' timestamps (aware, UTC)
    columns: tuple[str, ...]  # per DECIMAL_COLUMNS: str() of each point's Decimal, joined by "\n"
    exposed: bytes  # the number of open positions (0: none non-zero; capped at 255), see rows.state_point


def datetime_of(micros: int) -> datetime:
    """The aware UTC datetime of microseconds since the epoch."""
    return _EPOCH + _US * micros


def _micros_of(t: datetime) -> int:
    if t.tzinfo is None or t.utcoffset() is None:  # out of contract (states carry UTC): taken as UTC
        t = t.replace(tzinfo=timezone.utc)
    return (t - _EPOCH) // _US


def to_micros(times: Sequence[datetime]) -> array[int]:
    """Exact int64 microseconds since the epoch of aware datetimes."""
    try:
        return array("q", [(t - _EPOCH) // _US for t in times])
    except TypeError:
        return array("q", [_micros_of(t) for t in times])


def _joined_text(values: Iterator[Decimal]) -> str:
    """The ``str`` of each value, joined by newlines. Consecutive states often share a Decimal object (the cash
    while nothing trades, everything while flat): its text is made once (this is the costly part)."""
    out: list[str] = []
    append = out.append
    prev = None
    text = ""
    for value in values:
        if value is not prev:
            prev = value
            text = str(value)
        append(text)
    return "\n".join(out)


def freeze(points: Sequence[tuple[Any, ...]]) -> Chunk:
    """A chunk of StatePoints (see ``rows.state_point``), each already final (one per timestamp)."""
    return Chunk(
        list(map(_TIME, points)),
        tuple(_joined_text(map(get, points)) for get in _DECIMALS),
        bytes(map(_EXPOSED, points)),
    )


def ordered_chunks(frozen: Sequence[Chunk], open_points: Sequence[tuple[Any, ...]], in_order: bool,
                   chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[Chunk]:
    """The curve in time order, one point per timestamp: the frozen chunks then the open one as they are when
    the states came in time order (a repeated timestamp already replaced its point), else every point sorted by
    time keeping the last state that arrived for each timestamp (re-chunked by ``chunk_size``)."""
    if in_order:
        yield from frozen
        if open_points:
            yield freeze(open_points)
        return
    chunks = [*frozen, freeze(open_points)] if open_points else list(frozen)
    stamps = np.concatenate([np.frombuffer(to_micros(c.times), dtype=np.int64) for c in chunks])
    n = len(stamps)
    order = np.lexsort((np.arange(n), stamps))  # by time, then by arrival
    ordered = stamps[order]
    last = np.ones(n, dtype=bool)
    last[:-1] = ordered[:-1] != ordered[1:]  # the last arrival of each timestamp
    keep = order[last]
    columns = [[text for c in chunks for text in c.columns[k].split("\n")] for k in range(len(DECIMAL_COLUMNS))]
    exposed = b"".join(c.exposed for c in chunks)
    times = [t for c in chunks for t in c.times]
    del chunks
    for start in range(0, len(keep), chunk_size):
        sel = keep[start:start + chunk_size].tolist()
        yield Chunk(
            [times[i] for i in sel],
            tuple("\n".join([col[i] for i in sel]) for col in columns),
            bytes(exposed[i] for i in sel),
        )


class Decoded(NamedTuple):
    """One chunk as the report derives from it."""

    micros: array[int]  # int64 microseconds since 1970-01-01 UTC
    times: list[datetime]
    texts: list[list[str]]  # per DECIMAL_COLUMNS
    equity: list[Decimal]
    exposed: bytes


def decode(chunk: Chunk) -> Decoded:
    texts = [column.split("\n") for column in chunk.columns]
    return Decoded(to_micros(chunk.times), chunk.times, texts, list(map(Decimal, texts[2])), chunk.exposed)


def timestamp_texts(micros: array[int]) -> list[str]:
    """``timestamp_to_str`` of each stamp (UTC, a Z, the fraction only when non-zero), vectorised."""
    stamps = np.frombuffer(micros, dtype=np.int64)
    values = stamps.view("M8[us]")
    out = [s + "Z" for s in np.datetime_as_string(values, unit="s").tolist()]
    fractional = np.flatnonzero(stamps % 1_000_000)
    if len(fractional):
        for i, text in zip(fractional.tolist(), np.datetime_as_string(values[fractional], unit="us").tolist()):
            out[i] = text + "Z"
    return out


def month_keys(micros: array[int]) -> tuple[list[tuple[int, int]], list[int]]:
    """For sorted stamps: the (year, month) of each UTC month present and the index of its last point."""
    stamps = np.frombuffer(micros, dtype=np.int64)
    if not len(stamps):
        return [], []
    months = stamps.view("M8[us]").astype("M8[M]").astype(np.int64)  # months since 1970-01, floored
    ends = np.flatnonzero(months[1:] != months[:-1]).tolist() + [len(months) - 1]
    keys = [(1970 + int(m) // 12, int(m) % 12 + 1) for m in months[ends].tolist()]
    return keys, ends
