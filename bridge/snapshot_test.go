package bridge

import (
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"
)

func TestDecodeSnapshots(t *testing.T) {
	good := `[{"t":"string","s":"+1 (415) 555-0123","l":17},{"t":"object","l":5,"k":["id","type","displayName","displayType","customFields"],"v":[{"t":"string","s":"c-1","l":3},{"t":"string","s":"contact","l":7},{"t":"string","s":"Ada \"\u00e9\" \ud83d\ude00 \ud800","l":12},{"t":"undefined"},{"t":"object","l":1,"k":["__proto__"],"v":[{"t":"number","s":"NaN"}]}]},null]`
	vs, err := DecodeSnapshots([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	// The same as encoding/json reads it, but for lone surrogates.
	var want []*Value
	if err := json.Unmarshal([]byte(good), &want); err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 || vs[2].Type != TypeUndefined || !reflect.DeepEqual(vs[0], *want[0]) {
		t.Fatalf("got %+v", vs)
	}
	if got := vs[1].Get("displayName").Str; got != "Ada \"é\" 😀 \uFFFD" {
		t.Fatalf("displayName %q", got)
	}
	if got := vs[1].Get("customFields").Get("__proto__"); got.Type != TypeNumber || got.Str != "NaN" {
		t.Fatalf("custom field %+v", got)
	}
	for _, bad := range []string{``, `{}`, `[`, `[{]`, `[{"t":1}]`, `[{"x":"y"}]`, `[{"l":-1}]`, `["a"]`, `[{"t":"s"} x]`, `[{"s":"a` + "\n" + `"}]`, `[{"s":"\q"}]`} {
		if _, err := DecodeSnapshots([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func FuzzDecodeSnapshots(f *testing.F) {
	f.Add(`[{"t":"string","s":"+1 (415) 555-0123","l":17},{"t":"object","l":1,"k":["id"],"v":[{"t":"string","s":"c\u00e9","l":2}]},null]`)
	f.Add(`[{"t":"string","s":"\ud800\udc00\\\"","l":3}]`)
	f.Add(`[null,null]`)
	f.Fuzz(func(t *testing.T, s string) {
		vs, err := DecodeSnapshots([]byte(s))
		if err != nil || !utf8.ValidString(s) { // what crosses from JavaScript is valid UTF-8
			return
		}
		// What decodes re-encodes (as JSON.stringify would) to the same.
		if vs == nil {
			vs = []Value{}
		}
		b, err := json.Marshal(vs)
		if err != nil {
			t.Fatal(err)
		}
		again, err := DecodeSnapshots(b)
		if err != nil || !reflect.DeepEqual(normal(again), normal(vs)) {
			t.Fatalf("%q -> %s -> %+v, %v", s, b, again, err)
		}
		// And whatever it holds, validation answers without panicking.
		if len(vs) >= 2 {
			_, _ = ParseCall(vs[0], vs[1])
		}
	})
}

// normal makes nil and empty slices alike, for comparison.
func normal(vs []Value) []Value {
	out := make([]Value, len(vs))
	for i, v := range vs {
		if len(v.Keys) == 0 {
			v.Keys = nil
		}
		v.Vals = normal(v.Vals)
		if len(v.Vals) == 0 {
			v.Vals = nil
		}
		out[i] = v
	}
	return out
}
