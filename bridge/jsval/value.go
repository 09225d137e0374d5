// Package jsval is a JavaScript value as the loader (web/adapi.js) copied
// it out of the page: plain data that keeps the value's JavaScript type
// (Value), and the two readers that make Values from bytes:
// DecodeSnapshots, the hot path of every call (the loader's snapshots), and
// ParseJSON, the strict JSON reader adapi-config.json is read with. It
// judges nothing: what a value must be is for the packages that take it
// (bridge, bridge/desk, bridge/config, …). No syscall/js here either.
package jsval

import (
	"math"
	"sort"
	"strconv"
	"unicode/utf16"

	"github.com/adapi-go/adapi-go/bridge/jsonw"
)

// Value is a JavaScript value as the loader copied it out of the page: plain
// data that keeps the value's JavaScript type. The loader (web/adapi.js,
// snapshot) reads a widget's arguments inside a try/catch, so that a getter
// or Proxy that throws becomes a Value of type "error" here instead of an
// exception unwinding through Go. The js tags are what the wasm glue decodes
// with vert.
type Value struct {
	// Type is JavaScript's typeof, refined: "null", "array" and, for a read
	// that threw, "error".
	Type string `js:"t" json:"t"`
	// Str is a string's contents (the loader caps the copy, see Len), a
	// number or boolean as JavaScript prints it, or an error's text.
	Str string `js:"s" json:"s,omitempty"`
	// Len is a string's length in UTF-16 code units as JavaScript counts
	// it, the number of own enumerable keys of an object, or an array's
	// length.
	Len int `js:"l" json:"l,omitempty"`
	// Keys and Vals are an object's properties that were read, in order;
	// for an array, Vals are its first elements.
	Keys []string `js:"k" json:"k,omitempty"`
	Vals []Value  `js:"v" json:"v,omitempty"`
}

// JavaScript types as Value.Type names them.
const (
	TypeUndefined = "undefined"
	TypeNull      = "null"
	TypeString    = "string"
	TypeNumber    = "number"
	TypeBoolean   = "boolean"
	TypeObject    = "object"
	TypeArray     = "array"
	TypeFunction  = "function"
	TypeSymbol    = "symbol"
	TypeBigInt    = "bigint"
	TypeError     = "error"
)

// Undefined is JavaScript's undefined; the zero Value is not a valid one.
var Undefined = Value{Type: TypeUndefined}

// Missing reports whether v stands for no value: undefined or null.
func (v Value) Missing() bool {
	return v.Type == TypeUndefined || v.Type == TypeNull || v.Type == ""
}

// Get returns the property named key, or Undefined.
func (v Value) Get(key string) Value {
	for i, k := range v.Keys {
		if k == key && i < len(v.Vals) {
			return v.Vals[i]
		}
	}
	return Undefined
}

// String makes a string Value, measured as JavaScript measures it.
func String(s string) Value {
	return Value{Type: TypeString, Str: s, Len: JSLength(s)}
}

// JSLength is the length JavaScript reports for s: UTF-16 code units.
func JSLength(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r) // invalid UTF-8 reads as U+FFFD: one unit
	}
	return n
}

// Object makes an object Value from alternating keys and values.
func Object(kv ...any) Value {
	o := Value{Type: TypeObject}
	for i := 0; i+1 < len(kv); i += 2 {
		o.Keys = append(o.Keys, kv[i].(string))
		o.Vals = append(o.Vals, ValueOf(kv[i+1]))
	}
	o.Len = len(o.Keys)
	return o
}

// ValueOf turns decoded JSON (as encoding/json produces it: nil, bool,
// float64, string, []any, map[string]any) or a Value into a Value. Map keys
// come out sorted so that the result is deterministic.
func ValueOf(x any) Value {
	switch x := x.(type) {
	case Value:
		return x
	case nil:
		return Value{Type: TypeNull}
	case string:
		return String(x)
	case bool:
		return Value{Type: TypeBoolean, Str: strconv.FormatBool(x)}
	case float64:
		return Value{Type: TypeNumber, Str: jsNumber(x)}
	case int:
		return Value{Type: TypeNumber, Str: strconv.Itoa(x)}
	case []any:
		a := Value{Type: TypeArray, Len: len(x), Vals: make([]Value, len(x))}
		for i, e := range x {
			a.Vals[i] = ValueOf(e)
		}
		return a
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := Value{Type: TypeObject, Len: len(keys), Keys: keys, Vals: make([]Value, len(keys))}
		for i, k := range keys {
			o.Vals[i] = ValueOf(x[k])
		}
		return o
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, v := range x {
			m[k] = v
		}
		return ValueOf(m)
	default:
		return Value{Type: TypeObject}
	}
}

func jsNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Any turns v back into plain Go data (as encoding/json decodes JSON):
// what a message carries on to handlers. Types JSON cannot hold become
// null.
func (v Value) Any() any {
	switch v.Type {
	case TypeString:
		return v.Str
	case TypeBoolean:
		return v.Str == "true"
	case TypeNumber:
		f, err := strconv.ParseFloat(v.Str, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil
		}
		return f
	case TypeArray:
		a := make([]any, len(v.Vals))
		for i, e := range v.Vals {
			a[i] = e.Any()
		}
		return a
	case TypeObject:
		m := make(map[string]any, len(v.Keys))
		for i, k := range v.Keys {
			if i < len(v.Vals) {
				m[k] = v.Vals[i].Any()
			}
		}
		return m
	}
	return nil
}

// AppendJSON writes v as JSON, as Any gives it (jsonw.Appender).
func (v Value) AppendJSON(b []byte) []byte { return jsonw.Append(b, v.Any()) }
