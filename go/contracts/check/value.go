// Package check is the schema checker every language shares (python: qtrader.contracts.checker): one walk over
// the bundled JSON Schemas (go/gen/contracts, copied from contracts/ by `make codegen`), one wording
// (contracts/messages.v1.json). It checks service configs (filling defaults and normalizing decimals) and the
// events a service consumes, naming the path and the rule a value breaks.
package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Kind is a JSON value's type.
type Kind int

const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// Value is a JSON value that keeps its objects' key order (problems are reported in it).
type Value struct {
	Kind  Kind
	Bool  bool
	Num   string // a number's text, as written
	Str   string
	List  []*Value
	Keys  []string
	Items map[string]*Value
}

// Get is an object's member (nil when absent).
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	return v.Items[key]
}

// Set adds or replaces an object member (a new key goes last).
func (v *Value) Set(key string, item *Value) {
	if _, ok := v.Items[key]; !ok {
		v.Keys = append(v.Keys, key)
	}
	v.Items[key] = item
}

// NewObject is an empty object.
func NewObject() *Value { return &Value{Kind: Object, Items: map[string]*Value{}} }

// Str is a string value.
func Str(s string) *Value { return &Value{Kind: String, Str: s} }

// Clone is a deep copy.
func (v *Value) Clone() *Value {
	c := *v
	if v.List != nil {
		c.List = make([]*Value, len(v.List))
		for i, item := range v.List {
			c.List[i] = item.Clone()
		}
	}
	if v.Items != nil {
		c.Keys = append([]string(nil), v.Keys...)
		c.Items = make(map[string]*Value, len(v.Items))
		for k, item := range v.Items {
			c.Items[k] = item.Clone()
		}
	}
	return &c
}

// yamlFloat is YAML 1.1's float spelling as far as JSON can write it (a dot, a signed exponent): the Python host
// reads a Reset config with its YAML loader (qtrader.safe_yaml, a yaml.SafeLoader), so a number like 1e3 is a string there, and is one here.
var yamlFloat = regexp.MustCompile(`^-?[0-9]+\.[0-9]*([eE][-+][0-9]+)?$`)

// Parse reads JSON text keeping key order (a repeated key keeps its first place and its last value). With
// yamlNumbers, numbers are read as the Python host's YAML loader (qtrader.safe_yaml) reads them: an integer, a float (a dot and a
// signed exponent, if any), or else a string.
func Parse(text string, yamlNumbers bool) (*Value, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := read(dec, yamlNumbers)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}

func read(dec *json.Decoder, yamlNumbers bool) (*Value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			v := NewObject()
			for dec.More() {
				key, err := dec.Token()
				if err != nil {
					return nil, err
				}
				item, err := read(dec, yamlNumbers)
				if err != nil {
					return nil, err
				}
				v.Set(key.(string), item)
			}
			_, err := dec.Token()
			return v, err
		}
		v := &Value{Kind: Array, List: []*Value{}}
		for dec.More() {
			item, err := read(dec, yamlNumbers)
			if err != nil {
				return nil, err
			}
			v.List = append(v.List, item)
		}
		_, err := dec.Token()
		return v, err
	case nil:
		return &Value{Kind: Null}, nil
	case bool:
		return &Value{Kind: Bool, Bool: t}, nil
	case string:
		return Str(t), nil
	case json.Number:
		text := string(t)
		if yamlNumbers && strings.ContainsAny(text, ".eE") && !yamlFloat.MatchString(text) {
			return Str(text), nil
		}
		return &Value{Kind: Number, Num: text}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// isInteger: a number written without a dot or exponent.
func (v *Value) isInteger() bool { return v.Kind == Number && !strings.ContainsAny(v.Num, ".eE") }

// JSON writes the value (keys in order; no HTML escaping).
func (v *Value) JSON() []byte {
	var b bytes.Buffer
	v.write(&b, false)
	return b.Bytes()
}

// canonical is the value with sorted keys (to compare items).
func (v *Value) canonical() string {
	var b bytes.Buffer
	v.write(&b, true)
	return b.String()
}

func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func (v *Value) write(b *bytes.Buffer, sorted bool) {
	switch v.Kind {
	case Null:
		b.WriteString("null")
	case Bool:
		b.WriteString(strconv.FormatBool(v.Bool))
	case Number:
		b.WriteString(v.Num)
	case String:
		b.WriteString(quote(v.Str))
	case Array:
		b.WriteByte('[')
		for i, item := range v.List {
			if i > 0 {
				b.WriteByte(',')
			}
			item.write(b, sorted)
		}
		b.WriteByte(']')
	case Object:
		keys := v.Keys
		if sorted {
			keys = append([]string(nil), keys...)
			sort.Strings(keys)
		}
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(quote(k) + ":")
			v.Items[k].write(b, sorted)
		}
		b.WriteByte('}')
	}
}
