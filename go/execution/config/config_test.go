package config

import (
	"testing"

	"qtrader/go/execution/arith"
)

// The wording of refused configs is compared with the Python service's by
// python/tests/contracts/test_checker_parity.py; these check what a valid config becomes.

func TestDefaults(t *testing.T) {
	for _, text := range []string{"", "  ", "{}"} {
		cfg, err := Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Slippage.Model != "none" || cfg.Commission.Model != "none" || cfg.Commission.Decimals != 6 ||
			cfg.PriceDecimals != 6 || cfg.Participation != nil || cfg.Symbols != nil {
			t.Fatalf("defaults of %q: %+v", text, cfg)
		}
	}
}

func TestFullConfig(t *testing.T) {
	cfg, err := Parse(`{"slippage": {"model": "random", "bps": "5", "seed": 42},
		"commission": {"model": "tiered", "tiers": [{"up_to": 300, "rate": "0.0035"}, {"rate": "0.0015"}],
		"minimum": 1.50, "decimals": 2}, "participation": "0.1", "symbols": ["GOOG"], "price_decimals": 4}`)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Slippage.Seed.Int64() != 42 || len(cfg.Commission.Tiers) != 2 || cfg.Commission.Tiers[1].UpTo != nil ||
		arith.Plain(cfg.Participation) != "0.1" || cfg.Symbols[0] != "GOOG" || cfg.PriceDecimals != 4 ||
		cfg.Commission.Decimals != 2 || cfg.Commission.Minimum.String() != "1.5" {
		t.Fatalf("parsed: %+v", cfg)
	}
	// an empty symbols list is accepted (no symbol is known), unlike an absent one
	cfg, err = Parse(`{"symbols": []}`)
	if err != nil || cfg.Symbols == nil || len(cfg.Symbols) != 0 {
		t.Fatalf("empty symbols: %+v %v", cfg, err)
	}
}

// A decimal key keeps the spelling Python's Decimal gives it under the one rule (contracts/README.md).
func TestDecimalSpelling(t *testing.T) {
	for _, c := range [][2]string{{`0.005`, "0.005"}, {`"0.0050"`, "0.0050"}, {`5`, "5"}, {`1e3`, "1E+3"},
		{`100.0`, "100.0"}, {`"1_000"`, "1000"}} {
		cfg, err := Parse(`{"slippage": {"model": "fixed_bps", "bps": ` + c[0] + `}}`)
		if err != nil {
			t.Fatalf("bps %s: %v", c[0], err)
		}
		if got := cfg.Slippage.Bps.String(); got != c[1] {
			t.Errorf("bps %s: %s, want %s", c[0], got, c[1])
		}
	}
}

func TestNotJSON(t *testing.T) {
	if _, err := Parse("slippage: {model: none}"); err == nil {
		t.Fatal("YAML text is not accepted: the engine sends JSON")
	}
}
