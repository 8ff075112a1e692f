package slippage

import (
	"math/big"
	"testing"

	"qtrader/go/execution/arith"
	"qtrader/go/execution/config"
	pb "qtrader/go/gen/qtraderv1"
)

var d = arith.MustParse

// Expected spellings printed by the Python service's SlippageModel.bps / apply_slippage.
func TestVolumeShare(t *testing.T) {
	cfg := config.Slippage{Model: "volume_share", Impact: d("0.1"), MaxBps: d("50")}
	cases := []struct {
		bps              string
		quantity, volume string
		want             string
	}{
		{"", "100", "10000", "10.000"},    // share 0.01: 0.1 * 0.01 * 10000 = 10.000
		{"", "100", "1000", "50"},         // share 0.1: 100 bps, capped at max_bps 50
		{"2", "100", "10000", "12.000"},   // base 2 + 10
		{"0.0", "100", "10000", "10.000"}, // a zero base counts as absent (Python: bps or ZERO)
		{"", "100", "0", "50"},            // volume 0: share 1 -> 1000 bps, capped
	}
	for _, c := range cases {
		cfg.Bps = nil
		if c.bps != "" {
			cfg.Bps = d(c.bps)
		}
		if got := arith.Plain(New(cfg).Bps(d(c.quantity), d(c.volume))); got != c.want {
			t.Errorf("%+v: got %s", c, got)
		}
	}
}

func TestFixed(t *testing.T) {
	m := New(config.Slippage{Model: "fixed_bps", Bps: d("7")})
	if got := arith.Plain(m.Bps(d("1"), d("1"))); got != "7" {
		t.Fatalf("fixed: %s", got)
	}
	if got := arith.Plain(New(config.Slippage{Model: "none"}).Bps(d("1"), d("1"))); got != "0" {
		t.Fatalf("none: %s", got)
	}
}

// Python: m = SlippageModel(SlippageConfig(model="random", bps="20", seed=7)); three draws give
// 20 * k / 10000 for k = 5305, 2471, 6468: 10.61, 4.942, 12.936.
func TestRandomIsPythonsSequence(t *testing.T) {
	m := New(config.Slippage{Model: "random", Bps: d("20"), Seed: big.NewInt(7)})
	for i, want := range []string{"10.61", "4.942", "12.936"} {
		if got := arith.Plain(m.Bps(d("1"), d("1"))); got != want {
			t.Fatalf("draw %d: got %s, want %s", i, got, want)
		}
	}
	// no seed: seed 0 (k = 6311 first): 20 * 6311 / 10000 = 12.622
	m = New(config.Slippage{Model: "random", Bps: d("20")})
	if got := arith.Plain(m.Bps(d("1"), d("1"))); got != "12.622" {
		t.Fatalf("seed 0: %s", got)
	}
}

func TestApply(t *testing.T) {
	buy, sell := pb.Side_SIDE_BUY, pb.Side_SIDE_SELL
	cases := []struct {
		side                pb.Side
		price, bps          string
		places              int
		wantPrice, wantSlip string
	}{
		{buy, "100", "10", 6, "100.1", "0.1"}, // 100 * 10 / 10000 = 0.1
		{sell, "100", "10", 6, "99.9", "0.1"},
		{buy, "101.01", "7", 2, "101.08", "0.07"},  // 101.080707 -> 101.08
		{sell, "101.01", "7", 2, "100.94", "0.07"}, // 100.939293 -> 100.94
		{buy, "101.01", "7", 6, "101.080707", "0.070707"},
		{buy, "100.004", "0.1", 2, "100.01", "0.006"},
		{sell, "100.004", "0.1", 2, "100.00", "0.004"},
		{buy, "100.0149", "0.001", 2, "100.0149", "0.0000"}, // rounding would favour the order: rule price kept
		{sell, "100.0151", "0.001", 2, "100.0151", "0.0000"},
		{sell, "0.01", "9999", 2, "0.01", "0.00"}, // would reach 0: rule price kept
		{buy, "100", "0.0", 2, "100", "0"},        // 0 bps: the rule price exactly
	}
	for _, c := range cases {
		price, slip := Apply(c.side, d(c.price), d(c.bps), c.places)
		if arith.Plain(price) != c.wantPrice || arith.Plain(slip) != c.wantSlip {
			t.Errorf("%+v: got %s, %s", c, arith.Plain(price), arith.Plain(slip))
		}
	}
}
