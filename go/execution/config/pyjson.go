package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"qtrader/go/pyfmt"
)

// kind is the Python type a config value has after the Python host reads the Reset text with yaml.safe_load.
type kind int

const (
	kNone kind = iota
	kBool
	kInt
	kFloat
	kStr
	kList
	kDict
)

// value is one config value as Python sees it. Objects keep their key order (errors are reported in it).
type value struct {
	kind  kind
	b     bool
	i     *big.Int
	f     float64
	s     string
	list  []*value
	keys  []string
	items map[string]*value
}

// pyYAMLFloat is PyYAML's float pattern restricted to what JSON can spell: a dot is required, and an exponent
// needs its sign. Any other JSON number with a dot or an exponent is read by PyYAML as a string ("1e3").
var pyYAMLFloat = regexp.MustCompile(`^-?[0-9]+\.[0-9]*([eE][-+][0-9]+)?$`)

// parseJSON reads the Reset text like the Python host's yaml.safe_load does for JSON text: objects in key
// order (a repeated key keeps its first place and its last value), integers as ints, "1.5" as a float, "1e3"
// as a string.
func parseJSON(text string) (*value, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := readValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}

func readValue(dec *json.Decoder) (*value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v := &value{kind: kDict, items: map[string]*value{}}
			for dec.More() {
				keyTok, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key := keyTok.(string)
				item, err := readValue(dec)
				if err != nil {
					return nil, err
				}
				if _, seen := v.items[key]; !seen {
					v.keys = append(v.keys, key)
				}
				v.items[key] = item
			}
			_, err := dec.Token()
			return v, err
		case '[':
			v := &value{kind: kList}
			for dec.More() {
				item, err := readValue(dec)
				if err != nil {
					return nil, err
				}
				v.list = append(v.list, item)
			}
			_, err := dec.Token()
			return v, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case nil:
		return &value{kind: kNone}, nil
	case bool:
		return &value{kind: kBool, b: t}, nil
	case string:
		return &value{kind: kStr, s: t}, nil
	case json.Number:
		text := string(t)
		if !strings.ContainsAny(text, ".eE") {
			i, ok := new(big.Int).SetString(text, 10)
			if !ok {
				return nil, fmt.Errorf("bad integer %s", text)
			}
			return &value{kind: kInt, i: i}, nil
		}
		if pyYAMLFloat.MatchString(text) {
			f, err := strconv.ParseFloat(text, 64)
			if err != nil {
				return nil, fmt.Errorf("bad number %s", text)
			}
			return &value{kind: kFloat, f: f}, nil
		}
		return &value{kind: kStr, s: text}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// floatRepr is Python's repr(float): the shortest round-trip digits, fixed notation for exponents -4..15 with
// ".0" for a whole number, scientific ("1e-05", "1e+16") otherwise.
func floatRepr(f float64) string {
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

// repr is Python's repr of the value (for error messages).
func (v *value) repr() string {
	switch v.kind {
	case kNone:
		return "None"
	case kBool:
		if v.b {
			return "True"
		}
		return "False"
	case kInt:
		return v.i.String()
	case kFloat:
		return floatRepr(v.f)
	case kStr:
		return pyfmt.Repr(v.s)
	case kList:
		var b bytes.Buffer
		b.WriteByte('[')
		for i, item := range v.list {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(item.repr())
		}
		b.WriteByte(']')
		return b.String()
	default:
		var b bytes.Buffer
		b.WriteByte('{')
		for i, key := range v.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pyfmt.Repr(key) + ": " + v.items[key].repr())
		}
		b.WriteByte('}')
		return b.String()
	}
}

// typeName is Python's type(value).__name__.
func (v *value) typeName() string {
	return [...]string{"NoneType", "bool", "int", "float", "str", "list", "dict"}[v.kind]
}
