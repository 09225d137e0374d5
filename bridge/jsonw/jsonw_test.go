package jsonw

import (
	"math"
	"testing"

	"github.com/adapi-go/adapi-go/internal/jsontest"
)

type point struct{ X, Y int }

func (p point) AppendJSON(b []byte) []byte {
	return Append(b, map[string]any{"X": p.X, "Y": p.Y})
}

func TestAppend(t *testing.T) {
	id := "ia-1"
	for _, x := range []any{
		nil, "", "héllo \\ \n \t \u2029 😀", "<img src=x onerror=alert(1)> \u2028 \"q\" \x01 \xff", true, 3, int64(-7),
		1.5, 1e21, 1e-7, 0.0, 123456789.0, -0.0,
		[]any{"a", nil, 2.0, map[string]any{"z": 1.0, "a": []any{}}}, []string{"x", "y"}, []string(nil),
		map[string]string(nil), map[string]string{"__proto__": "x", "b": "2", "a": "1"}, (*string)(nil), &id,
		point{1, 2}, []any{point{3, 4}},
	} {
		jsontest.Same(t, x, Append)
	}
	if got, want := string(List(nil, []point{{1, 2}, {3, 4}})), `[{"X":1,"Y":2},{"X":3,"Y":4}]`; got != want {
		t.Errorf("List = %s, want %s", got, want)
	}
	if got := string(List[point](nil, nil)); got != "null" {
		t.Errorf("List(nil) = %s, want null", got)
	}
}

// TestAppendRefusesUnknownTypes: a type with no encoding is a bug, not
// silently written as something else.
func TestAppendRefusesUnknownTypes(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Append(struct{}) did not panic")
		}
	}()
	Append(nil, struct{}{})
}

func FuzzAppend(f *testing.F) {
	f.Add("Ada", "k", 1.5)
	f.Add("\x00\xff\u2028\"\\", "__proto__", -1e300)
	f.Fuzz(func(t *testing.T, s, k string, n float64) {
		if math.IsNaN(n) || math.IsInf(n, 0) {
			n = 0 // encoding/json refuses them; Append writes null
		}
		jsontest.Same(t, []any{s, map[string]string{k: s}, map[string]any{s: n}}, Append)
	})
}
