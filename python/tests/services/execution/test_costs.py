"""Slippage and commission models, each checked against hand-worked numbers."""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest

from qtrader.errors import ConfigError
from qtrader.services.execution import ExecutionService

from .helpers import Harness, bar, day, fills, order

D = Decimal


def fill_of(config: dict, side: str = "BUY", open_: str = "100", quantity: str = "100", volume: str = "1000000",
            high: str | None = None, low: str | None = None) -> object:
    h = Harness(config)
    h.send(bar(day(2), "100", "101", "99"))
    h.send(order(day(2), side=side, quantity=quantity))
    return fills(h.send(bar(day(3), open_, high or open_, low or open_, v=volume)))[0]


class TestSlippage:
    def test_none_by_default(self) -> None:
        f = fill_of({})
        assert (f.price, f.slippage) == (D(100), D(0))

    def test_fixed_bps_is_adverse_on_both_sides(self) -> None:
        # 100 * 10 / 10000 = 0.1
        buy = fill_of({"slippage": {"model": "fixed_bps", "bps": "10"}})
        sell = fill_of({"slippage": {"model": "fixed_bps", "bps": "10"}}, side="SELL")
        assert (buy.price, buy.slippage) == (D("100.1"), D("0.1"))
        assert (sell.price, sell.slippage) == (D("99.9"), D("0.1"))

    def test_rounded_to_price_decimals_half_even(self) -> None:
        # 101.01 * 7 / 10000 = 0.070707; buy 101.080707 -> 101.08, sell 100.939293 -> 100.94 (2 places)
        cfg = {"slippage": {"model": "fixed_bps", "bps": 7}, "price_decimals": 2}
        buy = fill_of(cfg, open_="101.01")
        sell = fill_of(cfg, side="SELL", open_="101.01")
        assert (buy.price, buy.slippage) == (D("101.08"), D("0.07"))
        assert (sell.price, sell.slippage) == (D("100.94"), D("0.07"))
        # with the default 6 places the exact slipped price is kept
        assert fill_of({"slippage": {"model": "fixed_bps", "bps": 7}}, open_="101.01").price == D("101.080707")

    def test_rounding_never_turns_in_the_orders_favour(self) -> None:
        cfg = {"slippage": {"model": "fixed_bps", "bps": "0.1"}, "price_decimals": 2}
        # buy: move 100.004 * 0.1 / 10000 = 0.00100004; 100.00500004 -> 100.01 (>= rule 100.004: kept)
        assert fill_of(cfg, open_="100.004", high="101", low="100").price == D("100.01")
        # sell: 100.004 - 0.00100004 = 100.00299996 -> 100.00 (<= rule: kept)
        assert fill_of(cfg, side="SELL", open_="100.004", high="101", low="100").price == D("100.00")
        # buy 100.0149 at 0.001 bps: move 0.0000100015; 100.0149100015 -> 100.01 would be BELOW the rule price,
        # so the rule price is kept and the slippage is 0
        tiny = fill_of({"slippage": {"model": "fixed_bps", "bps": "0.001"}, "price_decimals": 2},
                       open_="100.0149", high="101", low="100")
        assert (tiny.price, tiny.slippage) == (D("100.0149"), D(0))
        # sell 100.0151 at 0.001 bps: 100.0150899... -> 100.02 would be ABOVE the rule: rule price kept
        tiny = fill_of({"slippage": {"model": "fixed_bps", "bps": "0.001"}, "price_decimals": 2},
                       side="SELL", open_="100.0151", high="101", low="100")
        assert (tiny.price, tiny.slippage) == (D("100.0151"), D(0))

    def test_volume_share(self) -> None:
        # 100 of 10000: share 0.01 -> 0.1 * 0.01 * 10000 = 10 bps -> 100 * 1.001 = 100.1
        cfg = {"slippage": {"model": "volume_share", "impact": "0.1", "max_bps": "50"}}
        assert fill_of(cfg, volume="10000").price == D("100.1")
        # 100 of 1000: share 0.1 -> 100 bps, capped at 50 -> 100.5
        assert fill_of(cfg, volume="1000").price == D("100.5")
        # base bps 2 + 10 = 12 bps -> 100.12; sell 99.88
        cfg["slippage"]["bps"] = "2"
        assert fill_of(cfg, volume="10000").price == D("100.12")
        assert fill_of(cfg, side="SELL", volume="10000").price == D("99.88")
        # volume 0: share 1 -> 1000 bps, capped at 50
        cfg = {"slippage": {"model": "volume_share", "impact": "0.1", "max_bps": "50"}}
        assert fill_of(cfg, volume="0").price == D("100.5")

    def test_random_is_seeded_and_uniform_on_the_grid(self) -> None:
        # independent computation: bps = 20 * k / 10000 with k from random.Random(7).randint(0, 10000)
        rng = random.Random(7)
        expected = []
        for _ in range(3):
            k = rng.randint(0, 10000)
            expected.append(D(100) + D(100) * (D(20) * k / D(10000)) / D(10000))
        cfg = {"slippage": {"model": "random", "bps": "20", "seed": 7}}
        h = Harness(cfg)
        h.send(bar(day(2), "100", "101", "99"))
        orders = [order(day(2)) for _ in range(3)]
        for o in orders:
            h.send(o)
        got = [f.price for f in fills(h.send(bar(day(3), "100", "101", "99")))]
        assert got == expected
        assert all(D(100) <= p <= D("100.2") for p in got)
        # reset reseeds: the same run again gives the same prices
        h.service.reset(cfg, h.service.run_id)
        h.send(bar(day(2), "100", "101", "99"))
        for o in orders:
            h.send(o)
        assert [f.price for f in fills(h.send(bar(day(3), "100", "101", "99")))] == got


class TestCommission:
    def test_per_share_with_minimum_and_maximum(self) -> None:
        cfg = {"commission": {"model": "per_share", "rate": "0.005", "minimum": "1", "maximum": "20"}}
        assert fill_of(cfg, quantity="300").commission == D("1.5")  # 300 * 0.005
        assert fill_of(cfg, quantity="100").commission == D(1)  # 0.5 -> minimum 1
        assert fill_of(cfg, quantity="10000").commission == D(20)  # 50 -> maximum 20

    @pytest.mark.parametrize("quantity, expected", [("1001", "5.00"), ("1003", "5.02"), ("1000", "5.00")])
    def test_half_cent_ties_round_half_even(self, quantity: str, expected: str) -> None:
        # 0.005 x 1001 = 5.005 -> 5.00 (half-up would give 5.01); 0.005 x 1003 = 5.015 -> 5.02 (half-down: 5.01)
        cfg = {"commission": {"model": "per_share", "rate": "0.005", "minimum": "1", "decimals": 2}}
        assert str(fill_of(cfg, quantity=quantity).commission) == expected

    def test_per_order_charged_on_the_first_fill_only(self) -> None:
        # cap floor(0.1 * 1000) = 100: two fills of 100; the minimum applies to the charged (first) fill
        h = Harness({"participation": "0.1",
                     "commission": {"model": "per_order", "rate": "1.5", "minimum": "2"}})
        h.send(bar(day(2), "100", "101", "99"))
        h.send(order(day(2), quantity="200"))
        first = fills(h.send(bar(day(3), "100", "101", "99", v="1000")))[0]
        second = fills(h.send(bar(day(4), "100", "101", "99", v="1000")))[0]
        assert (first.commission, second.commission) == (D(2), D(0))

    def test_percent_of_notional(self) -> None:
        # 100 * 101.01 * 0.1 / 100 = 10.101; with decimals 2 (HALF_EVEN) 10.10
        cfg = {"commission": {"model": "percent", "rate": "0.1"}}
        assert fill_of(cfg, open_="101.01").commission == D("10.101")
        cfg["commission"]["decimals"] = 2
        assert fill_of(cfg, open_="101.01").commission == D("10.10")

    def test_percent_uses_the_slipped_price(self) -> None:
        # price 100.1 (10 bps): 100 * 100.1 * 1 / 100 = 100.1
        cfg = {"commission": {"model": "percent", "rate": "1"}, "slippage": {"model": "fixed_bps", "bps": "10"}}
        assert fill_of(cfg).commission == D("100.1")

    def test_tiered_marginal_per_unit(self) -> None:
        tiers = [{"up_to": "300", "rate": "0.0035"}, {"up_to": "3000", "rate": "0.002"}, {"rate": "0.0015"}]
        cfg = {"commission": {"model": "tiered", "tiers": tiers}}
        # 300 * 0.0035 + 2700 * 0.002 + 2000 * 0.0015 = 1.05 + 5.4 + 3 = 9.45
        assert fill_of(cfg, quantity="5000").commission == D("9.45")
        assert fill_of(cfg, quantity="200").commission == D("0.7")  # 200 * 0.0035
        # with a minimum of 1: 0.7 -> 1; with a maximum of 5: 9.45 -> 5
        cfg["commission"].update(minimum="1", maximum="5")
        assert fill_of(cfg, quantity="200").commission == D(1)
        assert fill_of(cfg, quantity="5000").commission == D(5)

    def test_tiered_beyond_the_last_bounded_tier_pays_its_rate(self) -> None:
        # 100 * 0.01 + 100 * 0.005 + 100 * 0.005 = 1 + 0.5 + 0.5 = 2
        tiers = [{"up_to": 100, "rate": "0.01"}, {"up_to": 200, "rate": "0.005"}]
        assert fill_of({"commission": {"model": "tiered", "tiers": tiers}}, quantity="300").commission == D(2)

    def test_yaml_floats_read_as_written(self) -> None:
        # a YAML 0.005 arrives as a float; it is read as Decimal("0.005"), not 0.005000000000000000104...
        service = ExecutionService({"commission": {"model": "per_share", "rate": 0.005}})
        assert service.config.commission.rate == D("0.005")


@pytest.mark.parametrize(("config", "message"), [
    ({"slippage": {"model": "fixed_bps"}}, "execution.slippage.bps: is required when model is fixed_bps"),
    ({"slippage": {"model": "fixed_bps", "bps": "5", "seed": 1}},
     "execution.slippage.seed: is not allowed when model is fixed_bps"),
    ({"slippage": {"model": "volume_share", "impact": "0.1"}},
     "execution.slippage.max_bps: is required when model is volume_share"),
    ({"slippage": {"model": "fixed_bps", "bps": "10000"}}, "execution.slippage.bps: must be < 10000"),
    ({"slippage": {"model": "fixed_bps", "bps": "-1"}}, "execution.slippage.bps: must be >= 0"),
    ({"slippage": {"model": "fixed", "bps": "1"}},
     "execution.slippage.model: must be one of none, fixed_bps, volume_share, random"),
    ({"slippage": {"model": "fixed_bps", "bps": "nan"}}, 'execution.slippage.bps: must be a decimal number like "0.5"'),
    ({"commission": {"model": "per_share"}}, "execution.commission.rate: is required when model is per_share"),
    ({"commission": {"model": "per_share", "rate": "-0.1"}}, "execution.commission.rate: must be >= 0"),
    ({"commission": {"model": "per_share", "rate": "1", "minimum": "5", "maximum": "2"}},
     "execution.commission.maximum: must be >= minimum (5), got 2"),
    ({"commission": {"model": "tiered", "tiers": [{"rate": "1"}, {"up_to": 5, "rate": "1"}]}},
     "execution.commission.tiers[0].up_to: may be left out only in the last item"),
    ({"commission": {"model": "tiered", "tiers": [{"up_to": 5, "rate": "1"}, {"up_to": 5, "rate": "1"}]}},
     "execution.commission.tiers[1].up_to: must be greater than 5, got 5"),
    ({"commission": {"model": "tiered", "rate": "1", "tiers": [{"rate": "1"}]}},
     "execution.commission.rate: is not allowed when model is tiered"),
    ({"participation": "0"}, "execution.participation: must be > 0"),
    ({"participation": "1.5"}, "execution.participation: must be <= 1"),
    ({"price_decimals": 13}, "execution.price_decimals: must be <= 12"),
    ({"slipage": {}}, "execution.slipage: unknown key"),
    ({"commission": {"model": "none", "rat": 1}}, "execution.commission.rat: unknown key"),
])
def test_config_errors_name_the_key(config: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        ExecutionService(config)
