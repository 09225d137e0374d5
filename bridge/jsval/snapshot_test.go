package jsval_test

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/jsval"
)

func TestDecodeSnapshots(t *testing.T) {
	good := `[{"t":"string","s":"+1 (415) 555-0123","l":17},{"t":"object","l":5,"k":["id","type","displayName","displayType","customFields"],"v":[{"t":"string","s":"c-1","l":3},{"t":"string","s":"contact","l":7},{"t":"string","s":"Ada \"\u00e9\" \ud83d\ude00 \ud800","l":12},{"t":"undefined"},{"t":"object","l":1,"k":["__proto__"],"v":[{"t":"number","s":"NaN"}]}]},null]`
	vs, err := jsval.DecodeSnapshots([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	// The same as encoding/json reads it, but for lone surrogates.
	var want []*jsval.Value
	if err := json.Unmarshal([]byte(good), &want); err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 || vs[2].Type != jsval.TypeUndefined || !reflect.DeepEqual(vs[0], *want[0]) {
		t.Fatalf("got %+v", vs)
	}
	if got := vs[1].Get("displayName").Str; got != "Ada \"é\" 😀 \uFFFD" {
		t.Fatalf("displayName %q", got)
	}
	if got := vs[1].Get("customFields").Get("__proto__"); got.Type != jsval.TypeNumber || got.Str != "NaN" {
		t.Fatalf("custom field %+v", got)
	}
	for _, bad := range []string{``, `{}`, `[`, `[{]`, `[{"t":1}]`, `[{"x":"y"}]`, `[{"l":-1}]`, `["a"]`, `[{"t":"s"} x]`, `[{"s":"a` + "\n" + `"}]`, `[{"s":"\q"}]`} {
		if _, err := jsval.DecodeSnapshots([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func FuzzDecodeSnapshots(f *testing.F) {
	f.Add(`[{"t":"string","s":"+1 (415) 555-0123","l":17},{"t":"object","l":1,"k":["id"],"v":[{"t":"string","s":"c\u00e9","l":2}]},null]`)
	f.Add(`[{"t":"string","s":"\ud800\udc00\\\"","l":3}]`)
	f.Add(`[null,null]`)
	// Every escape, so that a decoder that reads one wrongly fails here,
	// in plain go test, not only when fuzzing.
	f.Add(`[{"t":"string","s":"a\nb\tc\rd\be\ff\/g\\h\"i\u0041\u00e9\u20ac\ud83d\ude00"}]`)
	f.Add(`[{"k":["\n","\u0000","a\u001fb"],"v":[{"s":"\"\\"}]}]`)
	f.Add(` [ { "t" : "x" , "l" : 0 } ] `)
	f.Add(`[{"l":01}]`)
	f.Add(`[{"l":1e3}]`)
	f.Add(`[{"l":-0}]`)
	f.Add(`[{"t":"a","t":"b","k":["x"],"k":[]}]`)
	f.Add(`[{"v":[{"v":[{"v":[null]}]}]}]`)
	f.Add(`[{"s":"\ud800"}]`)
	f.Add(`[{"s":"\ud800\u0041"}]`)
	f.Add(`[{"s":"\udc00\ud800"}]`)
	f.Add(`[{"s":"\u00G0"}]`)
	f.Add(`[{"T":"x"}]`)
	f.Add(`[]`)
	f.Add(`[{}]`)
	f.Fuzz(func(t *testing.T, s string) {
		vs, err := jsval.DecodeSnapshots([]byte(s))
		if !json.Valid([]byte(s)) {
			if err == nil {
				t.Fatalf("%q is not JSON, but decoded to %+v", s, vs)
			}
			return
		}
		// The same as encoding/json reads it: what decodes is what
		// encoding/json reads, and what encoding/json reads as snapshots
		// decodes (lone surrogates aside: both make them U+FFFD, but the
		// comparison is not needed there).
		// Duplicate names are left out: RFC 8259 leaves their meaning
		// open, encoding/json keeps the last, and the parser checks each
		// value as it comes (JSON.stringify never writes them).
		if utf8.ValidString(s) && !hasLoneSurrogate(s) && !hasDuplicateNames(s) {
			want, ok := snapshotsByJSON(s)
			switch {
			case err == nil && !ok:
				t.Fatalf("%q decoded to %+v, but encoding/json does not read it as snapshots", s, vs)
			case err == nil && !reflect.DeepEqual(normal(vs), normal(want)):
				t.Fatalf("%q decoded to\n%+v, encoding/json reads\n%+v", s, vs, want)
			case err != nil && ok:
				t.Fatalf("%q: %v, but encoding/json reads %+v", s, err, want)
			}
		}
		if err != nil || !utf8.ValidString(s) { // what crosses from JavaScript is valid UTF-8
			return
		}
		// What decodes re-encodes (as JSON.stringify would) to the same.
		if vs == nil {
			vs = []jsval.Value{}
		}
		b, err := json.Marshal(vs)
		if err != nil {
			t.Fatal(err)
		}
		again, err := jsval.DecodeSnapshots(b)
		if err != nil || !reflect.DeepEqual(normal(again), normal(vs)) {
			t.Fatalf("%q -> %s -> %+v, %v", s, b, again, err)
		}
		// And whatever it holds, validation answers without panicking.
		if len(vs) >= 2 {
			_, _ = bridge.ParseCall(vs[0], vs[1])
		}
	})
}

// snapshotsByJSON reads s with encoding/json (which the module must not
// use, but a test may) as the loader's snapshots: an array of Values or
// nulls, each Value an object with only the keys t, s (strings), l (a
// non-negative integer written with digits only), k (an array of
// strings) and v (an array of Values or nulls), at most MaxSnapshotDepth
// deep. ok is false when s is JSON but not that.
func snapshotsByJSON(s string) (vs []jsval.Value, ok bool) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var x any
	if d.Decode(&x) != nil || d.More() {
		return nil, false
	}
	arr, ok := x.([]any)
	if !ok {
		return nil, false
	}
	return valuesByJSON(arr, 0)
}

func valuesByJSON(arr []any, depth int) ([]jsval.Value, bool) {
	var out []jsval.Value
	for _, e := range arr {
		v, ok := valueByJSON(e, depth)
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

func valueByJSON(x any, depth int) (jsval.Value, bool) {
	if depth > jsval.MaxSnapshotDepth {
		return jsval.Value{}, false
	}
	if x == nil {
		return jsval.Undefined, true
	}
	m, ok := x.(map[string]any)
	if !ok {
		return jsval.Value{}, false
	}
	var v jsval.Value
	for k, e := range m {
		switch k {
		case "t", "s":
			str, ok := e.(string)
			if !ok {
				return jsval.Value{}, false
			}
			if k == "t" {
				v.Type = str
			} else {
				v.Str = str
			}
		case "l":
			n, ok := e.(json.Number)
			if !ok || strings.TrimLeft(string(n), "0123456789") != "" || len(n) > 12 {
				return jsval.Value{}, false
			}
			l, err := strconv.Atoi(string(n))
			if err != nil {
				return jsval.Value{}, false
			}
			v.Len = l
		case "k":
			arr, ok := e.([]any)
			if !ok {
				return jsval.Value{}, false
			}
			for _, a := range arr {
				str, ok := a.(string)
				if !ok {
					return jsval.Value{}, false
				}
				v.Keys = append(v.Keys, str)
			}
		case "v":
			arr, ok := e.([]any)
			if !ok {
				return jsval.Value{}, false
			}
			if v.Vals, ok = valuesByJSON(arr, depth+1); !ok {
				return jsval.Value{}, false
			}
		default:
			return jsval.Value{}, false
		}
	}
	return v, true
}

// hasDuplicateNames reports whether an object in the JSON text s has a
// name twice.
func hasDuplicateNames(s string) bool {
	d := json.NewDecoder(strings.NewReader(s))
	type frame struct {
		names  map[string]bool
		object bool
		key    bool // the next string token is a name
	}
	var stack []*frame
	for {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if top != nil && top.object {
					top.key = true
				}
				stack = append(stack, &frame{names: map[string]bool{}, object: t == '{', key: t == '{'})
				continue
			default:
				stack = stack[:len(stack)-1]
				continue
			}
		case string:
			if top != nil && top.object && top.key {
				if top.names[t] {
					return true
				}
				top.names[t] = true
				top.key = false
				continue
			}
		}
		if top != nil && top.object {
			top.key = true
		}
	}
}

// hasLoneSurrogate reports whether s holds a \u escape of a surrogate
// that is not half of a pair (JSON allows it; JavaScript strings hold it).
func hasLoneSurrogate(s string) bool {
	for i := 0; i+6 <= len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		if s[i+1] != 'u' {
			i++ // an escaped character, perhaps a backslash
			continue
		}
		r, err := strconv.ParseUint(s[i+2:i+6], 16, 32)
		if err != nil || !utf16.IsSurrogate(rune(r)) {
			continue
		}
		if r < 0xdc00 && i+12 <= len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
			if r2, err := strconv.ParseUint(s[i+8:i+12], 16, 32); err == nil && r2 >= 0xdc00 && r2 <= 0xdfff {
				i += 11
				continue
			}
		}
		return true
	}
	return false
}

// normal makes nil and empty slices alike, for comparison.
func normal(vs []jsval.Value) []jsval.Value {
	out := make([]jsval.Value, len(vs))
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
