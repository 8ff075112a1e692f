package commission

import (
	"testing"

	"qtrader/go/execution/arith"
	"qtrader/go/execution/config"
)

var d = arith.MustParse

// Expected spellings printed by the Python service's commission(); the arithmetic is in each comment.
func TestModels(t *testing.T) {
	tiers := []config.Tier{{UpTo: d("300"), Rate: d("0.0035")}, {UpTo: d("3000"), Rate: d("0.002")}, {Rate: d("0.0015")}}
	perShare := config.Commission{Model: "per_share", Rate: d("0.005"), Minimum: d("1"), Maximum: d("20"), Decimals: 6}
	perOrder := config.Commission{Model: "per_order", Rate: d("1.5"), Minimum: d("2"), Decimals: 6}
	percent := config.Commission{Model: "percent", Rate: d("0.1"), Decimals: 6}
	percent2 := percent
	percent2.Decimals = 2
	tiered := config.Commission{Model: "tiered", Tiers: tiers, Decimals: 6}
	clamped := tiered
	clamped.Minimum, clamped.Maximum = d("1"), d("5")
	cases := []struct {
		name            string
		cfg             config.Commission
		quantity, price string
		first           bool
		want            string
	}{
		{"300 * 0.005", perShare, "300", "100", true, "1.500"},
		{"0.5 -> minimum 1", perShare, "100", "100", true, "1"},
		{"50 -> maximum 20", perShare, "10000", "100", true, "20"},
		{"per order 1.5 -> minimum 2", perOrder, "100", "1", true, "2"},
		{"per order follow-up fill", perOrder, "100", "1", false, "0"},
		{"100 * 101.01 * 0.1 / 100", percent, "100", "101.01", true, "10.101"},
		{"10.101 -> 2 places half even", percent2, "100", "101.01", true, "10.10"},
		{"300*0.0035 + 2700*0.002 + 2000*0.0015", tiered, "5000", "1", true, "9.4500"},
		{"200 * 0.0035", tiered, "200", "1", true, "0.7000"},
		{"0.7 -> minimum 1", clamped, "200", "1", true, "1"},
		{"9.45 -> maximum 5", clamped, "5000", "1", true, "5"},
		{"none", config.Commission{Model: "none", Decimals: 6}, "1", "1", true, "0"},
	}
	for _, c := range cases {
		if got := arith.Plain(Of(c.cfg, d(c.quantity), d(c.price), c.first)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}

func TestTieredBeyondTheLastBoundedTier(t *testing.T) {
	// 100 * 0.01 + 100 * 0.005 + 100 * 0.005 = 1 + 0.5 + 0.5 = 2.000
	tiers := []config.Tier{{UpTo: d("100"), Rate: d("0.01")}, {UpTo: d("200"), Rate: d("0.005")}}
	cfg := config.Commission{Model: "tiered", Tiers: tiers, Decimals: 6}
	if got := arith.Plain(Of(cfg, d("300"), d("1"), true)); got != "2.000" {
		t.Fatalf("got %s", got)
	}
}

func TestMinimumTieKeepsTheComputedSpelling(t *testing.T) {
	// 100 * 0.005 = 0.500 equals the minimum 0.500: Python's max keeps the first (the computed value)
	cfg := config.Commission{Model: "per_share", Rate: d("0.005"), Minimum: d("0.5"), Decimals: 6}
	if got := arith.Plain(Of(cfg, d("100"), d("1"), true)); got != "0.500" {
		t.Fatalf("got %s", got)
	}
}
