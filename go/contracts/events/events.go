// Package events checks a service's input events against their contracts (contracts/schemas, bundled in
// go/gen/contracts) with the shared checker, as the Python host does (qtrader.contracts.proto_convert.from_envelope
// then validate_event): the proto envelope becomes the contract's JSON, and the first problem is the error.
package events

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"qtrader/go/contracts/check"
	pb "qtrader/go/gen/qtraderv1"
)

const schemaBase = "https://contracts.qtrader.dev/"

var checker = sync.OnceValue(func() *check.Checker {
	c, err := check.NewChecker("schemas")
	if err != nil {
		panic(err)
	}
	return c
})

// ContractError is an input that breaks its contract; the message names the event and the field.
type ContractError struct{ Message string }

func (e *ContractError) Error() string { return e.Message }

// schemaIDs maps an event type to its schema's $id (from the bundled schemas' titles and event_type consts).
var schemaIDs = sync.OnceValue(func() map[string]string {
	ids := map[string]string{}
	for _, id := range checker().IDs() {
		if t := checker().Doc(id).Get("properties").Get("event_type").Get("const"); t != nil {
			ids[t.Str] = id
		}
	}
	return ids
})

// CheckJSON checks a contract JSON event; nil when it is valid. where prefixes the message ("execution input").
func CheckJSON(instance *check.Value, where string) error {
	eventType, eventID := "?", "?"
	if t := instance.Get("event_type"); t != nil && t.Kind == check.String {
		eventType = t.Str
	}
	if id := instance.Get("event_id"); id != nil && id.Kind == check.String {
		eventID = id.Str
	}
	id, ok := schemaIDs()[eventType]
	if !ok {
		return &ContractError{fmt.Sprintf("%s: %s event %s: field event_type: unknown event_type", where, eventType, eventID)}
	}
	_, problems := checker().Check(id, instance)
	if len(problems) == 0 {
		return nil
	}
	field := check.PathText(problems[0].Path)
	if field == "" {
		field = "(event)"
	}
	prefix := ""
	if where != "" {
		prefix = where + ": "
	}
	return &ContractError{fmt.Sprintf("%s%s event %s: field %s: %s", prefix, eventType, eventID, field, problems[0].Message)}
}

// Check checks a proto envelope against its event's contract.
func Check(env *pb.Envelope, where string) error {
	return CheckJSON(ToJSON(env), where)
}

// ToJSON is the contract JSON of an envelope (python: proto_convert.envelope_to_json).
func ToJSON(env *pb.Envelope) *check.Value {
	out := message(env.ProtoReflect())
	which := env.ProtoReflect().WhichOneof(env.ProtoReflect().Descriptor().Oneofs().ByName("event"))
	if which == nil {
		return out
	}
	name := string(which.Name())
	body := out.Get(name)
	delete(out.Items, name)
	keys := out.Keys[:0]
	for _, k := range out.Keys {
		if k != name {
			keys = append(keys, k)
		}
	}
	out.Keys = keys
	if t := out.Get("event_type"); t != nil {
		if id, ok := schemaIDs()[t.Str]; ok {
			restoreRequiredLists(body, checker().Doc(id), checker().Doc(id).Get("$defs"))
		}
	}
	for _, k := range body.Keys {
		out.Set(k, body.Items[k])
	}
	return out
}

func restoreRequiredLists(obj, schema, defs *check.Value) {
	props := schema.Get("properties")
	if props == nil || obj == nil {
		return
	}
	required := map[string]bool{}
	if r := schema.Get("required"); r != nil {
		for _, n := range r.List {
			required[n.Str] = true
		}
	}
	for _, name := range props.Keys {
		prop := props.Items[name]
		ref := ""
		if t := prop.Get("type"); t != nil && t.Str == "array" {
			if required[name] && obj.Get(name) == nil {
				obj.Set(name, &check.Value{Kind: check.Array, List: []*check.Value{}})
			}
			if r := prop.Get("items").Get("$ref"); r != nil {
				ref = r.Str
			}
			if strings.HasPrefix(ref, "#/$defs/") && obj.Get(name) != nil {
				for _, item := range obj.Get(name).List {
					restoreRequiredLists(item, defs.Get(ref[len("#/$defs/"):]), defs)
				}
			}
		} else if r := prop.Get("$ref"); r != nil && strings.HasPrefix(r.Str, "#/$defs/") && obj.Get(name) != nil {
			restoreRequiredLists(obj.Get(name), defs.Get(r.Str[len("#/$defs/"):]), defs)
		}
	}
}

func message(m protoreflect.Message) *check.Value {
	out := check.NewObject()
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		f := fields.Get(i)
		name := string(f.Name())
		if f.IsList() {
			list := m.Get(f).List()
			if list.Len() == 0 {
				continue
			}
			v := &check.Value{Kind: check.Array}
			for j := 0; j < list.Len(); j++ {
				v.List = append(v.List, scalar(f, list.Get(j)))
			}
			out.Set(name, v)
			continue
		}
		if f.HasPresence() && !m.Has(f) {
			continue
		}
		out.Set(name, scalar(f, m.Get(f)))
	}
	return out
}

func scalar(f protoreflect.FieldDescriptor, v protoreflect.Value) *check.Value {
	switch f.Kind() {
	case protoreflect.MessageKind:
		if f.Message().FullName() == "google.protobuf.Timestamp" {
			ts := v.Message().Interface().(*timestamppb.Timestamp)
			return check.Str(timestampText(ts))
		}
		return message(v.Message())
	case protoreflect.EnumKind:
		number := v.Enum()
		value := f.Enum().Values().ByNumber(number)
		if value == nil {
			return check.Str(strconv.Itoa(int(number)))
		}
		return check.Str(strings.TrimPrefix(string(value.Name()), enumPrefix(string(f.Enum().Name()))))
	case protoreflect.BoolKind:
		return &check.Value{Kind: check.Bool, Bool: v.Bool()}
	case protoreflect.StringKind:
		return check.Str(v.String())
	case protoreflect.Uint32Kind, protoreflect.Uint64Kind, protoreflect.Fixed32Kind, protoreflect.Fixed64Kind:
		return &check.Value{Kind: check.Number, Num: strconv.FormatUint(v.Uint(), 10)}
	}
	return &check.Value{Kind: check.Number, Num: strconv.FormatInt(v.Int(), 10)}
}

// enumPrefix is an enum's UPPER_SNAKE name and "_" (OrderType -> ORDER_TYPE_).
func enumPrefix(name string) string {
	var b strings.Builder
	for i, ch := range name {
		if unicode.IsUpper(ch) && i > 0 && !unicode.IsUpper(rune(name[i-1])) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(ch))
	}
	return b.String() + "_"
}

// timestampText is python's timestamp_to_str: UTC with a Z, microseconds only when non-zero.
func timestampText(ts *timestamppb.Timestamp) string {
	t := time.Unix(ts.Seconds, int64(ts.Nanos/1000)*1000).UTC()
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05") + "Z"
	}
	return t.Format("2006-01-02T15:04:05.000000") + "Z"
}
