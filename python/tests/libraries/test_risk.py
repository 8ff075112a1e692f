"""Tests of the pure risk library: hand-worked sizing and limit examples, boundaries, bad inputs, properties."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, Context, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qtrader.libraries.risk import (
    LIMITS,
    POSITIVE_EQUITY,
    PortfolioView,
    ProposedTrade,
    equal_weight,
    fixed_fraction,
    fixed_quantity,
    increases_exposure,
    kelly_fraction,
    kelly_quantity,
    run_checks,
    volatility_target,
)

D = Decimal


# --------------------------------------------------------------------------------------------- sizing


class TestFixedQuantity:
    def test_returns_the_quantity(self) -> None:
        assert fixed_quantity(D(157)) == D(157)

    def test_rounds_down_to_whole_shares_and_lots(self) -> None:
        assert fixed_quantity(D("157.9")) == D(157)  # never 158
        assert fixed_quantity(D(157), lot_size=D(100)) == D(100)  # 1 lot of 100; 57 left over
        assert fixed_quantity(D("1.75"), lot_size=D("0.5")) == D("1.5")  # 3 half-shares

    def test_zero(self) -> None:
        assert fixed_quantity(D(0)) == 0

    def test_bad_inputs_name_the_argument(self) -> None:
        with pytest.raises(ValueError, match=r"^quantity\b"):
            fixed_quantity(D(-1))
        with pytest.raises(ValueError, match=r"^lot_size\b"):
            fixed_quantity(D(10), lot_size=D(0))
        with pytest.raises(TypeError, match=r"^quantity\b"):
            fixed_quantity(10.0)  # type: ignore[arg-type]


class TestFixedFraction:
    def test_hand_worked(self) -> None:
        # 100000 * 0.10 = 10000 budget; 10000 / 33 = 303.03 -> 303 shares (303 * 33 = 9999 <= 10000)
        assert fixed_fraction(D(100000), D("0.10"), D(33)) == D(303)

    def test_exact_fit_is_not_reduced(self) -> None:
        # 100000 * 0.25 = 25000; 25000 / 250 = 100 exactly -> 100, spending the whole budget
        assert fixed_fraction(D(100000), D("0.25"), D(250)) == D(100)

    def test_never_rounds_up(self) -> None:
        # 999.99 * 1 / 10 = 99.999 -> 99 (100 shares would cost 1000 > 999.99)
        assert fixed_fraction(D("999.99"), D(1), D(10)) == D(99)

    def test_lot_size(self) -> None:
        # 10000 / 33 = 303.03 shares -> 3 lots of 100 = 300
        assert fixed_fraction(D(100000), D("0.10"), D(33), lot_size=D(100)) == D(300)
        # 1000 * 0.1 = 100; 100 / 40 = 2.5 -> 2 whole shares, or 5 half-share lots = 2.5
        assert fixed_fraction(D(1000), D("0.1"), D(40)) == D(2)
        assert fixed_fraction(D(1000), D("0.1"), D(40), lot_size=D("0.5")) == D("2.5")

    @pytest.mark.parametrize(
        ("equity", "price"),
        [(D(100000), D(0)), (D(100000), D(-5)), (D(0), D(10)), (D(-100), D(10))],
    )
    def test_zero_when_price_or_budget_not_positive(self, equity: Decimal, price: Decimal) -> None:
        assert fixed_fraction(equity, D("0.5"), price) == 0

    def test_zero_fraction_gives_zero(self) -> None:
        assert fixed_fraction(D(100000), D(0), D(10)) == 0

    @pytest.mark.parametrize("fraction", [D("-0.01"), D("1.01")])
    def test_fraction_outside_unit_interval_is_refused(self, fraction: Decimal) -> None:
        with pytest.raises(ValueError, match=r"^fraction\b"):
            fixed_fraction(D(100000), fraction, D(10))

    def test_bad_lot_size_and_float_inputs(self) -> None:
        with pytest.raises(ValueError, match=r"^lot_size\b"):
            fixed_fraction(D(100000), D("0.1"), D(10), lot_size=D(-1))
        with pytest.raises(TypeError, match=r"^price\b"):
            fixed_fraction(D(100000), D("0.1"), 10.5)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match=r"^equity\b"):
            fixed_fraction(D("NaN"), D("0.1"), D(10))


class TestEqualWeight:
    def test_hand_worked(self) -> None:
        # 100000 / 3 = 33333.33 per slot; / 70 = 476.19 -> 476 (476 * 70 = 33320; 477 * 70 = 33390 > 33333.33)
        assert equal_weight(D(100000), 3, D(70)) == D(476)

    def test_one_slot_is_all_equity(self) -> None:
        # 100000 / 1 / 70 = 1428.57 -> 1428
        assert equal_weight(D(100000), 1, D(70)) == D(1428)

    def test_lot_size(self) -> None:
        # 476.19 shares -> 4 lots of 100
        assert equal_weight(D(100000), 3, D(70), lot_size=D(100)) == D(400)

    def test_zero_when_price_or_equity_not_positive(self) -> None:
        assert equal_weight(D(100000), 3, D(0)) == 0
        assert equal_weight(D(-1), 3, D(70)) == 0

    @pytest.mark.parametrize("n_slots", [0, -2])
    def test_n_slots_below_one_is_refused(self, n_slots: int) -> None:
        with pytest.raises(ValueError, match=r"^n_slots\b"):
            equal_weight(D(100000), n_slots, D(70))


class TestVolatilityTarget:
    def test_hand_worked_with_a_perfect_square(self) -> None:
        # annual vol per share = 50 * 0.02 * sqrt(256) = 50 * 0.02 * 16 = 16 dollars
        # target dollar vol = 0.10 * 100000 = 10000 -> 10000 / 16 = 625 shares exactly
        assert volatility_target(D(100000), D("0.10"), D(50), D("0.02"), periods_per_year=256) == D(625)

    def test_hand_worked_default_252_periods(self) -> None:
        # sqrt(252) = 15.8745078664; 50 * 0.02 * 15.8745 = 15.8745 dollars; 10000 / 15.8745 = 629.94 -> 629
        assert volatility_target(D(100000), D("0.10"), D(50), D("0.02")) == D(629)

    def test_lot_size(self) -> None:
        # 629.94 shares -> 6 lots of 100
        assert volatility_target(D(100000), D("0.10"), D(50), D("0.02"), lot_size=D(100)) == D(600)

    def test_same_answer_whatever_the_callers_decimal_context(self) -> None:
        expected = volatility_target(D(100000), D("0.10"), D(50), D("0.02"))
        with localcontext(Context(prec=3, rounding=ROUND_CEILING)):
            assert volatility_target(D(100000), D("0.10"), D(50), D("0.02")) == expected == D(629)
            assert fixed_fraction(D(100000), D("0.10"), D(33)) == D(303)

    @pytest.mark.parametrize("daily_vol", [D(0), D("-0.01")])
    def test_zero_when_daily_vol_not_positive(self, daily_vol: Decimal) -> None:
        assert volatility_target(D(100000), D("0.10"), D(50), daily_vol) == 0

    def test_zero_when_price_or_equity_not_positive(self) -> None:
        assert volatility_target(D(100000), D("0.10"), D(0), D("0.02")) == 0
        assert volatility_target(D(-100000), D("0.10"), D(50), D("0.02")) == 0
        assert volatility_target(D(100000), D(0), D(50), D("0.02")) == 0

    def test_bad_inputs_name_the_argument(self) -> None:
        with pytest.raises(ValueError, match=r"^target_annual_vol\b"):
            volatility_target(D(100000), D("-0.1"), D(50), D("0.02"))
        with pytest.raises(ValueError, match=r"^periods_per_year\b"):
            volatility_target(D(100000), D("0.1"), D(50), D("0.02"), periods_per_year=0)
        with pytest.raises(ValueError, match=r"^lot_size\b"):
            volatility_target(D(100000), D("0.1"), D(50), D("0.02"), lot_size=D(0))


class TestKelly:
    @pytest.mark.parametrize(
        ("p", "b", "scale", "expected"),
        [
            (D("0.6"), D(2), D(1), D("0.4")),  # 0.6 - 0.4 / 2 = 0.4
            (D("0.6"), D(2), D("0.5"), D("0.2")),  # half Kelly: 0.4 * 0.5
            (D("0.55"), D(1), D(1), D("0.1")),  # 0.55 - 0.45 / 1 = 0.10
            (D("0.5"), D(1), D(1), D(0)),  # no edge: 0.5 - 0.5 = 0
            (D("0.4"), D(1), D(1), D(0)),  # 0.4 - 0.6 = -0.2, clipped to 0
            (D(1), D("0.5"), D(1), D(1)),  # certain win: 1 - 0 = 1 (upper clip bound)
            (D(0), D(3), D(1), D(0)),  # certain loss: 0 - 1/3 < 0 -> 0
        ],
    )
    def test_fraction_hand_worked(self, p: Decimal, b: Decimal, scale: Decimal, expected: Decimal) -> None:
        assert kelly_fraction(p, b, scale) == expected

    def test_fraction_default_is_full_kelly(self) -> None:
        assert kelly_fraction(D("0.6"), D(2)) == D("0.4")

    def test_quantity_hand_worked(self) -> None:
        # half Kelly 0.2 of 100000 = 20000; / 50 = 400 shares
        assert kelly_quantity(D(100000), D(50), D("0.6"), D(2), D("0.5")) == D(400)
        # 20000 / 60 = 333.33 -> 333 shares, or 3 lots of 100
        assert kelly_quantity(D(100000), D(60), D("0.6"), D(2), D("0.5")) == D(333)
        assert kelly_quantity(D(100000), D(60), D("0.6"), D(2), D("0.5"), lot_size=D(100)) == D(300)
        # negative edge -> no position
        assert kelly_quantity(D(100000), D(60), D("0.4"), D(1)) == 0

    @pytest.mark.parametrize(
        ("p", "b", "scale", "argument"),
        [
            (D("-0.1"), D(2), D(1), "win_probability"),
            (D("1.1"), D(2), D(1), "win_probability"),
            (D("0.6"), D(0), D(1), "win_loss_ratio"),
            (D("0.6"), D(-1), D(1), "win_loss_ratio"),
            (D("0.6"), D(2), D("1.5"), "fraction_of_kelly"),
            (D("0.6"), D(2), D("-0.5"), "fraction_of_kelly"),
        ],
    )
    def test_bad_inputs_name_the_argument(
        self, p: Decimal, b: Decimal, scale: Decimal, argument: str
    ) -> None:
        with pytest.raises(ValueError, match=rf"^{argument}\b"):
            kelly_fraction(p, b, scale)
        with pytest.raises(ValueError, match=rf"^{argument}\b"):
            kelly_quantity(D(100000), D(50), p, b, scale)


money = st.decimals(min_value=D(-10_000), max_value=D(10_000_000), places=2)
unit = st.decimals(min_value=D(0), max_value=D(1), places=4)
prices = st.decimals(min_value=D("-5"), max_value=D(100_000), places=2)
lots = st.sampled_from([D(1), D(10), D(100), D("0.5"), D("0.01")])


@settings(max_examples=200, deadline=None)
@given(equity=money, fraction=unit, price=prices, lot=lots)
def test_fixed_fraction_notional_never_exceeds_budget(
    equity: Decimal, fraction: Decimal, price: Decimal, lot: Decimal
) -> None:
    qty = fixed_fraction(equity, fraction, price, lot_size=lot)
    assert qty >= 0
    assert qty % lot == 0  # whole lots
    with localcontext(Context(prec=60)):  # exact at these sizes: compare true figures, not rounded ones
        budget = equity * fraction
        assert qty * price <= max(budget, D(0)) or qty == 0
        if price > 0 and budget > 0:
            assert (qty + lot) * price > budget  # rounded down by less than one lot: no budget left unused


@settings(max_examples=200, deadline=None)
@given(
    equity=money,
    target=st.decimals(min_value=D(0), max_value=D(2), places=3),
    price=prices,
    daily_vol=st.decimals(min_value=D("-0.05"), max_value=D("0.2"), places=4),
    periods=st.integers(min_value=1, max_value=400),
    lot=lots,
)
def test_volatility_target_never_negative(
    equity: Decimal, target: Decimal, price: Decimal, daily_vol: Decimal, periods: int, lot: Decimal
) -> None:
    qty = volatility_target(equity, target, price, daily_vol, periods_per_year=periods, lot_size=lot)
    assert qty >= 0
    assert qty % lot == 0


# --------------------------------------------------------------------------------------------- limits


EQUITY = D(100000)
def _messages(key: str | None, code: str) -> Callable[..., list[str]]:
    """A limit's check, as the messages of its violations (each must carry the limit's code)."""
    limit = POSITIVE_EQUITY if key is None else LIMITS[key]

    def check(view: PortfolioView, trade: ProposedTrade, setting: object = None) -> list[str]:
        violations = limit.check(view, trade, setting)
        assert [v.code for v in violations] == [code] * len(violations)
        return [v.message for v in violations]

    return check


check_positive_equity = _messages(None, "NON_POSITIVE_EQUITY")
check_concentration = _messages("max_weight", "CONCENTRATION")
check_gross_leverage = _messages("max_leverage", "GROSS_LEVERAGE")
check_max_positions = _messages("max_positions", "MAX_POSITIONS")
check_drawdown_throttle = _messages("max_drawdown", "DRAWDOWN_THROTTLE")

REDUCE_ONLY = "only trades that reduce exposure are allowed"
DRAWDOWN_AT_20 = f"drawdown: equity 100000 is 20% below peak 125000, limit 20%; {REDUCE_ONLY}"


def make_view(
    equity: Decimal = EQUITY,
    peak_equity: Decimal = EQUITY,
    positions: dict[str, Decimal] | None = None,
) -> PortfolioView:
    """AAPL 100 @ 200 = 20000 long, MSFT 100 @ 400 = 40000 long, TSLA flat; cash 40000; equity 100000."""
    return PortfolioView(
        equity=equity,
        cash=D(40000),
        positions={"AAPL": D(100), "MSFT": D(100), "TSLA": D(0)} if positions is None else positions,
        prices={"AAPL": D(200), "MSFT": D(400)},
        peak_equity=peak_equity,
    )


def buy(symbol: str, quantity: str | int, price: str | int) -> ProposedTrade:
    return ProposedTrade(symbol, "BUY", D(quantity), D(price))


def sell(symbol: str, quantity: str | int, price: str | int) -> ProposedTrade:
    return ProposedTrade(symbol, "SELL", D(quantity), D(price))


class TestInputs:
    def test_trade_validation_names_the_field(self) -> None:
        with pytest.raises(ValueError, match=r"^side\b"):
            ProposedTrade("AAPL", "buy", D(1), D(1))
        with pytest.raises(ValueError, match=r"^quantity\b"):
            ProposedTrade("AAPL", "BUY", D(0), D(1))
        with pytest.raises(ValueError, match=r"^price\b"):
            ProposedTrade("AAPL", "BUY", D(1), D(0))
        with pytest.raises(TypeError, match=r"^price\b"):
            ProposedTrade("AAPL", "BUY", D(1), 1.5)  # type: ignore[arg-type]

    def test_signed_quantity(self) -> None:
        assert buy("AAPL", 5, 1).signed_quantity == D(5)
        assert sell("AAPL", 5, 1).signed_quantity == D(-5)

    def test_view_needs_a_price_for_every_held_position(self) -> None:
        with pytest.raises(ValueError, match=r"prices.*'NVDA'"):
            PortfolioView(D(1), D(1), {"NVDA": D(3)}, {}, D(1))
        PortfolioView(D(1), D(1), {"NVDA": D(0)}, {}, D(1))  # a flat position needs no price

    def test_view_is_a_snapshot(self) -> None:
        positions = {"AAPL": D(100)}
        view = PortfolioView(D(100000), D(0), positions, {"AAPL": D(200)}, D(100000))
        positions["AAPL"] = D(999)
        assert view.positions["AAPL"] == D(100)
        with pytest.raises(TypeError):
            view.positions["AAPL"] = D(1)  # type: ignore[index]


class TestIncreasesExposure:
    @pytest.mark.parametrize(
        ("trade", "expected"),
        [
            (buy("NVDA", 1, 500), True),  # opening: 0 -> 1
            (buy("AAPL", 10, 200), True),  # adding: 100 -> 110
            (sell("AAPL", 40, 200), False),  # reducing: 100 -> 60
            (sell("AAPL", 100, 200), False),  # closing: 100 -> 0
            (sell("AAPL", 200, 200), False),  # flip to an equal short: |100| -> |-100|
            (sell("AAPL", 250, 200), True),  # flip to a bigger short: |100| -> |-150|
            (sell("TSLA", 1, 200), True),  # opening a short from flat
        ],
    )
    def test_cases(self, trade: ProposedTrade, expected: bool) -> None:
        assert increases_exposure(make_view(), trade) is expected

    def test_buying_back_a_short_reduces(self) -> None:
        view = make_view(positions={"AAPL": D(-100)})
        assert increases_exposure(view, buy("AAPL", 30, 200)) is False


class TestConcentration:
    def test_breach_names_the_numbers(self) -> None:
        # AAPL 100 + 30 = 130 shares * 250 = 32500 = 32.5% of 100000 > 25%
        assert check_concentration(make_view(), buy("AAPL", 30, 250), D("0.25")) == [
            "concentration: AAPL would be 32.5% of equity, limit 25%"
        ]

    def test_exactly_at_the_limit_passes(self) -> None:
        # 100 + 25 = 125 shares * 200 = 25000 = exactly 25%: the limit is inclusive
        assert check_concentration(make_view(), buy("AAPL", 25, 200), D("0.25")) == []

    def test_a_hair_over_shows_enough_decimals(self) -> None:
        # 125.02 * 200 = 25004 = 25.004% > 25%; shown with enough decimals not to read "25% ... limit 25%"
        assert check_concentration(make_view(), buy("AAPL", "25.02", 200), D("0.25")) == [
            "concentration: AAPL would be 25.004% of equity, limit 25%"
        ]

    def test_reducing_an_oversized_position_passes(self) -> None:
        # MSFT is 40000 = 40% > 25% already; selling 10 leaves 36% but reduces, so it passes
        assert check_concentration(make_view(), sell("MSFT", 10, 400), D("0.25")) == []

    def test_a_short_counts_by_its_absolute_value(self) -> None:
        # AAPL 100 - 250 = -150 shares * 200 = |-30000| = 30%
        assert check_concentration(make_view(), sell("AAPL", 250, 200), D("0.25")) == [
            "concentration: AAPL would be 30% of equity, limit 25%"
        ]

    def test_negative_limit_is_refused(self) -> None:
        with pytest.raises(ValueError, match=r"^max_weight\b"):
            check_concentration(make_view(), buy("AAPL", 1, 200), D("-0.1"))


class TestGrossLeverage:
    def test_breach_names_the_numbers(self) -> None:
        # gross = AAPL 20000 + MSFT 40000 + NVDA 100 * 500 = 110000 -> 1.1x of 100000 > 1x
        assert check_gross_leverage(make_view(), buy("NVDA", 100, 500), D(1)) == [
            "gross_leverage: gross exposure would be 110000 = 1.1x equity 100000, limit 1x"
        ]

    def test_exactly_at_the_limit_passes(self) -> None:
        # 60000 + 80 * 500 = 100000 -> exactly 1x: inclusive
        assert check_gross_leverage(make_view(), buy("NVDA", 80, 500), D(1)) == []

    def test_shorts_add_to_gross(self) -> None:
        # a short of 100 NVDA adds |-50000| just like a long: 110000 -> 1.1x
        assert check_gross_leverage(make_view(), sell("NVDA", 100, 500), D(1)) == [
            "gross_leverage: gross exposure would be 110000 = 1.1x equity 100000, limit 1x"
        ]

    def test_traded_symbol_valued_at_trade_price(self) -> None:
        # AAPL 110 * 300 = 33000 (not 110 * 200) + MSFT 40000 = 73000 -> 0.73x > 0.7x
        assert check_gross_leverage(make_view(), buy("AAPL", 10, 300), D("0.7")) == [
            "gross_leverage: gross exposure would be 73000 = 0.73x equity 100000, limit 0.7x"
        ]

    def test_reducing_passes_even_when_over(self) -> None:
        # already 0.6x > 0.5x; selling MSFT reduces, so it passes
        assert check_gross_leverage(make_view(), sell("MSFT", 50, 400), D("0.5")) == []

    def test_negative_limit_is_refused(self) -> None:
        with pytest.raises(ValueError, match=r"^max_leverage\b"):
            check_gross_leverage(make_view(), buy("AAPL", 1, 200), D(-1))


class TestMaxPositions:
    def test_opening_beyond_the_limit_is_refused(self) -> None:
        # holding AAPL and MSFT (TSLA is flat and does not count); NVDA would be the 3rd
        assert check_max_positions(make_view(), buy("NVDA", 1, 500), 2) == [
            "max_positions: opening NVDA would make 3 positions, already holding 2, limit 2"
        ]

    def test_reaching_exactly_the_limit_passes(self) -> None:
        assert check_max_positions(make_view(), buy("NVDA", 1, 500), 3) == []

    def test_a_flat_entry_counts_as_new(self) -> None:
        assert check_max_positions(make_view(), sell("TSLA", 1, 200), 2) == [
            "max_positions: opening TSLA would make 3 positions, already holding 2, limit 2"
        ]

    @pytest.mark.parametrize("trade", [buy("AAPL", 10, 200), sell("AAPL", 50, 200), sell("MSFT", 100, 400)])
    def test_adding_reducing_and_closing_pass(self, trade: ProposedTrade) -> None:
        assert check_max_positions(make_view(), trade, 1) == []

    def test_negative_limit_is_refused(self) -> None:
        with pytest.raises(ValueError, match=r"^max_positions\b"):
            check_max_positions(make_view(), buy("NVDA", 1, 500), -1)


class TestDrawdownThrottle:
    def test_at_the_trigger_new_risk_is_blocked(self) -> None:
        # (125000 - 100000) / 125000 = 0.20 -> reaches 20%: the trigger is inclusive (>=)
        view = make_view(peak_equity=D(125000))
        assert check_drawdown_throttle(view, buy("AAPL", 1, 200), D("0.2")) == [DRAWDOWN_AT_20]

    def test_below_the_trigger_passes(self) -> None:
        # 20% drawdown < 25% trigger
        view = make_view(peak_equity=D(125000))
        assert check_drawdown_throttle(view, buy("AAPL", 1, 200), D("0.25")) == []

    def test_reductions_pass_while_throttled(self) -> None:
        view = make_view(peak_equity=D(200000))  # 50% drawdown
        assert check_drawdown_throttle(view, sell("AAPL", 50, 200), D("0.2")) == []
        assert check_drawdown_throttle(view, sell("MSFT", 100, 400), D("0.2")) == []

    def test_non_positive_peak_blocks_new_risk(self) -> None:
        view = make_view(peak_equity=D(0))
        assert check_drawdown_throttle(view, buy("AAPL", 1, 200), D("0.2")) == [
            f"drawdown: peak equity is 0, not positive; cannot measure drawdown, {REDUCE_ONLY}"
        ]

    @pytest.mark.parametrize("limit", [D(0), D("-0.1"), D("1.5")])
    def test_limit_outside_range_is_refused(self, limit: Decimal) -> None:
        with pytest.raises(ValueError, match=r"^max_drawdown\b"):
            check_drawdown_throttle(make_view(), buy("AAPL", 1, 200), limit)


class TestNonPositiveEquity:
    @pytest.mark.parametrize("equity", [D(0), D(-5000)])
    def test_every_exposure_increase_is_refused_without_dividing_by_zero(self, equity: Decimal) -> None:
        view = make_view(equity=equity)
        trade = buy("NVDA", 1, 500)
        shown = format(equity, "f")
        assert check_positive_equity(view, trade) == [
            f"equity: equity is {shown}, not positive; cannot add exposure to NVDA, {REDUCE_ONLY}"
        ]
        assert check_concentration(view, trade, D(1))[0].startswith(f"concentration: equity is {shown}")
        assert check_gross_leverage(view, trade, D(10))[0].startswith(f"gross_leverage: equity is {shown}")
        # even when only a check that never divides by equity is configured, run_checks refuses
        assert run_checks(view, trade, {"max_positions": D(10)}) == POSITIVE_EQUITY.check(view, trade)

    def test_reductions_still_pass(self) -> None:
        view = make_view(equity=D(0))
        limits = {
            "max_weight": D("0.25"),
            "max_leverage": D(1),
            "max_positions": D(1),
            "max_drawdown": D("0.2"),
        }
        assert run_checks(view, sell("MSFT", 100, 400), limits) == []


class TestRunChecks:
    def test_returns_every_reason_in_fixed_order(self) -> None:
        view = make_view(peak_equity=D(125000))
        # NVDA 200 * 500 = 100000 = 100% weight; gross 60000 + 100000 = 160000 = 1.6x; 3rd position; 20% drawdown
        limits = {  # deliberately in reverse order: the report order does not follow the mapping
            "max_drawdown": D("0.2"),
            "max_positions": D(2),
            "max_leverage": D(1),
            "max_weight": D("0.25"),
        }
        assert [(v.code, v.message) for v in run_checks(view, buy("NVDA", 200, 500), limits)] == [
            ("CONCENTRATION", "concentration: NVDA would be 100% of equity, limit 25%"),
            ("GROSS_LEVERAGE", "gross_leverage: gross exposure would be 160000 = 1.6x equity 100000, limit 1x"),
            ("MAX_POSITIONS", "max_positions: opening NVDA would make 3 positions, already holding 2, limit 2"),
            ("DRAWDOWN_THROTTLE", DRAWDOWN_AT_20),
        ]

    def test_order_and_codes(self) -> None:
        assert {key: limit.code for key, limit in LIMITS.items()} == {
            "max_weight": "CONCENTRATION",
            "max_leverage": "GROSS_LEVERAGE",
            "max_positions": "MAX_POSITIONS",
            "max_drawdown": "DRAWDOWN_THROTTLE",
        }
        assert list(LIMITS) == ["max_weight", "max_leverage", "max_positions", "max_drawdown"]

    def test_passing_trade_and_empty_limits(self) -> None:
        limits = {
            "max_weight": D("0.5"),
            "max_leverage": D(2),
            "max_positions": D(5),
            "max_drawdown": D("0.3"),
        }
        assert run_checks(make_view(), buy("NVDA", 10, 500), limits) == []
        assert run_checks(make_view(), buy("NVDA", 10_000, 500), {}) == []

    def test_only_configured_checks_run(self) -> None:
        # 100% weight breaches max_weight, but only max_positions (which passes) is configured
        assert run_checks(make_view(), buy("NVDA", 200, 500), {"max_positions": D(3)}) == []

    def test_unknown_key_is_refused(self) -> None:
        with pytest.raises(ValueError, match="max_wieght"):
            run_checks(make_view(), buy("NVDA", 1, 500), {"max_wieght": D("0.25")})

    def test_fractional_max_positions_is_refused(self) -> None:
        with pytest.raises(ValueError, match=r"^max_positions\b"):
            run_checks(make_view(), buy("NVDA", 1, 500), {"max_positions": D("2.5")})
