package browsertest

import (
	"testing"
	"time"
)

// TestBrokenResultIsRefused: a result from Go that is none of its shapes
// (wasm/settle.go: "s…", "e<code>:<name>:<message>") resolves the call
// with unknown_error naming what was wrong, in Bright Pattern's shape
// (startCall's with data {id: null, error}), never as a success or an
// error of code 0; the next call works. The CRM page's calls settle
// through the loader's settle, which the test wraps to hand the loader
// each broken result in place of Go's.
func TestBrokenResultIsRefused(t *testing.T) {
	crm, _ := openCRM(t)
	evalJS[OperationResult](crm, `adApi.startCall('100')`).id(t)
	evalJS[bool](crm, `(l => {
		const real = l.settle
		window.__swap = false
		l.settle = (token, r) => real(token, window.__swap ? window.__broken : r)
		return true
	})(__adApiLoader)`)
	const empty = "adApi: the bridge gave a broken result (empty)"
	const notJSON = "adApi: the bridge gave a broken result (its data is not JSON)"
	const neither = "adApi: the bridge gave a broken result (neither a success nor an error)"
	const noCode = "adApi: the bridge gave a broken result (an error without its code and name)"
	for _, c := range []struct{ call, result, want string }{
		{`adApi.startCall('101')`, ``, empty},
		{`adApi.getAgentState()`, ``, empty},
		{`adApi.startCall('101')`, `null`, empty},
		{`adApi.getAgentState()`, `s`, notJSON},
		{`adApi.getAgentState()`, `s{"state":`, notJSON},
		{`adApi.startCall('101')`, `x`, neither},
		{`adApi.getAgentState()`, `{"status":"success"}`, neither},
		{`adApi.startCall('101')`, `e`, noCode},
		{`adApi.startCall('101')`, `e0:timeout:Timeout error`, noCode},
		{`adApi.startCall('101')`, `e:timeout:Timeout error`, noCode},
		{`adApi.startCall('101')`, `e8::Timeout error`, noCode},
		{`adApi.getAgentState()`, `e8.5:timeout:x`, noCode},
		{`adApi.getAgentState()`, `e99`, noCode},
		{`adApi.getAgentState()`, `e99:unknown_error`, noCode},
	} {
		lit := "null"
		if c.result != "null" {
			lit = "'" + c.result + "'"
		}
		evalJS[bool](crm, `window.__swap = true; window.__broken = `+lit+`; true`)
		got := within[map[string]any](crm, 10*time.Second, "the call settles", c.call+`.then(r => (window.__swap = false, r))`)
		e, _ := got["error"].(map[string]any)
		if got["status"] != "error" || e == nil || e["code"] != 99.0 || e["name"] != "unknown_error" || e["message"] != c.want {
			t.Errorf("%s settled with %q: %v, want unknown_error %q", c.call, c.result, got, c.want)
			continue
		}
		if c.call[6] == 's' { // startCall: the InitiateResult too
			if d, _ := got["data"].(map[string]any); d == nil || d["id"] != nil || d["error"] != c.want {
				t.Errorf("%s settled with %q: data %v", c.call, c.result, got["data"])
			}
		}
	}
	// Go's own shapes still pass, and the next calls work.
	evalJS[bool](crm, `window.__swap = true; window.__broken = 'e8:timeout:Timeout error: a: b'; true`)
	evalJS[OperationResult](crm, `adApi.startCall('102')`).wantError(t, 8, "timeout", "Timeout error: a: b")
	evalJS[bool](crm, `window.__swap = false; true`)
	evalJS[OperationResult](crm, `adApi.startCall('103')`).id(t)
	if got := evalJS[OperationResult](crm, `adApi.getAgentState()`); got.Status != "success" {
		t.Fatalf("getAgentState after: %s", got)
	}
}
