package pyfmt

import (
	"testing"

	"github.com/cockroachdb/apd/v3"
)

// Expected spellings printed by CPython 3.11: str(Decimal(s)).
func TestDecimalStr(t *testing.T) {
	for _, c := range [][2]string{{"1E+3", "1E+3"}, {"0.5", "0.5"}, {"0.0000001", "1E-7"}, {"-0", "-0"},
		{"0E-7", "0E-7"}, {"123.4500", "123.4500"}, {"1.5E+3", "1.5E+3"}, {"1500.0", "1500.0"},
		{"0.000001", "0.000001"}, {"-12E-10", "-1.2E-9"}, {"0E+2", "0E+2"}} {
		d, _, err := apd.NewFromString(c[0])
		if err != nil {
			t.Fatal(err)
		}
		if got := DecimalStr(d); got != c[1] {
			t.Fatalf("str(Decimal(%q)) = %q, Python gives %q", c[0], got, c[1])
		}
	}
}

// Expected spellings printed by CPython 3.11: repr(s).
func TestRepr(t *testing.T) {
	for _, c := range [][2]string{{"abc", `'abc'`}, {"it's", `"it's"`}, {`a"b'c`, `'a"b\'c'`},
		{"tab\there", `'tab\there'`}, {"nl\n", `'nl\n'`}, {`back\`, `'back\\'`}, {"é", `'é'`},
		{"\x00", `'\x00'`}, {"\u00a0", `'\xa0'`}, {"\u200b", `'\u200b'`}, {"ö😀", `'ö😀'`}} {
		if got := Repr(c[0]); got != c[1] {
			t.Fatalf("repr(%q) = %s, Python gives %s", c[0], got, c[1])
		}
	}
}
