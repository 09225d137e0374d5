package browsertest

import (
	"os"
	"testing"
)

// TestCallsCrossOnce: startCall, with or without an object, and a
// call-control method each cross into Go once and hand Go no JavaScript
// value of their own: only the two that every js.FuncOf call makes (its
// event and its arguments). The arguments and the result cross in the
// shared buffer, the call's token as a number, the entry called unbound
// (a `this` would be a third). Counted by bench/crossings.js, which wraps
// wasm_exec.js's imports and function wrappers (make bench prints the
// same counts).
func TestCallsCrossOnce(t *testing.T) {
	counter, err := os.ReadFile("../bench/crossings.js")
	if err != nil {
		t.Fatal(err)
	}
	tb := openTab(t, string(counter))
	tb.open("")
	for _, call := range []string{
		`() => adApi.startCall('+14155550123')`,
		`() => adApi.startCall('+14155550123', ` + contactJS + `)`,
		`() => adApi.getAgentState()`,
		`() => adApi.setCallMute(false)`,
	} {
		got := evalJS[struct{ Enter, Refs, Imports float64 }](tb, `__crossings('bridge', 20, `+call+`)`)
		t.Logf("%s: %+v", call, got)
		if got.Enter != 1 || got.Refs > 2 {
			t.Errorf("%s: %v calls into Go and %v JavaScript values handed to Go per call, want 1 and at most 2", call, got.Enter, got.Refs)
		}
	}
}
