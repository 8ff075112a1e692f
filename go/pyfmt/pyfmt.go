// Package pyfmt writes values the way Python's str() and repr() do, because the execution service's reasons
// and error messages embed them and must read exactly like the Python service's.
package pyfmt

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
)

// Repr is Python's repr(str): single quotes unless the text holds a ' and no ", escapes for backslash, the
// quote, \t \n \r and non-printable characters.
func Repr(s string) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			// not valid UTF-8: Python strings cannot hold this; write the byte escaped
			fmt.Fprintf(&b, "\\x%02x", s[i])
			i++
			continue
		}
		i += size
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(quote):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\x%02x", r)
		case r < 0x7f:
			b.WriteRune(r)
		case !unicode.IsPrint(r):
			switch {
			case r <= 0xff:
				fmt.Fprintf(&b, "\\x%02x", r)
			case r <= 0xffff:
				fmt.Fprintf(&b, "\\u%04x", r)
			default:
				fmt.Fprintf(&b, "\\U%08x", r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// DecimalStr is Python's str(Decimal): the General Decimal Arithmetic to-scientific-string ("1E+3", "0.5",
// "1E-7").
func DecimalStr(d *apd.Decimal) string {
	sign := ""
	if d.Negative {
		sign = "-"
	}
	switch d.Form {
	case apd.Infinite:
		return sign + "Infinity"
	case apd.NaN:
		return sign + "NaN"
	case apd.NaNSignaling:
		return sign + "sNaN"
	}
	digits := d.Coeff.String()
	exp := int(d.Exponent)
	left := exp + len(digits)
	dot := 1
	if exp <= 0 && left > -6 {
		dot = left
	}
	var intPart, fracPart string
	switch {
	case dot <= 0:
		intPart = "0"
		fracPart = "." + strings.Repeat("0", -dot) + digits
	case dot >= len(digits):
		intPart = digits + strings.Repeat("0", dot-len(digits))
	default:
		intPart = digits[:dot]
		fracPart = "." + digits[dot:]
	}
	expPart := ""
	if left != dot {
		e := left - dot
		if e >= 0 {
			expPart = "E+" + strconv.Itoa(e)
		} else {
			expPart = "E" + strconv.Itoa(e)
		}
	}
	return sign + intPart + fracPart + expPart
}
