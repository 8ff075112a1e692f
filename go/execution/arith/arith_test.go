package arith

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// testdata/vectors.txt holds results computed by Python's decimal module with the same 100-digit context
// (testdata/gen_vectors.py): every spelling must be identical, trailing zeros and exponents included.
func TestMatchesPythonDecimal(t *testing.T) {
	f, err := os.Open("testdata/vectors.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	checked := 0
	for scanner.Scan() {
		parts := strings.Fields(scanner.Text())
		if len(parts) != 4 {
			continue
		}
		op, a, b, want := parts[0], MustParse(parts[1]), parts[2], parts[3]
		var got string
		switch op {
		case "add":
			got = Plain(Add(a, MustParse(b)))
		case "sub":
			got = Plain(Sub(a, MustParse(b)))
		case "mul":
			got = Plain(Mul(a, MustParse(b)))
		case "div":
			got = Plain(Div(a, MustParse(b)))
		case "qhe", "qfl":
			places, _ := strconv.Atoi(b)
			rounding := HalfEven
			if op == "qfl" {
				rounding = Floor
			}
			got = Plain(Quantize(a, places, rounding))
		case "cmp":
			got = strconv.Itoa(Cmp(a, MustParse(b)))
		default:
			t.Fatalf("unknown op %s", op)
		}
		if got != want {
			t.Fatalf("%s %s %s: got %s, Python gives %s", op, parts[1], b, got, want)
		}
		checked++
	}
	if checked < 1000 {
		t.Fatalf("only %d vectors checked", checked)
	}
}

func TestDivIdealExponent(t *testing.T) {
	// Python: Decimal(6170) / Decimal(10000) == Decimal("0.617"); 10108.00 / 100 == 101.08 (ideal exp -2 - 0)
	for _, c := range [][3]string{{"6170", "10000", "0.617"}, {"10108.00", "100", "101.08"}, {"10", "2", "5"},
		{"1E+3", "1", "1000"}, {"0", "5.00", "0"}, {"1", "4", "0.25"}} {
		if got := Plain(Div(MustParse(c[0]), MustParse(c[1]))); got != c[2] {
			t.Fatalf("%s / %s = %s, want %s", c[0], c[1], got, c[2])
		}
	}
}

func TestAtMostKeepsShortSpelling(t *testing.T) {
	if got := Plain(AtMost(MustParse("1.50"), 6)); got != "1.50" {
		t.Fatalf("1.50 at most 6 places: %s", got)
	}
	// 101.080707 -> 2 places, half even: 101.08
	if got := Plain(AtMost(MustParse("101.080707"), 2)); got != "101.08" {
		t.Fatalf("101.080707 at most 2 places: %s", got)
	}
	// 0.125 -> 2 places half even: 0.12 (the 2 is even)
	if got := Plain(AtMost(MustParse("0.125"), 2)); got != "0.12" {
		t.Fatalf("0.125: %s", got)
	}
}

func TestPlainAndContractSpelling(t *testing.T) {
	for _, c := range [][3]string{{"-0", "-0", "0"}, {"-0.00", "-0.00", "0.00"}, {"1E+3", "1000", "1000"},
		{"0E+2", "0", "0"}, {"0E-5", "0.00000", "0.00000"}, {"5E-13", "0.0000000000005", "0.0000000000005"},
		{"-1.20", "-1.20", "-1.20"}} {
		v := MustParse(c[0])
		if got := Plain(v); got != c[1] {
			t.Fatalf("Plain(%s) = %s, want %s", c[0], got, c[1])
		}
		if got := Contract(v); got != c[2] {
			t.Fatalf("Contract(%s) = %s, want %s", c[0], got, c[2])
		}
	}
}

func TestMinMaxTiesKeepTheFirst(t *testing.T) {
	a, b := MustParse("100"), MustParse("100.00")
	if Plain(Min(a, b)) != "100" || Plain(Max(a, b)) != "100" || Plain(Min(b, a)) != "100.00" {
		t.Fatal("Python's min/max return the first of equal values")
	}
}

func TestParseContract(t *testing.T) {
	for _, ok := range []string{"0", "-0", "1.5", "123456789012345678901234.123456789012"} {
		if _, err := ParseContract(ok); err != nil {
			t.Fatalf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"1e3", "NaN", "01", "1.", ".5", "1.1234567890123", ""} {
		if _, err := ParseContract(bad); err == nil {
			t.Fatalf("%q must be refused", bad)
		}
	}
}
