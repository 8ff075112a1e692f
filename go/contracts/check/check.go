package check

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cockroachdb/apd/v3"

	"qtrader/go/gen/contracts"
)

// Problem is one broken rule: where (keys and list indexes) and the rule's message.
type Problem struct {
	Path    []any // string keys, int indexes
	Message string
}

// PathText joins a path as the table says: keys with ".", indexes as "[i]" (commission.tiers[0].rate).
func PathText(path []any) string {
	var b strings.Builder
	for _, part := range path {
		switch p := part.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", p)
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p)
		}
	}
	return b.String()
}

// Text is the problem in the table's format, prefix naming the section (execution) or empty.
func (p Problem) Text(prefix string) string {
	where := PathText(p.Path)
	switch {
	case prefix != "" && where != "" && strings.HasPrefix(where, "["):
		where = prefix + where
	case prefix != "" && where != "":
		where = prefix + "." + where
	case where == "" && prefix != "":
		where = prefix
	case where == "":
		where = "(root)"
	}
	return strings.NewReplacer("{path}", where, "{rule}", p.Message).Replace(table().problem)
}

type messageTable struct {
	problem, join string
	types, rules  map[string]string
}

var (
	tableOnce sync.Once
	tableData messageTable
)

func table() *messageTable {
	tableOnce.Do(func() {
		raw, err := contracts.FS.ReadFile("messages.v1.json")
		if err != nil {
			panic(err)
		}
		v, err := Parse(string(raw), false)
		if err != nil {
			panic(err)
		}
		tableData = messageTable{problem: v.Get("problem").Str, join: v.Get("join").Str, types: map[string]string{},
			rules: map[string]string{}}
		for _, k := range v.Get("types").Keys {
			tableData.types[k] = v.Get("types").Items[k].Str
		}
		for _, k := range v.Get("rules").Keys {
			tableData.rules[k] = v.Get("rules").Items[k].Str
		}
	})
	return &tableData
}

// Join is the table's separator of several problems.
func Join() string { return table().join }

// rule is a rule's message with its placeholders filled (name, value pairs).
func rule(name string, fields ...string) string {
	text := table().rules[name]
	for i := 0; i+1 < len(fields); i += 2 {
		text = strings.ReplaceAll(text, "{"+fields[i]+"}", fields[i+1])
	}
	return text
}

// Checker checks instances against schema documents keyed by $id.
type Checker struct{ docs map[string]*Value }

// NewChecker loads every bundled schema file under the given folders of go/gen/contracts (schemas, config).
func NewChecker(dirs ...string) (*Checker, error) {
	c := &Checker{docs: map[string]*Value{}}
	for _, dir := range dirs {
		if err := c.load(dir); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Checker) load(dir string) error {
	entries, err := contracts.FS.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := dir + "/" + e.Name()
		if e.IsDir() {
			if err := c.load(name); err != nil {
				return err
			}
			continue
		}
		raw, err := contracts.FS.ReadFile(name)
		if err != nil {
			return err
		}
		doc, err := Parse(string(raw), false)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		c.docs[doc.Get("$id").Str] = doc
	}
	return nil
}

// Check returns the normalized copy of the instance (defaults filled in, config decimals as str(Decimal)) and
// its problems, in schema order.
func (c *Checker) Check(schemaID string, instance *Value) (*Value, []Problem) {
	w := &walk{c: c}
	doc, ok := c.docs[schemaID]
	if !ok {
		panic("check: no schema " + schemaID)
	}
	out := w.node(doc, instance.Clone(), nil, schemaID)
	return out, w.problems
}

type walk struct {
	c        *Checker
	problems []Problem
}

func (w *walk) add(path []any, message string) {
	w.problems = append(w.problems, Problem{append([]any(nil), path...), message})
}

func with(path []any, part any) []any { return append(append([]any(nil), path...), part) }

func (w *walk) resolve(ref, base string) (*Value, string) {
	b, err := url.Parse(base)
	if err != nil {
		panic(err)
	}
	r, err := url.Parse(ref)
	if err != nil {
		panic(err)
	}
	full := b.ResolveReference(r)
	fragment := full.Fragment
	full.Fragment = ""
	target := w.c.docs[full.String()]
	if target == nil {
		panic("check: unresolved $ref " + ref + " from " + base)
	}
	for _, part := range strings.Split(fragment, "/") {
		if part != "" {
			target = target.Get(strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~"))
		}
	}
	return target, full.String()
}

var typeOK = map[string]func(*Value) bool{
	"object":  func(v *Value) bool { return v.Kind == Object },
	"array":   func(v *Value) bool { return v.Kind == Array },
	"string":  func(v *Value) bool { return v.Kind == String },
	"boolean": func(v *Value) bool { return v.Kind == Bool },
	"integer": func(v *Value) bool { return v.isInteger() },
	"number":  func(v *Value) bool { return v.Kind == Number },
	"null":    func(v *Value) bool { return v.Kind == Null },
}

func (w *walk) node(schema, value *Value, path []any, base string) *Value {
	if schema.Kind == Bool {
		if !schema.Bool {
			w.add(path, rule("false"))
		}
		return value
	}
	before := len(w.problems)
	if ref := schema.Get("$ref"); ref != nil {
		target, targetBase := w.resolve(ref.Str, base)
		value = w.node(target, value, path, targetBase)
		if len(w.problems) > before {
			return value
		}
	}
	if dec := schema.Get("x-decimal"); dec != nil && dec.Bool {
		text := DecimalText(value)
		if text == "" || value.Kind == Bool {
			w.add(path, rule("decimal"))
			return value
		}
		value = Str(text)
	} else if t := schema.Get("type"); t != nil {
		kinds := []string{t.Str}
		if t.Kind == Array {
			kinds = nil
			for _, k := range t.List {
				kinds = append(kinds, k.Str)
			}
		}
		ok := false
		names := make([]string, len(kinds))
		for i, k := range kinds {
			ok = ok || typeOK[k](value)
			names[i] = table().types[k]
		}
		if !ok {
			w.add(path, rule("type", "types", strings.Join(names, " or ")))
			return value
		}
	}
	if c := schema.Get("const"); c != nil && !same(value, c) {
		w.add(path, rule("const", "value", jsonSpelling(c)))
		return value
	}
	if e := schema.Get("enum"); e != nil {
		found := false
		choices := make([]string, len(e.List))
		for i, choice := range e.List {
			found = found || same(value, choice)
			choices[i] = choice.Str
			if choice.Kind != String {
				choices[i] = jsonSpelling(choice)
			}
		}
		if !found {
			w.add(path, rule("enum", "choices", strings.Join(choices, ", ")))
			return value
		}
	}
	if value.Kind == String && !w.str(schema, value.Str, path) {
		return value
	}
	if !w.bounds(schema, value, path) {
		return value
	}
	switch value.Kind {
	case Array:
		return w.array(schema, value, path, base)
	case Object:
		return w.object(schema, value, path, base, before)
	}
	return value
}

func same(value, expected *Value) bool {
	if value.Kind != expected.Kind {
		return false
	}
	switch value.Kind {
	case Number:
		a, b := asDecimal(value), asDecimal(expected)
		return a != nil && b != nil && a.Cmp(b) == 0
	case String:
		return value.Str == expected.Str
	case Bool:
		return value.Bool == expected.Bool
	case Null:
		return true
	}
	return value.canonical() == expected.canonical()
}

func jsonSpelling(v *Value) string { return string(v.JSON()) }

var (
	patternMu sync.Mutex
	patterns  = map[string]*regexp.Regexp{}
)

func pattern(text string) *regexp.Regexp {
	patternMu.Lock()
	defer patternMu.Unlock()
	re, ok := patterns[text]
	if !ok {
		re = regexp.MustCompile(text)
		patterns[text] = re
	}
	return re
}

func formatOK(format, value string) bool {
	switch format {
	case "date":
		_, err := time.Parse("2006-01-02", value)
		return err == nil
	case "date-time":
		_, err := time.Parse(time.RFC3339Nano, value)
		return err == nil
	}
	return true
}

func intOf(v *Value) int {
	n, _ := strconv.Atoi(v.Num)
	return n
}

func (w *walk) str(schema *Value, s string, path []any) bool {
	length := len([]rune(s))
	switch {
	case schema.Get("minLength") != nil && length < intOf(schema.Get("minLength")):
		w.add(path, rule("minLength", "limit", schema.Get("minLength").Num))
	case schema.Get("maxLength") != nil && length > intOf(schema.Get("maxLength")):
		w.add(path, rule("maxLength", "limit", schema.Get("maxLength").Num))
	case schema.Get("pattern") != nil && !pattern(schema.Get("pattern").Str).MatchString(s):
		w.add(path, rule("pattern", "pattern", schema.Get("pattern").Str))
	case schema.Get("format") != nil && !formatOK(schema.Get("format").Str, s):
		w.add(path, rule("format", "format", schema.Get("format").Str))
	default:
		return true
	}
	return false
}

var boundNames = []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}

func (w *walk) bounds(schema, value *Value, path []any) bool {
	any := schema.Get("x-scale") != nil
	for _, name := range boundNames {
		any = any || schema.Get(name) != nil
	}
	if !any || value.Kind == Bool {
		return true
	}
	number := asDecimal(value)
	if number == nil {
		return true
	}
	for _, name := range boundNames {
		bound := schema.Get(name)
		if bound == nil {
			continue
		}
		cmp := number.Cmp(asDecimal(bound))
		holds := map[string]bool{"minimum": cmp >= 0, "maximum": cmp <= 0, "exclusiveMinimum": cmp > 0,
			"exclusiveMaximum": cmp < 0}[name]
		if !holds {
			w.add(path, rule(name, "limit", jsonSpelling(bound)))
			return false
		}
	}
	if scale := schema.Get("x-scale"); scale != nil && -int(number.Exponent) > intOf(scale) {
		w.add(path, rule("scale", "limit", scale.Num))
		return false
	}
	return true
}

func (w *walk) array(schema, value *Value, path []any, base string) *Value {
	if m := schema.Get("minItems"); m != nil && len(value.List) < intOf(m) {
		w.add(path, rule("minItems", "limit", m.Num))
		return value
	}
	if m := schema.Get("maxItems"); m != nil && len(value.List) > intOf(m) {
		w.add(path, rule("maxItems", "limit", m.Num))
		return value
	}
	if u := schema.Get("uniqueItems"); u != nil && u.Bool {
		seen := map[string]bool{}
		for _, item := range value.List {
			seen[item.canonical()] = true
		}
		if len(seen) < len(value.List) {
			w.add(path, rule("uniqueItems"))
			return value
		}
	}
	if items := schema.Get("items"); items != nil {
		for i, item := range value.List {
			value.List[i] = w.node(items, item, with(path, i), base)
		}
	}
	return value
}

func (w *walk) object(schema, value *Value, path []any, base string, before int) *Value {
	props := schema.Get("properties")
	if props != nil {
		for _, name := range props.Keys {
			prop := props.Items[name]
			if value.Get(name) == nil {
				def := prop.Get("default")
				if def == nil {
					continue
				}
				value.Set(name, def.Clone())
			}
			value.Items[name] = w.node(prop, value.Items[name], with(path, name), base)
		}
	}
	if req := schema.Get("required"); req != nil {
		for _, name := range req.List {
			if value.Get(name.Str) == nil {
				w.add(with(path, name.Str), rule("required"))
			}
		}
	}
	extra := schema.Get("additionalProperties")
	names := schema.Get("propertyNames")
	for _, key := range append([]string(nil), value.Keys...) {
		if props.Get(key) != nil {
			continue
		}
		if extra != nil && extra.Kind == Bool && !extra.Bool {
			w.add(with(path, key), rule("additionalProperties"))
			continue
		}
		if names != nil {
			inner := &walk{c: w.c}
			inner.node(names, Str(key), with(path, key), base)
			if len(inner.problems) > 0 {
				w.add(with(path, key), rule("propertyNames", "rule", inner.problems[0].Message))
				continue
			}
		}
		if extra != nil && extra.Kind == Object {
			value.Items[key] = w.node(extra, value.Items[key], with(path, key), base)
		}
	}
	if dep := schema.Get("dependentRequired"); dep != nil {
		for _, name := range dep.Keys {
			if value.Get(name) == nil {
				continue
			}
			for _, other := range dep.Items[name].List {
				if value.Get(other.Str) == nil {
					w.add(with(path, other.Str), rule("dependentRequired", "key", name))
				}
			}
		}
	}
	if cond := schema.Get("if"); cond != nil {
		trial := &walk{c: w.c}
		trial.node(cond, value.Clone(), path, base)
		branch := schema.Get("then")
		if len(trial.problems) > 0 {
			branch = schema.Get("else")
		}
		if branch != nil {
			value = w.node(branch, value, path, base)
		}
	}
	if rules := schema.Get("x-invariants"); rules != nil && len(w.problems) == before {
		for _, p := range Violations(value, rules) {
			w.add(append(append([]any(nil), path...), p.Path...), p.Message)
		}
	}
	return value
}

// Text of every problem, joined as the table says, each prefixed by the section.
func Text(problems []Problem, prefix string) string {
	out := make([]string, len(problems))
	for i, p := range problems {
		out[i] = p.Text(prefix)
	}
	return strings.Join(out, Join())
}

var _ = apd.New

// IDs lists the loaded schemas' $ids.
func (c *Checker) IDs() []string {
	out := make([]string, 0, len(c.docs))
	for id := range c.docs {
		out = append(out, id)
	}
	return out
}

// Doc is a loaded schema (nil when absent).
func (c *Checker) Doc(id string) *Value { return c.docs[id] }
