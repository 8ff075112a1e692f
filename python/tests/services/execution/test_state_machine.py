"""The order state machine is a pure table: every legal move passes, every other one raises OrderStateError."""

from __future__ import annotations

import itertools

import pytest

from qtrader.contracts.generated.models.common.types_v1 import OrderStatus as S
from qtrader.errors import OrderStateError
from qtrader.services.execution import TRANSITIONS, check_transition, is_legal, is_terminal

# The intended machine, written out independently of the table in state_machine.py.
LEGAL = {
    (S.NEW, S.ACCEPTED), (S.NEW, S.REJECTED),
    (S.ACCEPTED, S.PARTIALLY_FILLED), (S.ACCEPTED, S.FILLED), (S.ACCEPTED, S.CANCELED), (S.ACCEPTED, S.EXPIRED),
    (S.PARTIALLY_FILLED, S.PARTIALLY_FILLED), (S.PARTIALLY_FILLED, S.FILLED),
    (S.PARTIALLY_FILLED, S.CANCELED), (S.PARTIALLY_FILLED, S.EXPIRED),
}


@pytest.mark.parametrize(("previous", "new"), sorted(itertools.product(S, S)))
def test_every_pair_is_legal_exactly_when_listed(previous: S, new: S) -> None:
    if (previous, new) in LEGAL:
        check_transition(previous, new, "o-1")
        assert is_legal(previous, new)
    else:
        assert not is_legal(previous, new)
        with pytest.raises(OrderStateError, match=f"o-1: illegal transition {previous} -> {new}"):
            check_transition(previous, new, "o-1")


def test_terminal_states_are_the_four_ends() -> None:
    assert {s for s in S if is_terminal(s)} == {S.FILLED, S.CANCELED, S.REJECTED, S.EXPIRED}
    assert set(TRANSITIONS) == set(S)


def test_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        TRANSITIONS[S.FILLED] = frozenset({S.NEW})  # type: ignore[index]
