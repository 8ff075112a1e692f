package config

import (
	"regexp"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// pyDecimalText is the grammar of Python's Decimal(str) (surrounding whitespace stripped): a finite number
// with optional sign, dot and exponent, single underscores allowed between digits; or Infinity/Inf/NaN/sNaN
// in any case.
var (
	pyDecimalFinite  = regexp.MustCompile(`^[+-]?(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d(_?\d)*)?$`)
	pyDecimalSpecial = regexp.MustCompile(`^[+-]?(?i:(inf|infinity|nan(\d(_?\d)*)?|snan(\d(_?\d)*)?))$`)
)

// parsePyDecimal is Decimal(text.strip()): ok is false when Python raises InvalidOperation; finite is false for
// infinities and NaNs (which Python accepts and the config then refuses).
func parsePyDecimal(text string) (d *apd.Decimal, finite bool, ok bool) {
	s := strings.TrimSpace(text)
	if pyDecimalSpecial.MatchString(s) {
		return nil, false, true
	}
	if !pyDecimalFinite.MatchString(s) {
		return nil, false, false
	}
	s = strings.ReplaceAll(s, "_", "")
	if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "-.") {
		s = strings.Replace(s, ".", "0.", 1)
	}
	d, _, err := apd.NewFromString(s)
	if err != nil {
		return nil, false, false
	}
	return d, true, true
}
