// Package arith is the execution service's decimal arithmetic, equal digit for digit to Python's decimal module
// as python/src/qtrader/services/execution/arith.py uses it: a 100-digit context, ROUND_HALF_EVEN, exact sums
// and products (the contracts' decimals have at most 38 digits), rounding only where a caller quantizes.
//
// It sits on github.com/cockroachdb/apd/v3 (General Decimal Arithmetic, the specification Python's decimal
// implements) and corrects the two places where apd's results are spelled differently from Python's:
//   - an exact quotient takes Python's "ideal exponent" (exp(a) - exp(b), or as close as the digits allow):
//     6170 / 10000 is 0.617, not 0.6170000...;
//   - plain notation ("f" format) writes a zero with a positive exponent as "0", like Python.
//
// Values are *apd.Decimal treated as immutable: every function returns a new value and never changes its
// arguments. Arithmetic errors (division by zero, an invalid operation) cannot happen on validated inputs; they
// panic with a message, which the gRPC layer turns into an INTERNAL status.
package arith

import (
	"fmt"
	"regexp"

	"github.com/cockroachdb/apd/v3"
)

// Precision of every operation (Python: Context(prec=100)).
const Precision = 100

var (
	halfEven = &apd.Context{Precision: Precision, Rounding: apd.RoundHalfEven, MaxExponent: apd.MaxExponent,
		MinExponent: apd.MinExponent, Traps: apd.DefaultTraps}
	floor = &apd.Context{Precision: Precision, Rounding: apd.RoundFloor, MaxExponent: apd.MaxExponent,
		MinExponent: apd.MinExponent, Traps: apd.DefaultTraps}
)

// Constants (never modify them).
var (
	Zero       = apd.New(0, 0)
	One        = apd.New(1, 0)
	Hundred    = apd.New(100, 0)
	BpsPerUnit = apd.New(10000, 0)
)

// Rounding is a rounding mode of Quantize.
type Rounding int

const (
	// HalfEven is Python's ROUND_HALF_EVEN.
	HalfEven Rounding = iota
	// Floor is Python's ROUND_FLOOR (towards -infinity).
	Floor
)

func must(op string, err error) {
	if err != nil {
		panic(fmt.Sprintf("decimal %s failed: %v (a bug: inputs are validated before arithmetic)", op, err))
	}
}

// Add is a + b, exact.
func Add(a, b *apd.Decimal) *apd.Decimal {
	d := new(apd.Decimal)
	_, err := halfEven.Add(d, a, b)
	must("add", err)
	return d
}

// Sub is a - b, exact.
func Sub(a, b *apd.Decimal) *apd.Decimal {
	d := new(apd.Decimal)
	_, err := halfEven.Sub(d, a, b)
	must("subtract", err)
	return d
}

// Mul is a * b, exact.
func Mul(a, b *apd.Decimal) *apd.Decimal {
	d := new(apd.Decimal)
	_, err := halfEven.Mul(d, a, b)
	must("multiply", err)
	return d
}

// Div is a / b rounded to 100 significant digits, ROUND_HALF_EVEN; an exact quotient gets Python's ideal
// exponent exp(a) - exp(b) when its digits allow it (trailing zeros are dropped down to it).
func Div(a, b *apd.Decimal) *apd.Decimal {
	d := new(apd.Decimal)
	cond, err := halfEven.Quo(d, a, b)
	must("divide", err)
	if cond.Inexact() || d.Form != apd.Finite {
		return d
	}
	ideal := a.Exponent - b.Exponent
	if d.IsZero() {
		d.Exponent = ideal
		return d
	}
	if d.Exponent >= ideal {
		return d
	}
	var q, r apd.BigInt
	ten := apd.NewBigInt(10)
	for d.Exponent < ideal {
		q.QuoRem(&d.Coeff, ten, &r)
		if r.Sign() != 0 {
			break
		}
		d.Coeff.Set(&q)
		d.Exponent++
	}
	return d
}

// Quantize rounds to exactly places fraction digits with the given rounding (Python: quantize(1E-places)).
func Quantize(v *apd.Decimal, places int, rounding Rounding) *apd.Decimal {
	ctx := halfEven
	if rounding == Floor {
		ctx = floor
	}
	d := new(apd.Decimal)
	_, err := ctx.Quantize(d, v, int32(-places))
	must("quantize", err)
	return d
}

// AtMost rounds to at most places fraction digits: a value that already has fewer keeps its spelling.
func AtMost(v *apd.Decimal, places int) *apd.Decimal {
	if v.Exponent >= int32(-places) {
		return v
	}
	return Quantize(v, places, HalfEven)
}

// Cmp compares by value: -1, 0 or +1.
func Cmp(a, b *apd.Decimal) int { return a.Cmp(b) }

// Less is a < b by value.
func Less(a, b *apd.Decimal) bool { return a.Cmp(b) < 0 }

// Min is Python's min(a, b): a unless b is strictly smaller (so a tie keeps a's spelling).
func Min(a, b *apd.Decimal) *apd.Decimal {
	if b.Cmp(a) < 0 {
		return b
	}
	return a
}

// Max is Python's max(a, b): a unless b is strictly greater.
func Max(a, b *apd.Decimal) *apd.Decimal {
	if b.Cmp(a) > 0 {
		return b
	}
	return a
}

// Sign is -1, 0 or +1 (a negative zero is 0).
func Sign(v *apd.Decimal) int { return v.Sign() }

// Plain is Python's format(v, "f"): plain notation, the sign of a negative zero kept ("-0.00").
func Plain(v *apd.Decimal) string {
	if v.Form != apd.Finite {
		return v.Text('f')
	}
	digits := v.Coeff.String()
	sign := ""
	if v.Negative {
		sign = "-"
	}
	exp := int(v.Exponent)
	if exp >= 0 {
		if v.Coeff.Sign() == 0 {
			return sign + "0"
		}
		out := make([]byte, 0, len(digits)+exp)
		out = append(out, digits...)
		for i := 0; i < exp; i++ {
			out = append(out, '0')
		}
		return sign + string(out)
	}
	frac := -exp
	if len(digits) <= frac {
		pad := frac - len(digits)
		out := make([]byte, 0, 2+frac)
		out = append(out, '0', '.')
		for i := 0; i < pad; i++ {
			out = append(out, '0')
		}
		out = append(out, digits...)
		return sign + string(out)
	}
	cut := len(digits) - frac
	return sign + digits[:cut] + "." + digits[cut:]
}

// Contract is how a decimal is written into an event (qtrader.contracts.scalars.decimal_to_str): plain
// notation, and a negative zero loses its sign ("-0.00" -> "0.00").
func Contract(v *apd.Decimal) string {
	text := Plain(v)
	if v.Negative && v.IsZero() {
		return text[1:]
	}
	return text
}

var contractPattern = regexp.MustCompile(`^-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,12})?$`)

// ParseContract reads a decimal as the contracts write it ("123.45": plain notation, at most 26 integer and 12
// fraction digits); anything else is an error naming the value.
func ParseContract(text string) (*apd.Decimal, error) {
	if !contractPattern.MatchString(text) {
		return nil, fmt.Errorf("decimal must be a string in plain notation like '123.45' (no exponent, NaN or "+
			"Infinity, at most 12 fraction digits), got %q", text)
	}
	d, _, err := apd.NewFromString(text)
	if err != nil {
		return nil, fmt.Errorf("not a decimal: %q", text)
	}
	return d, nil
}

// MustParse is ParseContract for constants and tests; it panics on a bad value.
func MustParse(text string) *apd.Decimal {
	d, _, err := apd.NewFromString(text)
	if err != nil {
		panic(err)
	}
	return d
}

// FromInt64 is Decimal(n) (exponent 0).
func FromInt64(n int64) *apd.Decimal { return apd.New(n, 0) }
