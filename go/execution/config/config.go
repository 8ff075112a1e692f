// Package config reads the `execution` config section sent in Reset: the same keys, defaults and validation
// errors as python/src/qtrader/services/execution/config.py (a Pydantic model), message for message.
//
// The Reset text is JSON (the engine and the conformance runner send json.dumps of the YAML section). Values
// are read as the Python host reads them with yaml.safe_load: an integer is an int, "0.005" a float that becomes
// Decimal(repr(float)) (its shortest spelling), and "1e3" (no dot, or an unsigned exponent) a string.
// Every key is optional; unknown keys and keys the chosen model does not use are errors naming the key.
package config

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"qtrader/go/pyfmt"
)

// Error is a bad config: every problem, "; "-separated, each as "execution.<key>: <message>".
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

// Slippage is execution.slippage.
type Slippage struct {
	Model  string       // none, fixed_bps, volume_share, random
	Bps    *apd.Decimal // nil when absent
	Impact *apd.Decimal
	MaxBps *apd.Decimal
	Seed   *big.Int // nil when absent (the random model then seeds with 0)
}

// Tier is one tier of a tiered commission.
type Tier struct {
	UpTo *apd.Decimal // nil: open-ended
	Rate *apd.Decimal
}

// Commission is execution.commission.
type Commission struct {
	Model    string // none, per_share, per_order, percent, tiered
	Rate     *apd.Decimal
	Minimum  *apd.Decimal
	Maximum  *apd.Decimal
	Tiers    []Tier // nil when absent
	Decimals int
}

// Execution is the whole section.
type Execution struct {
	Slippage      Slippage
	Commission    Commission
	Participation *apd.Decimal // nil: no volume cap
	Symbols       []string     // nil: a symbol is known once one of its bars was seen
	PriceDecimals int
}

// Default is the config of an empty section: no slippage, no commission, no cap, 6 price decimals.
func Default() *Execution {
	return &Execution{Slippage: Slippage{Model: "none"}, Commission: Commission{Model: "none", Decimals: 6},
		PriceDecimals: 6}
}

// Parse reads the Reset config text (JSON; empty or blank means the defaults).
func Parse(text string) (*Execution, error) {
	if strings.TrimSpace(text) == "" {
		return Default(), nil
	}
	root, err := parseJSON(text)
	if err != nil {
		return nil, &Error{fmt.Sprintf("the config must be JSON text (as the engine sends it): %v", err)}
	}
	if root.kind != kDict {
		return nil, &Error{"a service config must be a mapping"}
	}
	return FromValue(root)
}

// FromValue validates an already parsed mapping.
func FromValue(root *value) (*Execution, error) {
	v := &validator{}
	cfg := v.execution(root, "")
	if len(v.problems) > 0 {
		return nil, &Error{strings.Join(v.problems, "; ")}
	}
	return cfg, nil
}

type validator struct{ problems []string }

func (v *validator) add(loc, message string) {
	key := "(section)"
	if loc != "" {
		key = loc
	}
	v.problems = append(v.problems, "execution."+key+": "+message)
}

func join(loc, key string) string {
	if loc == "" {
		return key
	}
	return loc + "." + key
}

// fields walks a mapping like a Pydantic model with extra="forbid": known fields in definition order (absent
// ones are skipped), then every unknown key, in input order. It returns the number of problems it added.
func (v *validator) fields(obj *value, loc string, known []string, each func(name string, item *value)) int {
	before := len(v.problems)
	for _, name := range known {
		if item, ok := obj.items[name]; ok {
			each(name, item)
		}
	}
	isKnown := map[string]bool{}
	for _, name := range known {
		isKnown[name] = true
	}
	for _, key := range obj.keys {
		if !isKnown[key] {
			v.add(join(loc, key), "unknown key")
		}
	}
	return len(v.problems) - before
}

func valueError(message string) string { return "Value error, " + message }

// decimal is ConfigDecimal (its BeforeValidator _config_decimal); nil with ok=false on a problem.
func (v *validator) decimal(item *value, loc string, optional bool) (*apd.Decimal, bool) {
	switch item.kind {
	case kNone:
		if optional {
			return nil, true
		}
		v.add(loc, valueError("expected a decimal number, got NoneType None"))
		return nil, false
	case kBool:
		v.add(loc, valueError("expected a decimal number, got "+item.repr()))
		return nil, false
	case kInt:
		d := new(apd.Decimal)
		d.Coeff.SetMathBigInt(new(big.Int).Abs(item.i))
		d.Negative = item.i.Sign() < 0
		return d, true
	case kFloat:
		d, _, _ := parsePyDecimal(floatRepr(item.f))
		return d, true
	case kStr:
		d, finite, ok := parsePyDecimal(item.s)
		if !ok {
			v.add(loc, valueError("expected a decimal number like '0.5', got "+item.repr()))
			return nil, false
		}
		if !finite {
			v.add(loc, valueError("must be finite, got "+item.repr()))
			return nil, false
		}
		return d, true
	}
	v.add(loc, valueError("expected a decimal number, got "+item.typeName()+" "+item.repr()))
	return nil, false
}

// strictInt is Annotated[int, Field(strict=True)]: a JSON integer, nothing else (not a bool, float or string).
func (v *validator) strictInt(item *value, loc string, optional bool) (*big.Int, bool) {
	if item.kind == kNone && optional {
		return nil, true
	}
	if item.kind != kInt {
		v.add(loc, "Input should be a valid integer")
		return nil, false
	}
	return item.i, true
}

// places is Places: a strict int in [0, 12].
func (v *validator) places(item *value, loc string) (int, bool) {
	n, ok := v.strictInt(item, loc, false)
	if !ok {
		return 0, false
	}
	if n.Sign() < 0 {
		v.add(loc, "Input should be greater than or equal to 0")
		return 0, false
	}
	if n.Cmp(big.NewInt(12)) > 0 {
		v.add(loc, "Input should be less than or equal to 12")
		return 0, false
	}
	return int(n.Int64()), true
}

func (v *validator) literal(item *value, loc string, choices []string) (string, bool) {
	if item.kind == kStr {
		for _, c := range choices {
			if item.s == c {
				return c, true
			}
		}
	}
	quoted := make([]string, len(choices))
	for i, c := range choices {
		quoted[i] = "'" + c + "'"
	}
	v.add(loc, "Input should be "+strings.Join(quoted[:len(quoted)-1], ", ")+" or "+quoted[len(quoted)-1])
	return "", false
}

func (v *validator) execution(obj *value, loc string) *Execution {
	cfg := Default()
	failed := v.fields(obj, loc, []string{"slippage", "commission", "participation", "symbols", "price_decimals"},
		func(name string, item *value) {
			where := join(loc, name)
			switch name {
			case "slippage":
				if s := v.slippage(item, where); s != nil {
					cfg.Slippage = *s
				}
			case "commission":
				if c := v.commission(item, where); c != nil {
					cfg.Commission = *c
				}
			case "participation":
				cfg.Participation, _ = v.decimal(item, where, true)
			case "symbols":
				cfg.Symbols = v.symbols(item, where)
			case "price_decimals":
				cfg.PriceDecimals, _ = v.places(item, where)
			}
		})
	if failed > 0 {
		return nil
	}
	if p := cfg.Participation; p != nil && !(p.Sign() > 0 && p.Cmp(apd.New(1, 0)) <= 0) {
		v.add(loc, valueError("participation must be in (0, 1], got "+pyfmt.DecimalStr(p)))
		return nil
	}
	return cfg
}

func (v *validator) symbols(item *value, loc string) []string {
	if item.kind == kNone {
		return nil
	}
	if item.kind != kList {
		v.add(loc, "Input should be a valid list")
		return nil
	}
	out := make([]string, 0, len(item.list))
	for i, s := range item.list {
		where := join(loc, fmt.Sprint(i))
		switch {
		case s.kind != kStr:
			v.add(where, "Input should be a valid string")
		case s.s == "":
			v.add(where, "String should have at least 1 character")
		default:
			out = append(out, s.s)
		}
	}
	return out
}

func (v *validator) model(item *value, loc, class string) bool {
	if item.kind != kDict {
		v.add(loc, "Input should be a valid dictionary or instance of "+class)
		return false
	}
	return true
}

type present struct {
	name  string
	value any // *apd.Decimal, *big.Int or []Tier; nil when absent
}

func isSet(p present) bool {
	switch x := p.value.(type) {
	case *apd.Decimal:
		return x != nil
	case *big.Int:
		return x != nil
	case []Tier:
		return x != nil
	}
	return false
}

// require is _require: the model's required keys must be given, and no key it does not use may be.
func require(model string, fields []present, required, allowed []string) string {
	in := func(name string, names []string) bool {
		for _, n := range names {
			if n == name {
				return true
			}
		}
		return false
	}
	for _, key := range required {
		for _, f := range fields {
			if f.name == key && !isSet(f) {
				return key + " is required by model " + model
			}
		}
	}
	for _, f := range fields {
		if isSet(f) && !in(f.name, required) && !in(f.name, allowed) {
			return f.name + " is not used by model " + model + "; remove it or choose another model"
		}
	}
	return ""
}

var maxBps = apd.New(10000, 0)

func (v *validator) slippage(item *value, loc string) *Slippage {
	if !v.model(item, loc, "SlippageConfig") {
		return nil
	}
	s := &Slippage{Model: "none"}
	failed := v.fields(item, loc, []string{"model", "bps", "impact", "max_bps", "seed"}, func(name string, x *value) {
		where := join(loc, name)
		switch name {
		case "model":
			s.Model, _ = v.literal(x, where, []string{"none", "fixed_bps", "volume_share", "random"})
		case "bps":
			s.Bps, _ = v.decimal(x, where, true)
		case "impact":
			s.Impact, _ = v.decimal(x, where, true)
		case "max_bps":
			s.MaxBps, _ = v.decimal(x, where, true)
		case "seed":
			s.Seed, _ = v.strictInt(x, where, true)
		}
	})
	if failed > 0 {
		return nil
	}
	rules := map[string][2][]string{
		"none":         {nil, nil},
		"fixed_bps":    {{"bps"}, nil},
		"random":       {{"bps"}, {"seed"}},
		"volume_share": {{"impact", "max_bps"}, {"bps"}},
	}
	fields := []present{{"bps", s.Bps}, {"impact", s.Impact}, {"max_bps", s.MaxBps}, {"seed", s.Seed}}
	if msg := require(s.Model, fields, rules[s.Model][0], rules[s.Model][1]); msg != "" {
		v.add(loc, valueError(msg))
		return nil
	}
	for _, f := range []present{{"bps", s.Bps}, {"max_bps", s.MaxBps}} {
		d := f.value.(*apd.Decimal)
		if d != nil && !(d.Sign() >= 0 && d.Cmp(maxBps) < 0) {
			v.add(loc, valueError(f.name+" must be in [0, 10000) basis points, got "+pyfmt.DecimalStr(d)))
			return nil
		}
	}
	if s.Impact != nil && s.Impact.Sign() < 0 {
		v.add(loc, valueError("impact must be >= 0, got "+pyfmt.DecimalStr(s.Impact)))
		return nil
	}
	return s
}

func (v *validator) commission(item *value, loc string) *Commission {
	if !v.model(item, loc, "CommissionConfig") {
		return nil
	}
	c := &Commission{Model: "none", Decimals: 6}
	failed := v.fields(item, loc, []string{"model", "rate", "minimum", "maximum", "tiers", "decimals"},
		func(name string, x *value) {
			where := join(loc, name)
			switch name {
			case "model":
				c.Model, _ = v.literal(x, where, []string{"none", "per_share", "per_order", "percent", "tiered"})
			case "rate":
				c.Rate, _ = v.decimal(x, where, true)
			case "minimum":
				c.Minimum, _ = v.decimal(x, where, true)
			case "maximum":
				c.Maximum, _ = v.decimal(x, where, true)
			case "tiers":
				c.Tiers = v.tiers(x, where)
			case "decimals":
				c.Decimals, _ = v.places(x, where)
			}
		})
	if failed > 0 {
		return nil
	}
	fields := []present{{"rate", c.Rate}, {"minimum", c.Minimum}, {"maximum", c.Maximum}, {"tiers", c.Tiers}}
	var msg string
	switch c.Model {
	case "none":
		msg = require("none", fields, nil, nil)
	case "tiered":
		msg = require("tiered", fields, []string{"tiers"}, []string{"minimum", "maximum"})
	default:
		msg = require(c.Model, fields, []string{"rate"}, []string{"minimum", "maximum"})
	}
	if msg == "" {
		for _, f := range fields[:3] {
			d := f.value.(*apd.Decimal)
			if d != nil && d.Sign() < 0 {
				msg = f.name + " must be >= 0, got " + pyfmt.DecimalStr(d)
				break
			}
		}
	}
	if msg == "" && c.Minimum != nil && c.Maximum != nil && c.Maximum.Cmp(c.Minimum) < 0 {
		msg = fmt.Sprintf("maximum (%s) must be >= minimum (%s)", pyfmt.DecimalStr(c.Maximum),
			pyfmt.DecimalStr(c.Minimum))
	}
	if msg == "" && c.Tiers != nil {
		msg = checkTiers(c.Tiers)
	}
	if msg != "" {
		v.add(loc, valueError(msg))
		return nil
	}
	return c
}

// tiers reads list[TierConfig] | None; a present list (even empty) is non-nil.
func (v *validator) tiers(item *value, loc string) []Tier {
	if item.kind == kNone {
		return nil
	}
	if item.kind != kList {
		v.add(loc, "Input should be a valid list")
		return nil
	}
	out := make([]Tier, 0, len(item.list))
	for i, x := range item.list {
		where := join(loc, fmt.Sprint(i))
		if !v.model(x, where, "TierConfig") {
			continue
		}
		var tier Tier
		rateSeen := false
		v.fields(x, where, []string{"up_to", "rate"}, func(name string, y *value) {
			switch name {
			case "up_to":
				tier.UpTo, _ = v.decimal(y, join(where, name), true)
			case "rate":
				rateSeen = true
				tier.Rate, _ = v.decimal(y, join(where, name), false)
			}
		})
		if !rateSeen {
			// Pydantic reports a missing required field at its place in the field order: rate is the last field,
			// but unknown keys are reported after the fields, so insert before them.
			v.insertBeforeExtras(where, join(where, "rate"), "Field required")
		}
		out = append(out, tier)
	}
	return out
}

// insertBeforeExtras adds a "Field required" problem before the unknown-key problems of the same object.
func (v *validator) insertBeforeExtras(objLoc, loc, message string) {
	entry := "execution." + loc + ": " + message
	prefix := "execution." + objLoc + "."
	at := len(v.problems)
	for at > 0 && strings.HasPrefix(v.problems[at-1], prefix) && strings.HasSuffix(v.problems[at-1], ": unknown key") {
		at--
	}
	v.problems = append(v.problems[:at], append([]string{entry}, v.problems[at:]...)...)
}

func checkTiers(tiers []Tier) string {
	if len(tiers) == 0 {
		return "tiers must list at least one tier"
	}
	previous := apd.New(0, 0)
	for i, tier := range tiers {
		if tier.Rate.Sign() < 0 {
			return fmt.Sprintf("tiers[%d].rate must be >= 0, got %s", i, pyfmt.DecimalStr(tier.Rate))
		}
		if tier.UpTo == nil {
			if i != len(tiers)-1 {
				return fmt.Sprintf("tiers[%d]: only the last tier may leave up_to out (it is open-ended)", i)
			}
			continue
		}
		if tier.UpTo.Cmp(previous) <= 0 {
			return fmt.Sprintf("tiers[%d].up_to must be greater than %s, got %s", i, pyfmt.DecimalStr(previous),
				pyfmt.DecimalStr(tier.UpTo))
		}
		previous = tier.UpTo
	}
	return ""
}
