package bridge

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/adapi-go/adapi-go/bridge/jsval"
)

func contact(extra ...any) jsval.Value {
	kv := []any{"id", "c-1", "type", "contact", "displayName", "Ada Lovelace", "displayType", "Contact"}
	return jsval.Object(append(kv, extra...)...)
}

func TestParseAssociatedObject(t *testing.T) {
	many := map[string]any{}
	for i := 0; i < MaxCustomFields+1; i++ {
		many[strings.Repeat("k", i+1)] = "v"
	}
	tests := []struct {
		name string
		in   jsval.Value
		want *AssociatedObject
		msg  string // "" means valid; else the whole invalid_args message or its start
	}{
		{"undefined is none", jsval.Undefined, nil, ""},
		{"null is none", jsval.Value{Type: jsval.TypeNull}, nil, ""},
		{"full", contact("customFields", map[string]any{"tier": "gold", "__proto__": "x"}),
			&AssociatedObject{ID: "c-1", Type: "contact", DisplayName: "Ada Lovelace", DisplayType: "Contact",
				CustomFields: map[string]string{"tier": "gold", "__proto__": "x"}}, ""},
		{"minimal", jsval.Object("id", "7", "type", "case"), &AssociatedObject{ID: "7", Type: "case"}, ""},
		{"unknown keys ignored", jsval.Object("id", "7", "type", "case", "extra", 1.0), &AssociatedObject{ID: "7", Type: "case"}, ""},
		{"null optional fields", jsval.Object("id", "7", "type", "case", "displayName", nil, "customFields", nil), &AssociatedObject{ID: "7", Type: "case"}, ""},
		{"empty customFields", jsval.Object("id", "7", "type", "case", "customFields", map[string]any{}), &AssociatedObject{ID: "7", Type: "case", CustomFields: map[string]string{}}, ""},

		{"string", jsval.String("c-1"), nil, "initialObject: want object, got string"},
		{"number", jsval.Value{Type: jsval.TypeNumber, Str: "1"}, nil, "initialObject: want object, got number"},
		{"array", jsval.Value{Type: jsval.TypeArray}, nil, "initialObject: want object, got array"},
		{"function", jsval.Value{Type: jsval.TypeFunction}, nil, "initialObject: want object, got function"},
		{"threw", jsval.Value{Type: jsval.TypeError, Str: "revoked"}, nil, "initialObject: could not be read: revoked"},
		{"id missing", jsval.Object("type", "case"), nil, "initialObject.id: required, got undefined"},
		{"id null", jsval.Object("id", nil, "type", "case"), nil, "initialObject.id: required, got null"},
		{"id number", jsval.Object("id", 7.0, "type", "case"), nil, "initialObject.id: want string, got number"},
		{"id empty", jsval.Object("id", "", "type", "case"), nil, "initialObject.id: must not be empty"},
		{"id getter threw", jsval.Object("id", jsval.Value{Type: jsval.TypeError, Str: "Error: no"}, "type", "case"), nil, "initialObject.id: could not be read: Error: no"},
		{"type missing", jsval.Object("id", "7"), nil, "initialObject.type: required"},
		{"type bigint", jsval.Object("id", "7", "type", jsval.Value{Type: jsval.TypeBigInt}), nil, "initialObject.type: want string, got bigint"},
		{"displayName object", jsval.Object("id", "7", "type", "case", "displayName", map[string]any{}), nil, "initialObject.displayName: want string, got object"},
		{"displayType symbol", jsval.Object("id", "7", "type", "case", "displayType", jsval.Value{Type: jsval.TypeSymbol}), nil, "initialObject.displayType: want string, got symbol"},
		{"displayName too long", jsval.Object("id", "7", "type", "case", "displayName", jsval.Value{Type: jsval.TypeString, Str: "x", Len: 10 << 20}), nil,
			"initialObject.displayName: too long (10485760 characters, at most 4096)"},
		{"customFields array", jsval.Object("id", "7", "type", "case", "customFields", []any{"a"}), nil, "initialObject.customFields: want object of strings, got array"},
		{"customFields string", jsval.Object("id", "7", "type", "case", "customFields", "a"), nil, "initialObject.customFields: want object of strings, got string"},
		{"custom field number", jsval.Object("id", "7", "type", "case", "customFields", map[string]any{"age": 42.0}), nil, "initialObject.customFields.age: want string, got number"},
		{"custom field null", jsval.Object("id", "7", "type", "case", "customFields", map[string]any{"age": nil}), nil, "initialObject.customFields.age: want string, got null"},
		{"custom field nested", jsval.Object("id", "7", "type", "case", "customFields", map[string]any{"a": map[string]any{}}), nil, "initialObject.customFields.a: want string, got object"},
		{"custom field odd key", jsval.Object("id", "7", "type", "case", "customFields", map[string]any{"x\ny: z": 1.0}), nil, `initialObject.customFields.["x\ny: z"]: want string, got number`},
		{"too many custom fields", jsval.Object("id", "7", "type", "case", "customFields", many), nil, "initialObject.customFields: too many fields (101, at most 100)"},
		{"too many, as the loader counts them", jsval.Object("id", "7", "type", "case", "customFields", jsval.Value{Type: jsval.TypeObject, Len: 10000}), nil, "initialObject.customFields: too many fields (10000, at most 100)"},
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
		o, err := ParseAssociatedObject(jsval.ValueOf(x))
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
		o2, err := ParseAssociatedObject(jsval.ValueOf(back))
		if err != nil || o2.ID != o.ID || o2.Type != o.Type || len(o2.CustomFields) != len(o.CustomFields) {
			t.Fatalf("%s: round trip %+v -> %+v, %v", s, o, o2, err)
		}
		if o.ID == "" || o.Type == "" {
			t.Fatalf("%s: accepted an empty id or type", s)
		}
		if _, err := ParseCall(jsval.String("100"), jsval.ValueOf(x)); err != nil {
			t.Fatalf("ParseCall: %v", err)
		}
	})
}
