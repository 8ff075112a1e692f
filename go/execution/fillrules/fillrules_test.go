package fillrules

import (
	"testing"

	"github.com/cockroachdb/apd/v3"

	"qtrader/go/execution/arith"
	pb "qtrader/go/gen/qtraderv1"
)

const (
	buy  = pb.Side_SIDE_BUY
	sell = pb.Side_SIDE_SELL
)

func d(s string) *apd.Decimal { return arith.MustParse(s) }

func b(o, h, l string) Bar { return Bar{d(o), d(h), d(l)} }

func spell(v *apd.Decimal) string {
	if v == nil {
		return "none"
	}
	return arith.Plain(v)
}

// The same cases as python/tests/services/execution/test_fill_rules.py, checked by spelling.
func TestLimit(t *testing.T) {
	cases := []struct {
		side      pb.Side
		limit     string
		bar       Bar
		want, why string
	}{
		{buy, "100", b("102", "103", "99"), "100", "low 99 <= 100, open 102 above: at the limit"},
		{buy, "100", b("98", "99", "97"), "98", "gap down: open 98 < limit 100, fills at the open"},
		{buy, "100", b("101", "103", "100"), "100", "low touches the limit exactly"},
		{buy, "100", b("101", "103", "100.01"), "none", "low 100.01 > 100: not reached"},
		{sell, "105", b("103", "106", "102"), "105", "high 106 >= 105, open below: at the limit"},
		{sell, "105", b("107", "108", "106"), "107", "gap up: open 107 > limit 105, fills at the open"},
		{sell, "105", b("103", "104.99", "102"), "none", "high 104.99 < 105: not reached"},
		{buy, "100", b("100.00", "101", "99"), "100", "a tie keeps the limit's spelling (Python's min)"},
	}
	for _, c := range cases {
		if got := spell(LimitPrice(c.side, d(c.limit), c.bar)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.why, got, c.want)
		}
	}
}

func TestStop(t *testing.T) {
	cases := []struct {
		side         pb.Side
		stop         string
		bar          Bar
		want, reason string
	}{
		{buy, "105", b("103", "106", "102"), "105", "stop 105 triggered: filled at the stop"},
		{buy, "105", b("107", "108", "106"), "107", "stop 105 gapped through: filled at the open"},
		{buy, "105", b("103", "104", "102"), "none", "stop not triggered"},
		{sell, "95", b("97", "98", "94"), "95", "stop 95 triggered: filled at the stop"},
		{sell, "95", b("93", "94", "92"), "93", "stop 95 gapped through: filled at the open"},
		{sell, "95", b("97", "98", "95.5"), "none", "stop not triggered"},
	}
	for _, c := range cases {
		if got := spell(StopPrice(c.side, d(c.stop), c.bar)); got != c.want {
			t.Errorf("stop %s on %v: got %s, want %s", c.stop, c.bar, got, c.want)
		}
		dec, err := Evaluate(pb.OrderType_ORDER_TYPE_STOP, c.side, c.bar, nil, d(c.stop), false)
		if err != nil || spell(dec.Price) != c.want || dec.Triggered != (c.want != "none") || dec.Reason != c.reason {
			t.Errorf("Evaluate STOP %s: %+v %v", c.stop, dec, err)
		}
	}
}

func TestMarketAndTriggeredStop(t *testing.T) {
	dec, _ := Evaluate(pb.OrderType_ORDER_TYPE_MARKET, sell, b("101.01", "102", "100"), nil, nil, false)
	if spell(dec.Price) != "101.01" || dec.Reason != "market order: filled at the open" {
		t.Fatalf("market: %+v", dec)
	}
	// triggered on an earlier bar: the remainder fills at this bar's open whatever the stop
	dec, _ = Evaluate(pb.OrderType_ORDER_TYPE_STOP, sell, b("80", "85", "79"), nil, d("95"), true)
	if spell(dec.Price) != "80" || !dec.Triggered || dec.Reason != "stop triggered earlier: remainder filled at the open" {
		t.Fatalf("triggered stop: %+v", dec)
	}
}

// STOP_LIMIT on the trigger bar: t = max(stop, open) for a buy; fills at t only when t <= limit.
func TestStopLimitTriggerBar(t *testing.T) {
	cases := []struct {
		side        pb.Side
		stop, limit string
		bar         Bar
		want        string
		triggered   bool
		reason      string
	}{
		{buy, "105", "106", b("103", "107", "102"), "105", true, "stop-limit: stop 105 triggered, filled at 105"},
		{buy, "105", "106", b("105.5", "107", "105"), "105.5", true, "stop-limit: stop 105 triggered, filled at 105.5"},
		{buy, "105", "106", b("107", "108", "104"), "none", true, "stop-limit: stop 105 triggered beyond the limit, resting as a limit"},
		{buy, "105", "106", b("103", "104", "100"), "none", false, "stop not triggered"},
		{buy, "105", "104", b("103", "106", "100"), "none", true, "stop-limit: stop 105 triggered beyond the limit, resting as a limit"},
		{sell, "95", "94", b("97", "98", "93"), "95", true, "stop-limit: stop 95 triggered, filled at 95"},
		{sell, "95", "94", b("94.5", "96", "93"), "94.5", true, "stop-limit: stop 95 triggered, filled at 94.5"},
		{sell, "95", "94", b("93", "94", "92"), "none", true, "stop-limit: stop 95 triggered beyond the limit, resting as a limit"},
	}
	for _, c := range cases {
		dec, err := Evaluate(pb.OrderType_ORDER_TYPE_STOP_LIMIT, c.side, c.bar, d(c.limit), d(c.stop), false)
		if err != nil || spell(dec.Price) != c.want || dec.Triggered != c.triggered || dec.Reason != c.reason {
			t.Errorf("stop %s limit %s on %v: %+v", c.stop, c.limit, c.bar, dec)
		}
	}
}

func TestTriggeredStopLimitRestsAsLimit(t *testing.T) {
	// buy limit 106 after the trigger: low 104 <= 106, fills at min(106, open 105) = 105 (gapped: 105 != 106)
	dec, _ := Evaluate(pb.OrderType_ORDER_TYPE_STOP_LIMIT, buy, b("105", "106", "104"), d("106"), d("105"), true)
	if spell(dec.Price) != "105" || dec.Reason != "stop-limit: limit 106 gapped through: filled at the open" {
		t.Fatalf("buy: %+v", dec)
	}
	// sell limit 94: high 95 >= 94, fills at max(94, open 93.5) = 94
	dec, _ = Evaluate(pb.OrderType_ORDER_TYPE_STOP_LIMIT, sell, b("93.5", "95", "93"), d("94"), d("95"), true)
	if spell(dec.Price) != "94" || dec.Reason != "stop-limit: limit 94 reached" {
		t.Fatalf("sell: %+v", dec)
	}
	dec, _ = Evaluate(pb.OrderType_ORDER_TYPE_STOP_LIMIT, sell, b("90", "93", "89"), d("94"), d("95"), true)
	if dec.Price != nil || !dec.Triggered || dec.Reason != "stop-limit: stop-limit: limit not reached" {
		t.Fatalf("not reached: %+v", dec)
	}
}

func TestTrailingLevels(t *testing.T) {
	cases := []struct {
		side                     pb.Side
		extreme, amount, percent string
		places                   int
		want                     string
	}{
		{sell, "104", "5", "", 6, "99"},      // 104 - 5
		{buy, "47", "2", "", 6, "49"},        // 47 + 2
		{sell, "120", "", "10", 6, "108.0"},  // 120 * (1 - 10/100) = 120 * 0.9 = 108.0
		{buy, "50", "", "3", 6, "51.50"},     // 50 * 1.03 = 51.50
		{sell, "33.33", "", "3", 2, "32.33"}, // 33.33 * 0.97 = 32.3301 -> 2 places HALF_EVEN: 32.33
	}
	for _, c := range cases {
		var amount, percent *apd.Decimal
		if c.amount != "" {
			amount = d(c.amount)
		}
		if c.percent != "" {
			percent = d(c.percent)
		}
		if got := spell(TrailingLevel(c.side, d(c.extreme), amount, percent, c.places)); got != c.want {
			t.Errorf("trailing %+v: got %s", c, got)
		}
	}
}

func TestRatchetAndExtreme(t *testing.T) {
	if spell(Ratchet(sell, d("97"), d("93"))) != "97" || spell(Ratchet(sell, d("97"), d("99"))) != "99" ||
		spell(Ratchet(buy, d("49"), d("52"))) != "49" || spell(Ratchet(buy, d("49"), d("47"))) != "47" {
		t.Fatal("a trailing stop only moves in the order's favour")
	}
	bar := b("100", "104", "99")
	if spell(BetterExtreme(sell, nil, bar)) != "104" || spell(BetterExtreme(sell, d("106"), bar)) != "106" ||
		spell(BetterExtreme(buy, nil, bar)) != "99" || spell(BetterExtreme(buy, d("98"), bar)) != "98" {
		t.Fatal("best price since working")
	}
}
