package browsertest

import (
	"testing"
	"time"
)

// TestPanicsAreContained makes the reference desktop panic (a test-only
// setting) where the bridge recovers (placing the call) and where only the
// wasm glue does (the agent check, before placing): each time that call
// alone fails with unknown_error, and the next call works.
func TestPanicsAreContained(t *testing.T) {
	tb := openDesktop(t)
	tb.expectConsoled = true // a contained panic may be logged
	evalJS[OperationResult](tb, `adApiDesktop.update({panic: 'dial'})`)
	evalJS[OperationResult](tb, `adApi.startCall('100')`).wantError(t, 99, "unknown_error", "the desktop failed: test: the reference softphone panics (dial)")
	evalJS[OperationResult](tb, `adApiDesktop.update({panic: 'check'})`)
	evalJS[OperationResult](tb, `adApi.startCall('100')`).wantError(t, 99, "unknown_error", "the bridge failed: test: the reference softphone panics (check)")
	// The big-argument path (a string, not the shared buffer) has its own entry.
	evalJS[OperationResult](tb, `adApi.startCall('100', {id: 'b', type: 'c', customFields: Object.fromEntries(Array.from({length: 100}, (_, i) => ['k' + i, 'x'.repeat(4000)]))})`).
		wantError(t, 99, "unknown_error", "the bridge failed: test: the reference softphone panics (check)")
	evalJS[OperationResult](tb, `adApiDesktop.update({panic: ''})`)
	evalJS[OperationResult](tb, `adApi.startCall('100')`).id(t)
	evalJS[OperationResult](tb, `adApiDesktop.update({panic: 'sometimes'})`).wantError(t, 3, "invalid_args", `panic: want "", check, dial, method or settle, got "sometimes"`)
}

// TestPanicsAreContainedAcrossFrames: the same, for a CRM page's calls:
// the panic in the framed desktop is that call's unknown_error, at once
// (not api_not_answer when the client gives up).
func TestPanicsAreContainedAcrossFrames(t *testing.T) {
	crm, _ := openCRM(t)
	evalJS[OperationResult](crm, `adApi.startCall('100')`).id(t)
	desk := crm.frame(desktopURL)
	for _, c := range []struct{ where, msg string }{
		{"dial", "the desktop failed: test: the reference softphone panics (dial)"},
		{"check", "the bridge failed: test: the reference softphone panics (check)"},
	} {
		evalJS[OperationResult](desk, `adApiDesktop.update({panic: '`+c.where+`'})`)
		evalJS[OperationResult](crm, `adApi.startCall('101')`).wantError(t, 99, "unknown_error", c.msg)
	}
	evalJS[OperationResult](desk, `adApiDesktop.update({panic: ''})`)
	evalJS[OperationResult](crm, `adApi.startCall('102')`).id(t)
	if got := evalJS[string](desk, `adApiDesktop.interactions().map(i => i.phoneNumber).join(',')`); got != "100,102" {
		t.Fatalf("desktop placed %s", got)
	}
}

// TestAbortAcrossFrames: a CRM page's AbortSignal, before the call is sent
// and while the desktop's slow phone has not yet dialled it, rejects the
// promise with the signal's reason, sends CANCEL_START_CALL with the
// call's uid, and the desktop dials nothing for it.
func TestAbortAcrossFrames(t *testing.T) {
	crm, _ := openCRM(t)
	evalJS[OperationResult](crm, `adApi.startCall('100')`).id(t)
	desk := crm.frame(desktopURL)
	evalJS[OperationResult](desk, `adApiDesktop.update({phone: 'slow', slowDialDelayMs: 400})`)
	evalJS[bool](desk, `window.__uids = {}; addEventListener('message', e => {
		if (e.data && e.data.type === 'START_CALL') __uids[e.data.params[0]] = e.data.uid
		if (e.data && e.data.type === 'CANCEL_START_CALL') __uids['cancel'] = e.data.params[0]
	}); true`)
	got := evalJS[string](crm, `(async () => {
		const out = []
		const before = new AbortController(); before.abort()
		try { await adApi.startCall('101', undefined, {signal: before.signal}); out.push('resolved') } catch (e) { out.push(e.name) }
		const during = new AbortController()
		const p = adApi.startCall('102', undefined, {signal: during.signal})
		await __wireNext('START_CALL', d => d[0] === '102')
		during.abort()
		try { await p; out.push('resolved') } catch (e) { out.push(e.name) }
		// A call made after it, on the same slow phone, dials after the
		// aborted one would have (and reaches the desktop after the cancel:
		// one window's messages to another arrive in order).
		const next = await adApi.startCall('103')
		out.push(next.status)
		return out.join(' ')
	})()`)
	if got != "AbortError AbortError success" {
		t.Fatalf("got %q", got)
	}
	uids := evalJS[map[string]string](desk, `__uids`)
	if uids["cancel"] == "" || uids["cancel"] != uids["102"] || uids["101"] != "" {
		t.Fatalf("the desktop received %v: want a cancel naming 102's uid, and 101 never sent", uids)
	}
	if got := evalJS[string](desk, `adApiDesktop.interactions().map(i => i.phoneNumber).join(',')`); got != "100,103" {
		t.Fatalf("desktop placed %s, want 100,103", got)
	}
}

// TestPanicInMethodIsContained makes the desktop panic in the wasm entry
// of a call-control method, before the bridge serves it (the entry's
// recover alone holds it): that call resolves with unknown_error, startCall
// is not affected, and once the fault is gone the next method call works.
// Without the recover the Go runtime dies and evalJS fails at once.
func TestPanicInMethodIsContained(t *testing.T) {
	tb := openDesktop(t)
	tb.expectConsoled = true // a contained panic may be logged
	want := evalJS[OperationResult](tb, `adApi.getAgentState()`)
	if want.Status != "success" {
		t.Fatalf("getAgentState before the fault: %s", want)
	}
	evalJS[OperationResult](tb, `adApiDesktop.update({panic: 'method'})`)
	for _, call := range []string{`adApi.getAgentState()`, `adApi.setAgentState('ready')`} {
		// A method's error result has no data (startCall's has {id, error}).
		if got := evalJS[string](tb, call+`.then(r => r.status + ' ' + (r.data == null) + ' ' + r.error.code + ' ' + r.error.name + ' ' + r.error.message)`); got != "error true 99 unknown_error the bridge failed: test: the reference softphone panics (method)" {
			t.Fatalf("%s: %s", call, got)
		}
	}
	evalJS[OperationResult](tb, `adApi.startCall('100')`).id(t)
	evalJS[OperationResult](tb, `adApiDesktop.update({panic: ''})`)
	if got := evalJS[OperationResult](tb, `adApi.getAgentState()`); got.Status != "success" {
		t.Fatalf("getAgentState after the fault: %s", got)
	}
}

// TestPanicWhileSettlingIsContained makes the desktop panic in a
// startCall that a slow phone settles later, from a goroutine (only
// settleLater's recover holds it): the promise resolves with unknown_error,
// not never, and the next call, on the same slow phone, is placed.
// Without the recover the Go runtime dies and evalJS fails at once.
func TestPanicWhileSettlingIsContained(t *testing.T) {
	tb := openDesktop(t)
	tb.expectConsoled = true // a contained panic may be logged
	evalJS[OperationResult](tb, `adApiDesktop.update({phone: 'slow', slowDialDelayMs: 50, panic: 'settle'})`)
	evalJS[OperationResult](tb, `adApi.startCall('100')`).wantError(t, 99, "unknown_error", "the bridge failed: test: the reference softphone panics (settle)")
	evalJS[OperationResult](tb, `adApiDesktop.update({panic: ''})`)
	evalJS[OperationResult](tb, `adApi.startCall('101')`).id(t)
	if got := evalJS[string](tb, `adApiDesktop.interactions().map(i => i.phoneNumber).join(',')`); got != "101" {
		t.Fatalf("desktop placed %q, want 101", got)
	}
}

// TestPanicWhileSettlingAMethodIsContained: the same for a call-control
// method that a phone answers later, from a goroutine (the SIP phone
// answers every method so: the desktop whose SIP server is down, which
// has test hooks): the method resolves with unknown_error, and the next
// one works. Without settleLater's recover the Go runtime dies and the
// call never settles.
func TestPanicWhileSettlingAMethodIsContained(t *testing.T) {
	sipBed(t)
	tb := openTab(t, "")
	tb.expectConsoled = true // a contained panic may be logged
	tb.openURL(sipEnv.downURL)
	if got := evalJS[OperationResult](tb, `adApi.getAgentState()`); got.Status != "success" {
		t.Fatalf("getAgentState before the fault: %s", got)
	}
	evalJS[OperationResult](tb, `adApiDesktop.update({panic: 'settle'})`)
	for _, call := range []string{`adApi.getAgentState()`, `adApi.getLoginState()`} {
		if got := within[string](tb, 10*time.Second, call+" settles", call+`.then(r => r.status + ' ' + (r.data == null) + ' ' + r.error.code + ' ' + r.error.name + ' ' + r.error.message)`); got != "error true 99 unknown_error the bridge failed: test: the reference softphone panics (settle)" {
			t.Fatalf("%s: %s", call, got)
		}
	}
	evalJS[OperationResult](tb, `adApiDesktop.update({panic: ''})`)
	if got := within[OperationResult](tb, 10*time.Second, "getAgentState settles after the fault", `adApi.getAgentState()`); got.Status != "success" {
		t.Fatalf("getAgentState after the fault: %s", got)
	}
}

// TestPanicHookNeedsTestHooks: a desktop whose adapi-config.json has no
// testHooks (as adapi-serve serves it) refuses adApiDesktop.update({panic})
// for every panic point, changes nothing, and its calls keep working.
func TestPanicHookNeedsTestHooks(t *testing.T) {
	url := serveDesktopWith(t, 200, `{}`)
	tb := openTab(t, "")
	tb.openURL(url)
	evalJS[OperationResult](tb, `adApiDesktop.update({answerDelayMs: 0})`)
	for _, where := range []string{"check", "dial", "method", "settle", "", "sometimes"} {
		evalJS[OperationResult](tb, `adApiDesktop.update({panic: '`+where+`'})`).
			wantError(t, 3, "invalid_args", "panic: this desktop has no test hooks (adapi-config.json's testHooks)")
		evalJS[OperationResult](tb, `adApi.startCall('100')`).id(t)
		if got := evalJS[OperationResult](tb, `adApi.getAgentState()`); got.Status != "success" {
			t.Fatalf("panic %q: getAgentState: %s", where, got)
		}
	}
	// A patch naming panic changes nothing else either.
	evalJS[OperationResult](tb, `adApiDesktop.update({phone: 'slow', panic: 'dial'})`).
		wantError(t, 3, "invalid_args", "panic: this desktop has no test hooks (adapi-config.json's testHooks)")
	if got := evalJS[string](tb, `adApiDesktop.settings().phone`); got != "healthy" {
		t.Fatalf("phone %q after a refused patch", got)
	}
}
