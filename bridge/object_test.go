package bridge

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func contact(extra ...any) Value {
	kv := []any{"id", "c-1", "type", "contact", "displayName", "Ada Lovelace", "displayType", "Contact"}
	return Object(append(kv, extra...)...)
}

func TestParseAssociatedObject(t *testing.T) {
	many := map[string]any{}
	for i := 0; i < MaxCustomFields+1; i++ {
		many[strings.Repeat("k", i+1)] = "v"
	}
	tests := []struct {
		name string
		in   Value
		want *AssociatedObject
		msg  string // "" means valid; else the whole invalid_args message or its start
	}{
		{"undefined is none", Undefined, nil, ""},
		{"null is none", Value{Type: TypeNull}, nil, ""},
		{"full", contact("customFields", map[string]any{"tier": "gold", "__proto__": "x"}),
			&AssociatedObject{ID: "c-1", Type: "contact", DisplayName: "Ada Lovelace", DisplayType: "Contact",
				CustomFields: map[string]string{"tier": "gold", "__proto__": "x"}}, ""},
		{"minimal", Object("id", "7", "type", "case"), &AssociatedObject{ID: "7", Type: "case"}, ""},
		{"unknown keys ignored", Object("id", "7", "type", "case", "extra", 1.0), &AssociatedObject{ID: "7", Type: "case"}, ""},
		{"null optional fields", Object("id", "7", "type", "case", "displayName", nil, "customFields", nil), &AssociatedObject{ID: "7", Type: "case"}, ""},
		{"empty customFields", Object("id", "7", "type", "case", "customFields", map[string]any{}), &AssociatedObject{ID: "7", Type: "case", CustomFields: map[string]string{}}, ""},

		{"string", String("c-1"), nil, "initialObject: want object, got string"},
		{"number", Value{Type: TypeNumber, Str: "1"}, nil, "initialObject: want object, got number"},
		{"array", Value{Type: TypeArray}, nil, "initialObject: want object, got array"},
		{"function", Value{Type: TypeFunction}, nil, "initialObject: want object, got function"},
		{"threw", Value{Type: TypeError, Str: "revoked"}, nil, "initialObject: could not be read: revoked"},
		{"id missing", Object("type", "case"), nil, "initialObject.id: required, got undefined"},
		{"id null", Object("id", nil, "type", "case"), nil, "initialObject.id: required, got null"},
		{"id number", Object("id", 7.0, "type", "case"), nil, "initialObject.id: want string, got number"},
		{"id empty", Object("id", "", "type", "case"), nil, "initialObject.id: must not be empty"},
		{"id getter threw", Object("id", Value{Type: TypeError, Str: "Error: no"}, "type", "case"), nil, "initialObject.id: could not be read: Error: no"},
		{"type missing", Object("id", "7"), nil, "initialObject.type: required"},
		{"type bigint", Object("id", "7", "type", Value{Type: TypeBigInt}), nil, "initialObject.type: want string, got bigint"},
		{"displayName object", Object("id", "7", "type", "case", "displayName", map[string]any{}), nil, "initialObject.displayName: want string, got object"},
		{"displayType symbol", Object("id", "7", "type", "case", "displayType", Value{Type: TypeSymbol}), nil, "initialObject.displayType: want string, got symbol"},
		{"displayName too long", Object("id", "7", "type", "case", "displayName", Value{Type: TypeString, Str: "x", Len: 10 << 20}), nil,
			"initialObject.displayName: too long (10485760 characters, at most 4096)"},
		{"customFields array", Object("id", "7", "type", "case", "customFields", []any{"a"}), nil, "initialObject.customFields: want object of strings, got array"},
		{"customFields string", Object("id", "7", "type", "case", "customFields", "a"), nil, "initialObject.customFields: want object of strings, got string"},
		{"custom field number", Object("id", "7", "type", "case", "customFields", map[string]any{"age": 42.0}), nil, "initialObject.customFields.age: want string, got number"},
		{"custom field null", Object("id", "7", "type", "case", "customFields", map[string]any{"age": nil}), nil, "initialObject.customFields.age: want string, got null"},
		{"custom field nested", Object("id", "7", "type", "case", "customFields", map[string]any{"a": map[string]any{}}), nil, "initialObject.customFields.a: want string, got object"},
		{"custom field odd key", Object("id", "7", "type", "case", "customFields", map[string]any{"x\ny: z": 1.0}), nil, `initialObject.customFields.["x\ny: z"]: want string, got number`},
		{"too many custom fields", Object("id", "7", "type", "case", "customFields", many), nil, "initialObject.customFields: too many fields (101, at most 100)"},
		{"too many, as the loader counts them", Object("id", "7", "type", "case", "customFields", Value{Type: TypeObject, Len: 10000}), nil, "initialObject.customFields: too many fields (10000, at most 100)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAssociatedObject(tt.in)
			if tt.msg == "" {
				if err != nil || !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != InvalidArgs || !strings.HasPrefix(e.Message, tt.msg) {
				t.Fatalf("got %+v, %v; want invalid_args %q", got, err, tt.msg)
			}
			if got != nil {
				t.Fatalf("returned %+v with an error", got)
			}
		})
	}
}

func FuzzParseAssociatedObject(f *testing.F) {
	for _, s := range []string{
		`{"id":"c-1","type":"contact","displayName":"Ada","displayType":"Contact","customFields":{"tier":"gold"}}`,
		`{"id":"7","type":"case","customFields":{"__proto__":"x","constructor":"y"}}`,
		`{"id":7}`, `[]`, `null`, `"x"`, `{"id":"1","type":"t","customFields":[1]}`,
		`{"id":"1","type":"t","customFields":{"a":{"b":"c"}}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var x any
		if json.Unmarshal([]byte(s), &x) != nil {
			return
		}
		o, err := ParseAssociatedObject(ValueOf(x))
		if err != nil {
			if e := AsError(err); e.Code != InvalidArgs || !strings.HasPrefix(e.Message, "initialObject") {
				t.Fatalf("%s: %v", s, err)
			}
			return
		}
		if o == nil {
			if x != nil {
				t.Fatalf("%s: accepted as no object", s)
			}
			return
		}
		// Whatever is accepted survives a JSON round trip as the same
		// object, and placement accepts it.
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		var back any
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		o2, err := ParseAssociatedObject(ValueOf(back))
		if err != nil || o2.ID != o.ID || o2.Type != o.Type || len(o2.CustomFields) != len(o.CustomFields) {
			t.Fatalf("%s: round trip %+v -> %+v, %v", s, o, o2, err)
		}
		if o.ID == "" || o.Type == "" {
			t.Fatalf("%s: accepted an empty id or type", s)
		}
		if _, err := ParseCall(String("100"), ValueOf(x)); err != nil {
			t.Fatalf("ParseCall: %v", err)
		}
	})
}
