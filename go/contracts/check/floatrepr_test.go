package check

import (
	"math"
	"testing"
)

// Python's repr(float), printed by CPython: repr(x) for each value.
func TestFloatRepr(t *testing.T) {
	tenth, fifth := 0.1, 0.2 // variables: constant arithmetic would be exact
	for _, c := range []struct {
		f    float64
		want string
	}{{100, "100.0"}, {0.005, "0.005"}, {1e-05, "1e-05"}, {1e16, "1e+16"}, {1e15, "1000000000000000.0"},
		{0.0001, "0.0001"}, {1.5e300, "1.5e+300"}, {math.Copysign(0, -1), "-0.0"}, {tenth + fifth, "0.30000000000000004"}} {
		if got := FloatRepr(c.f); got != c.want {
			t.Errorf("repr(%v) = %s, want %s", c.f, got, c.want)
		}
	}
}

// A config decimal's normalized text is Python's str(Decimal) of the value read by the one rule.
func TestDecimalText(t *testing.T) {
	for _, c := range [][2]string{{`"0.005"`, "0.005"}, {`0.005`, "0.005"}, {`5`, "5"}, {`1e3`, "1E+3"},
		{`1.5e+3`, "1500.0"}, {`" 1_000.50 "`, "1000.50"}, {`"nan"`, ""}, {`"-Infinity"`, ""}, {`true`, ""},
		{`0.0000001e+10`, "1000.0"}, {`"abc"`, ""}, {`".5"`, "0.5"}, {`"+2"`, "2"}} {
		v, err := Parse(c[0], true)
		if err != nil {
			t.Fatal(err)
		}
		if got := DecimalText(v); got != c[1] {
			t.Errorf("%s: %q, want %q", c[0], got, c[1])
		}
	}
}
