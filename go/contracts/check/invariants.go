package check

import (
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
)

// comparable is a value as a cross-field rule compares it (python: invariants._comparable): a string that reads
// as a decimal is a decimal, else one with a T an instant, else a date, else text.
type comparable struct {
	kind int // 0 text, 1 decimal, 2 instant (dates too), 3 other
	d    *apd.Decimal
	t    time.Time
	s    string
}

func toComparable(v *Value) comparable {
	switch v.Kind {
	case String:
		if d := parseText(v.Str); d != nil {
			return comparable{kind: 1, d: d}
		}
		if strings.Contains(v.Str, "T") {
			if t, err := time.Parse(time.RFC3339Nano, v.Str); err == nil {
				return comparable{kind: 2, t: t}
			}
		} else if t, err := time.Parse("2006-01-02", v.Str); err == nil {
			return comparable{kind: 4, t: t}
		}
		return comparable{kind: 0, s: v.Str}
	case Number:
		return comparable{kind: 1, d: asDecimal(v)}
	}
	return comparable{kind: 3, s: v.canonical()}
}

// compare: -1, 0, 1, and false when the two cannot be compared (python raises TypeError and skips the rule).
func compare(a, b comparable) (int, bool) {
	if a.kind != b.kind {
		return 0, false
	}
	switch a.kind {
	case 1:
		return a.d.Cmp(b.d), true
	case 2, 4:
		return a.t.Compare(b.t), true
	case 0:
		return strings.Compare(a.s, b.s), true
	}
	return 0, false
}

func holds(op string, cmp int) bool {
	switch op {
	case ">=":
		return cmp >= 0
	case ">":
		return cmp > 0
	case "<=":
		return cmp <= 0
	case "<":
		return cmp < 0
	case "==":
		return cmp == 0
	}
	return cmp != 0
}

func present(v *Value) bool { return v != nil && v.Kind != Null }

func shown(v *Value) string {
	if v.Kind == String {
		return v.Str
	}
	return string(v.JSON())
}

// Violations checks an object's x-invariants (python: invariants.violations); paths are relative to it.
func Violations(obj, rules *Value) []Problem {
	var out []Problem
	for _, r := range rules.List {
		message := r.Get("message").Str
		switch {
		case r.Get("when") != nil:
			when := r.Get("when")
			match := true
			parts := make([]string, 0, len(when.Keys))
			for _, k := range when.Keys {
				want := when.Items[k]
				got := obj.Get(k)
				parts = append(parts, k+" is "+shown(want))
				if !present(got) {
					match = false
					continue
				}
				cmp, ok := compare(toComparable(got), toComparable(want))
				match = match && ok && cmp == 0 && toComparable(got).kind == 0
			}
			if !match {
				continue
			}
			text := strings.Join(parts, " and ")
			if req := r.Get("required"); req != nil {
				for _, name := range req.List {
					if !present(obj.Get(name.Str)) {
						out = append(out, Problem{[]any{name.Str}, rule("when_required", "when", text, "message", message)})
					}
				}
			}
			if forb := r.Get("forbidden"); forb != nil {
				for _, name := range forb.List {
					if present(obj.Get(name.Str)) {
						out = append(out, Problem{[]any{name.Str}, rule("when_forbidden", "when", text, "message", message)})
					}
				}
			}
		case r.Get("exactly_one") != nil:
			count := 0
			names := make([]string, 0)
			for _, name := range r.Get("exactly_one").List {
				names = append(names, name.Str)
				if present(obj.Get(name.Str)) {
					count++
				}
			}
			if count != 1 {
				out = append(out, Problem{nil, rule("exactly_one", "names", strings.Join(names, " or "), "message", message)})
			}
		case r.Get("ascending") != nil:
			out = append(out, ascending(obj.Get(r.Get("ascending").Str), r.Get("ascending").Str, r.Get("by").Str, message)...)
		default:
			if p := compareRule(obj, r, message); p != nil {
				out = append(out, *p)
			}
		}
	}
	return out
}

func compareRule(obj, r *Value, message string) *Problem {
	leftName := r.Get("left").Str
	left := obj.Get(leftName)
	var right *Value
	if v := r.Get("value"); v != nil {
		right = &Value{Kind: Number, Num: v.Str}
	} else {
		right = obj.Get(r.Get("right").Str)
	}
	if !present(left) || !present(right) {
		return nil
	}
	cmp, ok := compare(toComparable(left), toComparable(right))
	if !ok || holds(r.Get("op").Str, cmp) {
		return nil
	}
	op := r.Get("op").Str
	if v := r.Get("value"); v != nil {
		return &Problem{[]any{leftName}, rule("compare_value", "op", op, "value", v.Str, "left_value", shown(left),
			"message", message)}
	}
	return &Problem{[]any{leftName}, rule("compare_field", "op", op, "right", r.Get("right").Str, "right_value",
		shown(right), "left_value", shown(left), "message", message)}
}

func ascending(items *Value, name, by, message string) []Problem {
	if items == nil || items.Kind != Array {
		return nil
	}
	var previous *Value
	for i, item := range items.List {
		current := item.Get(by)
		if !present(current) {
			if i != len(items.List)-1 {
				return []Problem{{[]any{name, i, by}, rule("ascending_open", "message", message)}}
			}
			continue
		}
		if previous != nil {
			cmp, ok := compare(toComparable(current), toComparable(previous))
			if !ok || cmp <= 0 {
				return []Problem{{[]any{name, i, by}, rule("ascending", "previous", shown(previous), "value",
					shown(current), "message", message)}}
			}
		}
		previous = current
	}
	return nil
}
