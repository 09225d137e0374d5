// Package jsontest is how tests of several packages check that a hand-written
// JSON writer agrees with encoding/json.
package jsontest

import (
	"encoding/json"
	"reflect"
	"testing"
)

// Same checks that appendJSON(nil, x) decodes to what json.Marshal(x) does.
// appendJSON is jsonw.Append; it is passed in so that jsonw's own tests can
// use Same without an import cycle.
func Same(t testing.TB, x any, appendJSON func([]byte, any) []byte) {
	t.Helper()
	want, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	got := appendJSON(nil, x)
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatalf("Append(%#v) = %s: %v", x, got, err)
	}
	json.Unmarshal(want, &b)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("Append(%#v)\n got %s\nwant %s", x, got, want)
	}
}
