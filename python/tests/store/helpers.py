"""Events made up for the store tests: numbered, typed and tagged with the run that wrote them."""

from __future__ import annotations

from qtrader.store import EventRow

TYPES = ("PriceBar", "PortfolioState", "Signal", "Order", "Fill")


def make_rows(first: int, count: int, tag: str = "run") -> list[EventRow]:
    return [EventRow(seq, TYPES[seq % len(TYPES)], f"{tag}-{seq}",
                     b'{"event_type":"%s","run":"%s","seq":%d}' % (TYPES[seq % len(TYPES)].encode(), tag.encode(), seq))
            for seq in range(first, first + count)]
