"""The order state machine as a pure transition table.

NEW → ACCEPTED → PARTIALLY_FILLED → FILLED, or CANCELED / REJECTED / EXPIRED. Every transition the service makes
goes through ``check_transition``; an illegal one is a bug and raises OrderStateError instead of emitting an
OrderUpdate that would break the audit trail.
"""

from __future__ import annotations

from types import MappingProxyType

from qtrader.contracts.generated.models.common.types_v1 import OrderStatus
from qtrader.errors import OrderStateError

S = OrderStatus

#: status -> statuses it may move to. Terminal statuses map to the empty set.
TRANSITIONS = MappingProxyType({
    S.NEW: frozenset({S.ACCEPTED, S.REJECTED}),
    S.ACCEPTED: frozenset({S.PARTIALLY_FILLED, S.FILLED, S.CANCELED, S.EXPIRED}),
    S.PARTIALLY_FILLED: frozenset({S.PARTIALLY_FILLED, S.FILLED, S.CANCELED, S.EXPIRED}),
    S.FILLED: frozenset(),
    S.CANCELED: frozenset(),
    S.REJECTED: frozenset(),
    S.EXPIRED: frozenset(),
})

TERMINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets)


def is_terminal(status: OrderStatus) -> bool:
    return status in TERMINAL


def is_legal(previous: OrderStatus, new: OrderStatus) -> bool:
    return new in TRANSITIONS.get(previous, frozenset())


def check_transition(previous: OrderStatus, new: OrderStatus, order_id: str = "?") -> None:
    """Raise OrderStateError unless ``previous -> new`` is in the table."""
    if not is_legal(previous, new):
        allowed = ", ".join(sorted(TRANSITIONS.get(previous, ()))) or "nothing (terminal state)"
        raise OrderStateError(
            f"order {order_id}: illegal transition {previous} -> {new}; from {previous} the order may move to "
            f"{allowed}. This is a bug in the execution service: report it with the order's event log."
        )
