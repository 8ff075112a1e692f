"""Properties over random bar sequences and random orders (brackets, OCO groups and cancels included)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qtrader.contracts.generated.models.common.types_v1 import OrderStatus as S
from qtrader.contracts.generated.models.data.price_bar_v1 import PriceBar
from qtrader.contracts.generated.models.execution.fill_v1 import Fill
from qtrader.contracts.generated.models.execution.order_update_v1 import OrderUpdate
from qtrader.services.execution import is_legal, is_terminal

from .helpers import Harness, bar, cancel, day, order

D = Decimal
CENT = D("0.01")


@st.composite
def bars(draw: st.DrawFn) -> list[tuple[str, str, str, str]]:
    """(open, high, low, volume) in cents, a random walk so that limits and stops are sometimes reached."""
    out, level = [], draw(st.integers(9000, 11000))
    for _ in range(draw(st.integers(2, 10))):
        level = max(200, level + draw(st.integers(-800, 800)))
        low = level - draw(st.integers(0, 600))
        high = level + draw(st.integers(0, 600))
        open_ = draw(st.integers(max(low, 1), high))
        low = max(low, 1)
        volume = draw(st.sampled_from([0, 5, 100, 1000, 5000]))
        out.append((str(open_ * CENT), str(high * CENT), str(low * CENT), str(volume)))
    return out


@st.composite
def order_specs(draw: st.DrawFn, n_bars: int) -> list[dict]:
    specs = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["MARKET", "LIMIT", "STOP", "STOP_LIMIT", "TRAILING_STOP"]))
        price = lambda: str(draw(st.integers(5000, 15000)) * CENT)  # noqa: E731
        fields: dict = {"order_type": kind, "side": draw(st.sampled_from(["BUY", "SELL"])),
                        "time_in_force": draw(st.sampled_from(["DAY", "GTC", "IOC", "FOK"])),
                        "quantity": str(draw(st.integers(-1, 400)))}
        if kind in ("LIMIT", "STOP_LIMIT"):
            fields["limit_price"] = price()
        if kind in ("STOP", "STOP_LIMIT"):
            fields["stop_price"] = price()
        if kind == "TRAILING_STOP":
            if draw(st.booleans()):
                fields["trail_amount"] = str(draw(st.integers(1, 1000)) * CENT)
            else:
                fields["trail_percent"] = str(draw(st.integers(1, 30)))
        specs.append({
            "at": draw(st.integers(0, n_bars - 1)),
            "fields": fields,
            "oco": draw(st.sampled_from([None, None, "g1", "g2"])),
            "parent": draw(st.sampled_from([None, None, 0, 1])),  # index of an earlier order
            "cancel_at": draw(st.sampled_from([None, None, None, *range(n_bars)])),
        })
    return specs


@dataclass
class Tracked:
    quantity: Decimal
    limit: Decimal | None
    side: str
    order_type: str
    received: datetime
    statuses: list[S] = field(default_factory=list)
    filled: Decimal = D(0)


def run(bar_specs: list, specs: list, config: dict) -> None:
    h = Harness(config)
    participation = D(config["participation"]) if "participation" in config else None
    tracked: dict[str, Tracked] = {}
    ids: list[str] = []

    def check(events: list, current: PriceBar | None) -> None:
        per_order_on_bar: dict[str, Decimal] = {}
        pending_fill: Fill | None = None
        for event in events:
            if isinstance(event, Fill):
                t = tracked[event.order_id]
                assert current is not None, "fills only happen on bars"
                rule_price = event.price - event.slippage if event.side == "BUY" else event.price + event.slippage
                assert event.slippage >= 0
                assert current.low <= rule_price <= current.high
                assert current.occurred_at > t.received, "nothing fills on the bar the order arrived on"
                if t.limit is not None and t.order_type in ("LIMIT", "STOP_LIMIT"):
                    assert rule_price <= t.limit if t.side == "BUY" else rule_price >= t.limit
                t.filled += event.quantity
                assert t.filled <= t.quantity
                per_order_on_bar[event.order_id] = per_order_on_bar.get(event.order_id, D(0)) + event.quantity
                if participation is not None:
                    cap = (participation * current.volume).quantize(D(1), rounding=ROUND_FLOOR)
                    assert per_order_on_bar[event.order_id] <= cap
                assert event.is_partial is (t.filled < t.quantity)
                pending_fill = event
            else:
                assert isinstance(event, OrderUpdate)
                t = tracked[event.order_id]
                if pending_fill is not None:  # the update right after a fill is that fill's
                    assert event.order_id == pending_fill.order_id
                    assert event.status in (S.PARTIALLY_FILLED, S.FILLED)
                    pending_fill = None
                if not t.statuses:
                    assert event.status == S.NEW and event.previous_status is None
                else:
                    assert event.previous_status == t.statuses[-1]
                    assert is_legal(t.statuses[-1], event.status), (t.statuses, event.status)
                t.statuses.append(event.status)
                assert event.filled_quantity == t.filled
                if event.status == S.FILLED:
                    assert event.remaining_quantity == 0
        assert pending_fill is None

    h.send(bar(day(1), "100", "100", "100"))
    for i, (o, hi, lo, v) in enumerate(bar_specs):
        at = day(2 + i)
        current = bar(at, o, hi, lo, v=v)
        check(h.send(current), current)
        for spec in specs:
            if spec["at"] != i:
                continue
            fields = dict(spec["fields"])
            if spec["oco"]:
                fields["oco_group_id"] = spec["oco"]
            if spec["parent"] is not None and spec["parent"] < len(ids):
                fields["parent_order_id"] = ids[spec["parent"]]
            o_ = order(at, **fields)
            limit = D(fields["limit_price"]) if "limit_price" in fields else None
            tracked[o_.order_id] = Tracked(D(fields["quantity"]), limit, fields["side"], fields["order_type"],
                                           o_.occurred_at)
            ids.append(o_.order_id)
            check(h.send(o_), None)
        for index, spec in enumerate(specs):
            if spec["cancel_at"] == i and index < len(ids):
                check(h.send(cancel(at, ids[index])), None)

    for order_id, t in tracked.items():
        state = h.state(order_id)
        assert state.status == t.statuses[-1]
        assert state.filled_quantity == t.filled
        # exactly one terminal state, at the end; otherwise still working (or dormant)
        assert sum(is_terminal(s) for s in t.statuses) <= 1
        assert is_terminal(state.status) or state.working or state.dormant
        assert not any(is_terminal(s) for s in t.statuses[:-1])


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list, list, dict]:
    bar_specs = draw(bars())
    specs = draw(order_specs(len(bar_specs)))
    config: dict = {}
    participation = draw(st.sampled_from([None, "0.1", "0.5", "1"]))
    if participation:
        config["participation"] = participation
    return bar_specs, specs, config


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_fills_stay_in_the_bar_respect_limits_caps_and_the_state_machine(scenario: tuple) -> None:
    run(*scenario)


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.sampled_from([{"model": "random", "bps": "50", "seed": 11},
                                     {"model": "fixed_bps", "bps": "25"},
                                     {"model": "volume_share", "impact": "0.2", "max_bps": "80", "bps": "1"}]))
def test_slippage_is_always_adverse_and_removing_it_gives_a_price_in_the_bar(scenario: tuple, slip: dict) -> None:
    bar_specs, specs, config = scenario
    run(bar_specs, specs, {**config, "slippage": slip})
