package browsertest

import (
	"testing"
	"time"
)

// TestLoaderSettleThatThrowsLosesThatCallOnly: a page that replaced the
// loader's settle with one that throws (its own __adApiLoader is the
// page's to break) loses the call that settle answered, never the module:
// settle's own recover (wasm/settle.go) keeps the Go runtime alive for a
// method settled later from a goroutine (the SIP desktop whose server is
// down answers every method so), and the next call works. Without that
// recover the exception ends the Go program and every later call fails.
func TestLoaderSettleThatThrowsLosesThatCallOnly(t *testing.T) {
	sipBed(t)
	tb := openTab(t, "")
	tb.expectConsoled = true
	tb.openURL(sipEnv.downURL)
	if got := evalJS[OperationResult](tb, `adApi.getAgentState()`); got.Status != "success" {
		t.Fatalf("getAgentState before: %s", got)
	}
	evalJS[bool](tb, `(l => {
		const real = l.settle
		window.__thrown = 0
		l.settle = (token, r) => {
			if (window.__thrown++ === 0) throw new Error('the page settle')
			return real(token, r)
		}
		window.__lost = adApi.getAgentState().then(() => 'settled')
		return true
	})(__adApiLoader)`)
	got := within[OperationResult](tb, 10*time.Second, "getAgentState settles after a settle that threw", `adApi.getAgentState()`)
	if got.Status != "success" {
		t.Fatalf("getAgentState after a settle that threw: %s", got)
	}
	if n := evalJS[int](tb, `__thrown`); n != 2 {
		t.Fatalf("the page's settle ran %d times, want 2", n)
	}
}

// TestOverriddenStringMethodsStillSettle: a page that replaces
// String.prototype's slice and indexOf (after load, hurting itself) while
// a call settles still gets that call's promise resolved (success or an
// error): the loader forgets the call before it decodes Go's result, so a
// decode that threw rejected startCall (settled at once) or, settled
// later from Go, left it pending. The next call, with the page's methods
// back, works.
func TestOverriddenStringMethodsStillSettle(t *testing.T) {
	tb := openDesktop(t)
	tb.expectConsoled = true
	for _, call := range []string{`adApi.startCall('100')`, `adApi.getAgentState()`} {
		got := within[string](tb, 10*time.Second, call+" settles with String.prototype replaced", `(() => {
			const slice = String.prototype.slice, indexOf = String.prototype.indexOf
			String.prototype.slice = () => { throw new Error('page slice') }
			String.prototype.indexOf = () => { throw new Error('page indexOf') }
			let p
			try { p = `+call+` } finally { String.prototype.slice = slice; String.prototype.indexOf = indexOf }
			return p.then(r => r.status, e => 'threw ' + e)
		})()`)
		if got != "success" && got != "error" {
			t.Errorf("%s: %s", call, got)
		}
	}
	if got := evalJS[OperationResult](tb, `adApi.startCall('101')`); got.Status != "success" {
		t.Fatalf("startCall after: %s", got)
	}
}
