package config

import (
	"math"
	"testing"

	"qtrader/go/execution/arith"
	"qtrader/go/pyfmt"
)

// Every message below was printed by the Python service: parse_config(ExecutionConfig,
// parse_config_text(text), "execution") (python/src/qtrader/services/execution/config.py); "" means accepted.
var pythonVerdicts = [][2]string{
	{"{\"foo\": 1}", "execution.foo: unknown key"},
	{"{\"slippage\": {\"model\": \"fixed\"}}", "execution.slippage.model: Input should be 'none', 'fixed_bps', 'volume_share' or 'random'"},
	{"{\"slippage\": {\"model\": \"fixed_bps\"}}", "execution.slippage: Value error, bps is required by model fixed_bps"},
	{"{\"slippage\": {\"model\": \"fixed_bps\", \"bps\": \"abc\"}}", "execution.slippage.bps: Value error, expected a decimal number like '0.5', got 'abc'"},
	{"{\"slippage\": {\"model\": \"fixed_bps\", \"bps\": true}}", "execution.slippage.bps: Value error, expected a decimal number, got True"},
	{"{\"slippage\": {\"model\": \"fixed_bps\", \"bps\": [1, \"a\", null, 1.5]}}", "execution.slippage.bps: Value error, expected a decimal number, got list [1, 'a', None, 1.5]"},
	{"{\"slippage\": {\"model\": \"fixed_bps\", \"bps\": {\"a\": 1}}}", "execution.slippage.bps: Value error, expected a decimal number, got dict {'a': 1}"},
	{"{\"slippage\": {\"model\": \"fixed_bps\", \"bps\": null}}", "execution.slippage: Value error, bps is required by model fixed_bps"},
	{"{\"slippage\": {\"model\": \"fixed_bps\", \"bps\": \"nan\"}}", "execution.slippage.bps: Value error, must be finite, got 'nan'"},
	{"{\"slippage\": {\"model\": \"fixed_bps\", \"bps\": \"-Infinity\"}}", "execution.slippage.bps: Value error, must be finite, got '-Infinity'"},
	{"{\"slippage\": {\"model\": \"fixed_bps\", \"bps\": 10000}}", "execution.slippage: Value error, bps must be in [0, 10000) basis points, got 10000"},
	{"{\"slippage\": {\"model\": \"fixed_bps\", \"bps\": 5, \"seed\": 3}}", "execution.slippage: Value error, seed is not used by model fixed_bps; remove it or choose another model"},
	{"{\"slippage\": {\"model\": \"random\", \"bps\": 5, \"seed\": 1.5}}", "execution.slippage.seed: Input should be a valid integer"},
	{"{\"slippage\": {\"model\": \"random\", \"bps\": 5, \"seed\": \"3\"}}", "execution.slippage.seed: Input should be a valid integer"},
	{"{\"slippage\": {\"model\": \"random\", \"bps\": 5, \"seed\": true}}", "execution.slippage.seed: Input should be a valid integer"},
	{"{\"slippage\": {\"model\": \"volume_share\", \"impact\": -1, \"max_bps\": 5}}", "execution.slippage: Value error, impact must be >= 0, got -1"},
	{"{\"slippage\": {\"model\": \"volume_share\", \"impact\": 1}}", "execution.slippage: Value error, max_bps is required by model volume_share"},
	{"{\"slippage\": {\"model\": 3}}", "execution.slippage.model: Input should be 'none', 'fixed_bps', 'volume_share' or 'random'"},
	{"{\"slippage\": null}", "execution.slippage: Input should be a valid dictionary or instance of SlippageConfig"},
	{"{\"slippage\": 5}", "execution.slippage: Input should be a valid dictionary or instance of SlippageConfig"},
	{"{\"slippage\": {\"x\": 1, \"model\": \"none\"}}", "execution.slippage.x: unknown key"},
	{"{\"commission\": {\"model\": \"per_share\"}}", "execution.commission: Value error, rate is required by model per_share"},
	{"{\"commission\": {\"model\": \"per_share\", \"rate\": -1}}", "execution.commission: Value error, rate must be >= 0, got -1"},
	{"{\"commission\": {\"model\": \"per_share\", \"rate\": 1, \"minimum\": 5, \"maximum\": 2}}", "execution.commission: Value error, maximum (2) must be >= minimum (5)"},
	{"{\"commission\": {\"model\": \"tiered\", \"tiers\": []}}", "execution.commission: Value error, tiers must list at least one tier"},
	{"{\"commission\": {\"model\": \"tiered\", \"tiers\": [{\"rate\": 1}, {\"up_to\": 5, \"rate\": 1}]}}", "execution.commission: Value error, tiers[0]: only the last tier may leave up_to out (it is open-ended)"},
	{"{\"commission\": {\"model\": \"tiered\", \"tiers\": [{\"up_to\": 5, \"rate\": 1}, {\"up_to\": 5, \"rate\": 1}]}}", "execution.commission: Value error, tiers[1].up_to must be greater than 5, got 5"},
	{"{\"commission\": {\"model\": \"tiered\", \"tiers\": [{\"up_to\": 5}]}}", "execution.commission.tiers.0.rate: Field required"},
	{"{\"commission\": {\"model\": \"tiered\", \"tiers\": [{\"up_to\": 5, \"z\": 2}]}}", "execution.commission.tiers.0.rate: Field required; execution.commission.tiers.0.z: unknown key"},
	{"{\"commission\": {\"model\": \"tiered\", \"tiers\": [{\"up_to\": 5, \"rate\": 1, \"z\": 2}]}}", "execution.commission.tiers.0.z: unknown key"},
	{"{\"commission\": {\"model\": \"tiered\", \"tiers\": 5}}", "execution.commission.tiers: Input should be a valid list"},
	{"{\"commission\": {\"model\": \"tiered\", \"tiers\": [5]}}", "execution.commission.tiers.0: Input should be a valid dictionary or instance of TierConfig"},
	{"{\"commission\": {\"model\": \"none\", \"decimals\": 13}}", "execution.commission.decimals: Input should be less than or equal to 12"},
	{"{\"commission\": {\"model\": \"none\", \"decimals\": -1}}", "execution.commission.decimals: Input should be greater than or equal to 0"},
	{"{\"commission\": {\"model\": \"none\", \"decimals\": 2.0}}", "execution.commission.decimals: Input should be a valid integer"},
	{"{\"commission\": {\"model\": \"none\", \"decimals\": \"2\"}}", "execution.commission.decimals: Input should be a valid integer"},
	{"{\"commission\": {\"model\": \"none\", \"rate\": 1}}", "execution.commission: Value error, rate is not used by model none; remove it or choose another model"},
	{"{\"commission\": {\"model\": \"per_order\", \"rate\": 1, \"tiers\": [{\"rate\": 1}]}}", "execution.commission: Value error, tiers is not used by model per_order; remove it or choose another model"},
	{"{\"participation\": 0}", "execution.(section): Value error, participation must be in (0, 1], got 0"},
	{"{\"participation\": 1.5}", "execution.(section): Value error, participation must be in (0, 1], got 1.5"},
	{"{\"participation\": 0.0000001e+10}", "execution.(section): Value error, participation must be in (0, 1], got 1000.0"},
	{"{\"participation\": \"x\"}", "execution.participation: Value error, expected a decimal number like '0.5', got 'x'"},
	{"{\"symbols\": [\"\"]}", "execution.symbols.0: String should have at least 1 character"},
	{"{\"symbols\": \"GOOG\"}", "execution.symbols: Input should be a valid list"},
	{"{\"symbols\": [1]}", "execution.symbols.0: Input should be a valid string"},
	{"{\"price_decimals\": 13, \"participation\": 2}", "execution.price_decimals: Input should be less than or equal to 12"},
	{"{\"price_decimals\": null}", "execution.price_decimals: Input should be a valid integer"},
	{"{\"foo\": 1, \"bar\": 2, \"price_decimals\": 20}", "execution.price_decimals: Input should be less than or equal to 12; execution.foo: unknown key; execution.bar: unknown key"},
	{"[1]", "a service config must be a mapping"},
	{"null", "a service config must be a mapping"},
	{"\"x\"", "a service config must be a mapping"},
	{"{\"commission\": {\"model\": \"tiered\", \"tiers\": [{\"up_to\": 5, \"rate\": -1}]}}", "execution.commission: Value error, tiers[0].rate must be >= 0, got -1"},
	{"{\"slippage\": {\"model\": \"volume_share\", \"impact\": 1, \"max_bps\": 5, \"seed\": 2}}", "execution.slippage: Value error, seed is not used by model volume_share; remove it or choose another model"},
	{"{\"slippage\": {\"model\": \"fixed_bps\", \"bps\": -1}}", "execution.slippage: Value error, bps must be in [0, 10000) basis points, got -1"},
	{"{\"zz\": 1, \"slippage\": {\"q\": 1, \"model\": \"x\"}, \"commission\": {\"model\": \"per_share\"}, \"participation\": 5}", "execution.slippage.model: Input should be 'none', 'fixed_bps', 'volume_share' or 'random'; execution.slippage.q: unknown key; execution.commission: Value error, rate is required by model per_share; execution.zz: unknown key"},
	{"{\"commission\": {\"tiers\": [{\"rate\": null}, {\"up_to\": \"a\", \"rate\": 1, \"k\": 1}], \"model\": \"tiered\"}}", "execution.commission.tiers.0.rate: Value error, expected a decimal number, got NoneType None; execution.commission.tiers.1.up_to: Value error, expected a decimal number like '0.5', got 'a'; execution.commission.tiers.1.k: unknown key"},
	{"{\"a\":1,\"a\":2}", "execution.a: unknown key"},
	{"{\"slippage\": {\"model\": \"none\", \"bps\": 0}}", "execution.slippage: Value error, bps is not used by model none; remove it or choose another model"},
	{"{\"commission\": {\"model\": \"none\", \"tiers\": []}}", "execution.commission: Value error, tiers is not used by model none; remove it or choose another model"},
	{"{\"commission\": {\"model\": \"tiered\", \"tiers\": null}}", "execution.commission: Value error, tiers is required by model tiered"},
	{"{\"participation\": null, \"price_decimals\": true}", "execution.price_decimals: Input should be a valid integer"},
	{"{\"symbols\": [\"A\", 3, \"\"]}", "execution.symbols.1: Input should be a valid string; execution.symbols.2: String should have at least 1 character"},
	{"{\"commission\": {\"model\": \"per_share\", \"rate\": 1, \"minimum\": 0.000001e-3, \"maximum\": 1.5e+30}}", ""},
}

func TestErrorsMatchPython(t *testing.T) {
	for _, c := range pythonVerdicts {
		_, err := Parse(c[0])
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c[1] {
			t.Errorf("config %s:\n got  %q\n want %q", c[0], got, c[1])
		}
	}
}

// Decimal keys keep the spelling Python gives them: format(bps, "f") and str(bps), printed by Python for
// {"slippage": {"model": "fixed_bps", "bps": <literal>}}.
var pythonSpellings = [][3]string{}

func TestDecimalSpellingMatchesPython(t *testing.T) {
	for _, c := range pythonSpellings {
		cfg, err := Parse(`{"slippage": {"model": "fixed_bps", "bps": ` + c[0] + `}}`)
		if err != nil {
			t.Fatalf("bps %s: %v", c[0], err)
		}
		if got := arith.Plain(cfg.Slippage.Bps); got != c[1] {
			t.Errorf("bps %s: plain %s, Python %s", c[0], got, c[1])
		}
		if got := pyfmt.DecimalStr(cfg.Slippage.Bps); got != c[2] {
			t.Errorf("bps %s: str %s, Python %s", c[0], got, c[2])
		}
	}
}

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
		"minimum": "1", "decimals": 2}, "participation": "0.1", "symbols": ["GOOG"], "price_decimals": 4}`)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Slippage.Seed.Int64() != 42 || len(cfg.Commission.Tiers) != 2 || cfg.Commission.Tiers[1].UpTo != nil ||
		arith.Plain(cfg.Participation) != "0.1" || cfg.Symbols[0] != "GOOG" || cfg.PriceDecimals != 4 ||
		cfg.Commission.Decimals != 2 {
		t.Fatalf("parsed: %+v", cfg)
	}
	// an empty symbols list is accepted (no symbol is known), unlike an absent one
	cfg, err = Parse(`{"symbols": []}`)
	if err != nil || cfg.Symbols == nil || len(cfg.Symbols) != 0 {
		t.Fatalf("empty symbols: %+v %v", cfg, err)
	}
}

func TestNotJSON(t *testing.T) {
	if _, err := Parse("slippage: {model: none}"); err == nil {
		t.Fatal("YAML text is not accepted: the engine sends JSON")
	}
}

// Python's repr(float), printed by CPython: repr(x) for each value.
func TestFloatRepr(t *testing.T) {
	tenth, fifth := 0.1, 0.2 // variables: constant arithmetic would be exact
	for _, c := range []struct {
		f    float64
		want string
	}{{100, "100.0"}, {0.005, "0.005"}, {1e-05, "1e-05"}, {1e16, "1e+16"}, {1e15, "1000000000000000.0"},
		{0.0001, "0.0001"}, {1.5e300, "1.5e+300"}, {math.Copysign(0, -1), "-0.0"}, {tenth + fifth, "0.30000000000000004"}} {
		if got := floatRepr(c.f); got != c.want {
			t.Errorf("repr(%v) = %s, want %s", c.f, got, c.want)
		}
	}
}
