package check

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"qtrader/go/pyfmt"
)

// decimalText is Python's Decimal(str) grammar for a finite number (python: checker.DECIMAL_TEXT_RE).
var decimalText = regexp.MustCompile(`^[+-]?([0-9](_?[0-9])*(\.([0-9](_?[0-9])*)?)?|\.[0-9](_?[0-9])*)([eE][+-]?[0-9](_?[0-9])*)?$`)

// parseText is Decimal(text.strip()) for a finite decimal; nil otherwise.
func parseText(text string) *apd.Decimal {
	s := strings.TrimSpace(text)
	if !decimalText.MatchString(s) {
		return nil
	}
	s = strings.TrimPrefix(strings.ReplaceAll(s, "_", ""), "+")
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "-.") {
		s = strings.Replace(s, ".", "0.", 1)
	}
	d, _, err := apd.NewFromString(s)
	if err != nil {
		return nil
	}
	return d
}

// asDecimal is a number or a decimal string as a decimal (python: checker.as_decimal); nil otherwise. A float
// (a number with a dot or an exponent) is read by its shortest spelling, as Python's Decimal(repr(float)).
func asDecimal(v *Value) *apd.Decimal {
	switch v.Kind {
	case String:
		return parseText(v.Str)
	case Number:
		if v.isInteger() {
			return parseText(v.Num)
		}
		f, err := strconv.ParseFloat(v.Num, 64)
		if err != nil {
			return nil
		}
		return parseText(FloatRepr(f))
	}
	return nil
}

// DecimalText is a config decimal's normalized text, str(Decimal) (python: checker.decimal_text); "" when the
// value is not a finite decimal.
func DecimalText(v *Value) string {
	d := asDecimal(v)
	if d == nil {
		return ""
	}
	return pyfmt.DecimalStr(d)
}

// FloatRepr is Python's repr(float): the shortest round-trip digits, fixed notation for exponents -4..15 with
// ".0" for a whole number, scientific ("1e-05", "1e+16") otherwise.
func FloatRepr(f float64) string {
	text := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	sign := ""
	if text[0] == '-' {
		sign, text = "-", text[1:]
	}
	mant, expText, _ := strings.Cut(text, "e")
	exp, _ := strconv.Atoi(expText)
	digits := strings.Replace(mant, ".", "", 1)
	decpt := exp + 1
	if decpt > -4 && decpt <= 16 {
		switch {
		case decpt <= 0:
			return sign + "0." + strings.Repeat("0", -decpt) + digits
		case decpt >= len(digits):
			return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
		default:
			return sign + digits[:decpt] + "." + digits[decpt:]
		}
	}
	out := digits[:1]
	if len(digits) > 1 {
		out += "." + digits[1:]
	}
	if exp < 0 {
		return fmt.Sprintf("%s%se-%02d", sign, out, -exp)
	}
	return fmt.Sprintf("%s%se+%02d", sign, out, exp)
}
