package service

import (
	"errors"
	"strings"
	"testing"

	sm "qtrader/go/execution/statemachine"
	pb "qtrader/go/gen/qtraderv1"
)

// The expectations are the rules of docs/execution.md worked by hand on small bars; most mirror a test of
// python/tests/services/execution/ and check the exact spelling the Python service writes.

func TestMarketOrderFillsEntirelyAtTheNextOpenWithoutCosts(t *testing.T) {
	h, oid := start(t, "")
	out := h.send(h.bar(day(3), "101.01", "103", "100"))
	h.expect(out, "Fill o 100@101.01, o FILLED")
	f, u := out[0].GetFill(), out[1].GetOrderUpdate()
	if f.Commission != "0" || f.Slippage != "0" || f.IsPartial || f.StrategyId != "s1" || f.Side != pb.Side_SIDE_BUY {
		t.Fatalf("fill: %v", f)
	}
	if u.GetPreviousStatus() != sm.Accepted || u.FilledQuantity != "100" || u.RemainingQuantity != "0" ||
		u.GetAverageFillPrice() != "101.01" || u.Reason != "market order: filled at the open; filled 100 at 101.01" {
		t.Fatalf("update: %v", u)
	}
	if f.OrderId != oid || f.LotIds != nil || f.Currency != nil {
		t.Fatalf("fill fields: %v", f)
	}
	h.expect(h.send(h.bar(day(4), "90", "91", "89")), "") // nothing left to work
}

func TestUpdatesCarryTheAuditTrail(t *testing.T) {
	h := newHarness(t, "")
	h.send(h.bar(day(2), "100", "101", "99"))
	o := h.order("o", day(2))
	out := h.send(o)
	newU, acc := out[0].GetOrderUpdate(), out[1].GetOrderUpdate()
	if newU.PreviousStatus != nil || newU.Reason != "order received" || acc.GetPreviousStatus() != sm.New ||
		acc.Reason != "order accepted" {
		t.Fatalf("updates: %v / %v", newU, acc)
	}
	for _, u := range []*pb.OrderUpdate{newU, acc} {
		if u.GetIntentId() != o.GetOrder().IntentId || u.GetIdempotencyKey() != o.GetOrder().IdempotencyKey ||
			u.FilledQuantity != "0" || u.RemainingQuantity != "100" || u.AverageFillPrice != nil {
			t.Fatalf("update: %v", u)
		}
	}
}

func TestNothingFillsOnTheBarDuringWhichTheOrderArrived(t *testing.T) {
	// the order for GOOG is made on AAPL's bar of day 3: GOOG's bar of the same timestamp must not fill it
	h := newHarness(t, "")
	h.send(h.bar(day(2), "50", "51", "49"))
	h.send(h.bar(day(3), "10", "11", "9", sym("AAPL")))
	h.send(h.order("o", day(3)))
	h.expect(h.send(h.bar(day(3), "100", "101", "99")), "")
	h.expect(h.send(h.bar(day(4), "102", "103", "101")), "Fill o 100@102, o FILLED")
}

func TestOrderTypesOnBars(t *testing.T) {
	type bar3 [3]string
	cases := []struct {
		name    string
		opts    []orderOpt
		bars    []bar3
		filling int
		price   string
		reason  string
	}{
		{"limit buy at the limit", []orderOpt{limit("100")}, []bar3{{"102", "103", "100.5"}, {"102", "103", "99"}}, 1,
			"100", "limit 100 reached; filled 100 at 100"},
		{"limit buy gap down", []orderOpt{limit("100")}, []bar3{{"98", "99", "97"}}, 0, "98",
			"limit 100 gapped through: filled at the open; filled 100 at 98"},
		{"limit sell gap up", []orderOpt{limit("105"), sell}, []bar3{{"107", "108", "106"}}, 0, "107",
			"limit 105 gapped through: filled at the open; filled 100 at 107"},
		{"stop buy at the stop", []orderOpt{stop("105")}, []bar3{{"103", "104", "102"}, {"103", "106", "102"}}, 1,
			"105", "stop 105 triggered: filled at the stop; filled 100 at 105"},
		{"stop sell gap down", []orderOpt{stop("95"), sell}, []bar3{{"93", "94", "92"}}, 0, "93",
			"stop 95 gapped through: filled at the open; filled 100 at 93"},
		// t = max(105, 103) = 105 <= limit 106: fills on the trigger bar at 105
		{"stop-limit buy on the trigger bar", []orderOpt{stop("105"), limit("106"), stopLimit},
			[]bar3{{"103", "107", "102"}}, 0, "105", "stop-limit: stop 105 triggered, filled at 105; filled 100 at 105"},
		// gap: t = 107 > 106 rests as a limit; then low 104 <= 106: min(106, open 105) = 105
		{"stop-limit buy gap beyond the limit", []orderOpt{stop("105"), limit("106"), stopLimit},
			[]bar3{{"107", "108", "106.5"}, {"107", "108", "106.5"}, {"105", "106", "104"}}, 2, "105",
			"stop-limit: limit 106 gapped through: filled at the open; filled 100 at 105"},
	}
	for _, c := range cases {
		h, _ := start(t, "", c.opts...)
		for i, b := range c.bars {
			out := h.send(h.bar(day(3+i), b[0], b[1], b[2]))
			if i != c.filling {
				h.expect(out, "")
				continue
			}
			h.expect(out, "Fill o 100@"+c.price+", o FILLED")
			if r := out[1].GetOrderUpdate().Reason; r != c.reason {
				t.Fatalf("%s: reason %q", c.name, r)
			}
		}
	}
}

func stopLimit(o *pb.Order) { o.OrderType = pb.OrderType_ORDER_TYPE_STOP_LIMIT }

func trailing(amount, percent string) orderOpt {
	return func(o *pb.Order) {
		o.OrderType = pb.OrderType_ORDER_TYPE_TRAILING_STOP
		if amount != "" {
			o.TrailAmount = str(amount)
		}
		if percent != "" {
			o.TrailPercent = str(percent)
		}
	}
}

func stopOf(t *testing.T, h *harness, id string) string {
	snap, ok := h.s.OrderState(id)
	if !ok {
		t.Fatal("order unknown")
	}
	return snap.StopPrice
}

func TestTrailingStopSellByAmount(t *testing.T) {
	h, oid := start(t, "", sell, trailing("5", ""))
	// day 3: initial stop = open 100 - 5 = 95; low 99 > 95; then high 104 -> 99
	h.expect(h.send(h.bar(day(3), "100", "104", "99")), "")
	if s := stopOf(t, h, oid); s != "99" {
		t.Fatalf("stop %s", s)
	}
	// day 4: low 100 > 99; high 106 -> 101
	h.expect(h.send(h.bar(day(4), "103", "106", "100")), "")
	// day 5: low 100.5 <= 101, open 102 above: at the stop 101
	h.expect(h.send(h.bar(day(5), "102", "103", "100.5")), "Fill o 100@101, o FILLED")
}

func TestTrailingStopUpdatedAfterTheTriggerCheck(t *testing.T) {
	h, oid := start(t, "", sell, trailing("5", ""))
	h.send(h.bar(day(3), "100", "100", "99")) // stop 95
	// checked against 95 first (no trigger), then ratcheted to 110 - 5 = 105
	h.expect(h.send(h.bar(day(4), "104", "110", "103")), "")
	if s := stopOf(t, h, oid); s != "105" {
		t.Fatalf("stop %s", s)
	}
}

func TestTrailingPercentRoundedToPriceDecimals(t *testing.T) {
	h, oid := start(t, `{"price_decimals": 2}`, sell, trailing("", "3"))
	// initial 33.33 * 0.97 = 32.3301 -> 32.33; high 33.5 * 0.97 = 32.495 -> 32.50 (HALF_EVEN at 2 places)
	h.send(h.bar(day(3), "33.33", "33.5", "33"))
	if s := stopOf(t, h, oid); s != "32.50" {
		t.Fatalf("stop %s", s)
	}
	h.expect(h.send(h.bar(day(4), "33", "33.1", "32")), "Fill o 100@32.50, o FILLED")
}

func TestDayOrderExpiresBeforeAnyFillOfTheNextDate(t *testing.T) {
	h, _ := start(t, "", limit("90"), tif(day_))
	h.expect(h.send(h.bar(day(3), "95", "96", "94")), "")
	out := h.send(h.bar(day(4), "91", "92", "89"))
	h.expect(out, "o EXPIRED")
	u := out[0].GetOrderUpdate()
	want := "DAY order expired: its trading day 2024-01-03 ended before bar 2024-01-04T21:00:00+00:00"
	if u.Reason != want || u.GetPreviousStatus() != sm.Accepted || u.RemainingQuantity != "100" {
		t.Fatalf("update: %v", u)
	}
}

func TestIntradayDayOrderFillsLaterTheSameDate(t *testing.T) {
	h := newHarness(t, "")
	h.send(h.bar(day(3, 14), "100", "101", "99"))
	h.send(h.order("o", day(3, 14), limit("90"), tif(day_)))
	h.expect(h.send(h.bar(day(3, 15), "95", "96", "94")), "")
	h.expect(h.send(h.bar(day(3, 16), "91", "92", "89")), "Fill o 100@90, o FILLED")
}

func TestIOCFillsWhatItCanAndCancelsTheRest(t *testing.T) {
	// cap floor(0.1 * 500) = 50 of 100
	h, _ := start(t, `{"participation": "0.1"}`, tif(ioc))
	out := h.send(h.bar(day(3), "100", "101", "99", vol("500")))
	h.expect(out, "Fill o 50@100, o PARTIALLY_FILLED, o CANCELED")
	if u := out[2].GetOrderUpdate(); u.Reason != "IOC: unfilled remainder 50 canceled" || u.FilledQuantity != "50" ||
		u.RemainingQuantity != "50" || !out[0].GetFill().IsPartial {
		t.Fatalf("cancel: %v", u)
	}
	h2, _ := start(t, "", limit("90"), tif(ioc))
	out = h2.send(h2.bar(day(3), "95", "96", "94"))
	if u := out[0].GetOrderUpdate(); u.Reason != "IOC: nothing filled on its first bar (limit not reached); canceled" {
		t.Fatalf("reason %q", u.Reason)
	}
}

func TestFOKAllOrNothingUnderTheCap(t *testing.T) {
	// cap floor(0.1 * 999) = 99 < 100: canceled with nothing filled
	h, _ := start(t, `{"participation": "0.1"}`, tif(fok))
	out := h.send(h.bar(day(3), "100", "101", "99", vol("999")))
	h.expect(out, "o CANCELED")
	want := "FOK: could not fill all 100 on its first bar (participation cap 99 of bar volume 999); canceled"
	if u := out[0].GetOrderUpdate(); u.Reason != want || u.FilledQuantity != "0" {
		t.Fatalf("update: %v", u)
	}
	// cap floor(0.1 * 1000) = 100 = quantity: fills
	h2, _ := start(t, `{"participation": "0.1"}`, tif(fok))
	h2.expect(h2.send(h2.bar(day(3), "100", "101", "99", vol("1000"))), "Fill o 100@100, o FILLED")
}

func TestPartialFillsAcrossThreeBarsAndTheAveragePrice(t *testing.T) {
	h, _ := start(t, `{"participation": "0.1"}`, qty("250"))
	// cap = floor(0.1 * 1000) = 100 per bar: 100 + 100 + 50
	first := h.send(h.bar(day(3), "100", "101", "99", vol("1000")))
	second := h.send(h.bar(day(4), "102", "103", "101", vol("1000")))
	third := h.send(h.bar(day(5), "104", "105", "103", vol("1000")))
	h.expect(first, "Fill o 100@100, o PARTIALLY_FILLED")
	h.expect(second, "Fill o 100@102, o PARTIALLY_FILLED")
	h.expect(third, "Fill o 50@104, o FILLED")
	// averages: 10000/100 = 100; (10000 + 10200)/200 = 101; (20200 + 5200)/250 = 25400/250 = 101.6
	for i, c := range []struct {
		out                 []*pb.Envelope
		filled, remain, avg string
	}{{first, "100", "150", "100"}, {second, "200", "50", "101"}, {third, "250", "0", "101.6"}} {
		u := updatesOf(c.out)[0]
		if u.FilledQuantity != c.filled || u.RemainingQuantity != c.remain || u.GetAverageFillPrice() != c.avg {
			t.Fatalf("bar %d: %v", i, u)
		}
	}
}

func TestCapIsFlooredToWholeUnits(t *testing.T) {
	// 0.15 * 1005 = 150.75 -> 150
	h, _ := start(t, `{"participation": "0.15"}`, qty("1000"))
	if f := fillsOf(h.send(h.bar(day(3), "100", "101", "99", vol("1005")))); f[0].Quantity != "150" {
		t.Fatalf("quantity %s", f[0].Quantity)
	}
}

func TestCostsOnOneFill(t *testing.T) {
	// 101.01 * 7 / 10000 = 0.070707: 101.080707 -> 101.08 at 2 places; percent 0.1: 100 * 101.08 * 0.1 / 100 = 10.108
	h, _ := start(t, `{"slippage": {"model": "fixed_bps", "bps": 7}, "price_decimals": 2,
		"commission": {"model": "percent", "rate": 0.1}}`)
	f := fillsOf(h.send(h.bar(day(3), "101.01", "102", "101")))[0]
	if f.Price != "101.08" || f.Slippage != "0.07" || f.Commission != "10.108" {
		t.Fatalf("fill: %v", f)
	}
}

func TestRandomSlippageIsSeededAndAResetReseeds(t *testing.T) {
	// bps = 20 * k / 10000 with k from random.Random(7).randint(0, 10000): 5305, 2471, 6468
	// -> 10.61, 4.942, 12.936 bps; buy at 100: 100 + 100 * bps / 10000 = 100.1061, 100.04942, 100.12936
	cfg := `{"slippage": {"model": "random", "bps": "20", "seed": 7}}`
	runOnce := func(h *harness) []string {
		h.send(h.bar(day(2), "100", "101", "99"))
		for i := 0; i < 3; i++ {
			h.send(h.order("o", day(2)))
		}
		var prices []string
		for _, f := range fillsOf(h.send(h.bar(day(3), "100", "101", "99"))) {
			prices = append(prices, f.Price)
		}
		return prices
	}
	h := newHarness(t, cfg)
	first := runOnce(h)
	if strings.Join(first, " ") != "100.1061 100.04942 100.12936" {
		t.Fatalf("prices %v", first)
	}
	h.s.Reset(h.s.Config(), run)
	if again := runOnce(h); strings.Join(again, " ") != strings.Join(first, " ") {
		t.Fatalf("after reset: %v", again)
	}
}

func TestBracketStopLossFirstWhenBothExitsCouldFill(t *testing.T) {
	h := newHarness(t, "")
	h.send(h.bar(day(2), "100", "101", "99"))
	entry := h.order("p", day(2))
	pid := orderID(entry)
	h.send(entry)
	sl := h.order("sl", day(2), sell, stop("95"), parent(pid, pb.BracketRole_BRACKET_ROLE_STOP_LOSS), oco("b1"))
	tp := h.order("tp", day(2), sell, limit("110"), parent(pid, pb.BracketRole_BRACKET_ROLE_TAKE_PROFIT), oco("b1"))
	for _, child := range []*pb.Envelope{tp, sl} { // the target arrives first
		out := h.send(child)
		if r := out[1].GetOrderUpdate().Reason; r != "bracket child accepted; dormant until parent order "+pid+" is FILLED" {
			t.Fatalf("reason %q", r)
		}
	}
	// day 3: the entry fills; the exits only work from the next bar even though it reaches both
	h.expect(h.send(h.bar(day(3), "100", "111", "94")), "Fill p 100@100, p FILLED")
	// day 4: low 94 <= 95 and high 111 >= 110: stop-loss first, the target is canceled
	out := h.send(h.bar(day(4), "100", "111", "94"))
	h.expect(out, "Fill sl 100@95, sl FILLED, tp CANCELED")
	if r := out[2].GetOrderUpdate().Reason; r != "one-cancels-other: order "+orderID(sl)+" of OCO group b1 filled" {
		t.Fatalf("reason %q", r)
	}
}

func TestParentCanceledCancelsChildren(t *testing.T) {
	h := newHarness(t, "")
	h.send(h.bar(day(2), "100", "101", "99"))
	entry := h.order("p", day(2), limit("90"))
	pid := orderID(entry)
	h.send(entry)
	h.send(h.order("sl", day(2), sell, stop("85"), parent(pid, pb.BracketRole_BRACKET_ROLE_STOP_LOSS), oco("b")))
	out := h.send(h.cancel(day(3, 10), pid, "strategy changed its mind"))
	h.expect(out, "p CANCELED, sl CANCELED")
	if out[0].GetOrderUpdate().Reason != "cancel requested: strategy changed its mind" ||
		out[1].GetOrderUpdate().Reason != "parent order "+pid+" was CANCELED" {
		t.Fatalf("reasons: %v", out)
	}
	// a child arriving after its parent ended is accepted, then canceled
	late := h.send(h.order("late", day(3, 11), sell, stop("85"), parent(pid, pb.BracketRole_BRACKET_ROLE_STOP_LOSS)))
	h.expect(late, "late NEW, late ACCEPTED, late CANCELED")
}

func TestPartialFillOfAnOCOMemberCancelsTheOthers(t *testing.T) {
	// buy limit 95 or buy stop 105; cap floor(0.1 * 300) = 30: the first partial fill cancels the other
	h := newHarness(t, `{"participation": "0.1"}`)
	h.send(h.bar(day(2), "100", "101", "99"))
	h.send(h.order("dip", day(2), limit("95"), oco("entry")))
	h.send(h.order("breakout", day(2), stop("105"), oco("entry")))
	h.expect(h.send(h.bar(day(3), "96", "97", "94", vol("300"))),
		"Fill dip 30@95, dip PARTIALLY_FILLED, breakout CANCELED")
}

func TestRejectionsListEveryProblem(t *testing.T) {
	h := newHarness(t, "")
	h.send(h.bar(day(2), "100", "101", "99"))
	bad := h.order("bad", day(2), qty("0"), func(o *pb.Order) { o.OrderType = typeLimit; o.Symbol = "MSFT" })
	out := h.send(bad)
	h.expect(out, "bad NEW, bad REJECTED")
	want := "quantity must be > 0, got 0; LIMIT order requires limit_price; unknown symbol 'MSFT': no bar of it " +
		"was seen and it is not in execution.symbols"
	if u := out[1].GetOrderUpdate(); u.Reason != want || u.GetPreviousStatus() != sm.New {
		t.Fatalf("update: %v", u)
	}
	// a REJECTED update reports the quantity as remaining
	out = h.send(h.order("neg", day(2), qty("-5")))
	if u := out[1].GetOrderUpdate(); u.RemainingQuantity != "-5" || u.FilledQuantity != "0" {
		t.Fatalf("update: %v", u)
	}
	cases := map[string][]orderOpt{
		"TRAILING_STOP order takes trail_amount or trail_percent, not both": {trailing("1", "1")},
		"trail_percent must be < 100, got 100":                              {trailing("", "100")},
		"limit_price is not used by MARKET orders; leave it out":            {func(o *pb.Order) { o.LimitPrice = str("100") }},
		"stop_price must be > 0, got -3":                                    {stop("-3")},
		"unknown parent order 00000000-0000-5000-8000-000000000999: send the entry order before its bracket children": {
			parent("00000000-0000-5000-8000-000000000999", pb.BracketRole_BRACKET_ROLE_STOP_LOSS)},
	}
	for reason, opts := range cases {
		out := h.send(h.order("x", day(2), opts...))
		if u := out[len(out)-1].GetOrderUpdate(); u.Status != sm.Rejected || u.Reason != reason {
			t.Fatalf("want %q, got %v", reason, u)
		}
	}
}

func TestConfiguredSymbolsAreTheKnownOnes(t *testing.T) {
	h := newHarness(t, `{"symbols": ["GOOG", "AAPL"]}`)
	h.expect(h.send(h.order("a", day(2), func(o *pb.Order) { o.Symbol = "AAPL" })), "a NEW, a ACCEPTED")
	h.send(h.bar(day(2), "10", "11", "9", sym("MSFT")))
	h.expect(h.send(h.order("m", day(2), func(o *pb.Order) { o.Symbol = "MSFT" })), "m NEW, m REJECTED")
}

func TestRepeatedIdempotencyKeyChangesNothing(t *testing.T) {
	h := newHarness(t, "")
	h.send(h.bar(day(2), "100", "101", "99"))
	first := h.order("first", day(2))
	h.send(first)
	key := first.GetOrder().IdempotencyKey
	again := h.order("again", day(2), qty("500"), func(o *pb.Order) { o.IdempotencyKey = key })
	h.expect(h.send(again), "")
	h.expect(h.send(first), "")
	if _, known := h.s.OrderState(orderID(again)); known {
		t.Fatal("the repeat must not be recorded")
	}
	h.expect(h.send(h.bar(day(3), "100", "101", "99")), "Fill first 100@100, first FILLED")
	if snap, _ := h.s.ResultForKey(key); snap.Status != sm.Filled || snap.Quantity != "100" {
		t.Fatalf("cached result: %+v", snap)
	}
}

func TestReusedOrderIDIsAContractError(t *testing.T) {
	h := newHarness(t, "")
	h.send(h.bar(day(2), "100", "101", "99"))
	first := h.order("first", day(2))
	h.send(first)
	dup := h.order("dup", day(2), func(o *pb.Order) { o.OrderId = orderID(first); o.IdempotencyKey = "other-key" })
	_, err := h.s.Handle(dup)
	var ce *ContractError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "field order_id: "+orderID(first)+" was already used") ||
		!strings.Contains(err.Error(), "(idempotency key 's1-"+orderID(first)+"')") {
		t.Fatalf("error: %v", err)
	}
}

func TestCancelOfUnknownOrFinishedOrdersEmitsNothing(t *testing.T) {
	h, oid := start(t, "")
	h.expect(h.send(h.cancel(day(2, 22), "00000000-0000-5000-8000-000000000999", "x")), "")
	h.send(h.bar(day(3), "100", "101", "99"))
	h.expect(h.send(h.cancel(day(3, 22), oid, "x")), "")
}

func TestLotIDsAreCopiedToTheFill(t *testing.T) {
	h, _ := start(t, "", sell, func(o *pb.Order) { o.LotIds = []string{"lot-1", "lot-2"} })
	if f := fillsOf(h.send(h.bar(day(3), "100", "101", "99")))[0]; strings.Join(f.LotIds, ",") != "lot-1,lot-2" {
		t.Fatalf("lot ids %v", f.LotIds)
	}
}

func TestInputsThatBreakTheirContractAreErrors(t *testing.T) {
	h := newHarness(t, "")
	bad := h.bar(day(2), "1e3", "101", "99")
	if _, err := h.s.Handle(bad); err == nil || !strings.Contains(err.Error(), "field open") {
		t.Fatalf("error: %v", err)
	}
	o := h.order("o", day(2), func(o *pb.Order) { o.Side = pb.Side_SIDE_UNSPECIFIED })
	if _, err := h.s.Handle(o); err == nil || !strings.Contains(err.Error(), "field side") {
		t.Fatalf("error: %v", err)
	}
	// an event type the service does not consume gives an empty batch
	other := h.env("Signal", day(2))
	other.Event = &pb.Envelope_Signal{Signal: &pb.Signal{}}
	if out, err := h.s.Handle(other); err != nil || len(out) != 0 {
		t.Fatalf("signal: %v %v", out, err)
	}
}
