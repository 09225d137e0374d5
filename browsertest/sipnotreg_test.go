package browsertest

import (
	"fmt"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/testbed/farend"
)

// settled evaluates expr (a promise of an OperationResult) and fails the
// test if it is still pending well after the desktop's own bound (the
// placement deadline and then some): SPEC's "never stays pending".
func settled(tb *tab, expr string) OperationResult {
	tb.t.Helper()
	bound := (sipPlacementTimeout + 10*time.Second) / time.Millisecond
	r := evalJS[struct {
		Pending bool
		R       OperationResult
	}](tb, fmt.Sprintf(`Promise.race([(%s).then(r => ({pending: false, r})),
		new Promise(resolve => setTimeout(() => resolve({pending: true}), %d))])`, expr, bound))
	if r.Pending {
		tb.t.Fatalf("%s never settled", expr)
	}
	return r.R
}

// With the SIP phone not registered (before any login, after a refused
// one, with the server down) startCall resolves with logged_without_phone
// (4, phone not registered) (the desktop's agent starts logged in, so 2
// does not apply), the other methods settle too, and after a good login
// the next call works.
func TestSIPStartCallNotRegistered(t *testing.T) {
	bed := sipBed(t)
	call := fmt.Sprintf(`adApi.startCall(%q)`, farend.Echo)

	tb := openTab(t, recordEvents)
	tb.openURL(sipEnv.url)
	settled(tb, call).wantError(t, 4, "logged_without_phone", "phone not registered")
	for _, m := range []string{`adApi.setCallHold(true)`, `adApi.leaveInteraction()`, `adApi.sendDtmf('1')`} {
		if r := settled(tb, m); r.Status != "error" {
			t.Fatalf("%s with no call: %s", m, r)
		}
	}
	if r := tb.login("agent", "wrong-"+bed.Passwords["agent"]); r.Status != "error" || r.Error.Code != 1 {
		t.Fatalf("login with a wrong password: %s", r)
	}
	settled(tb, call).wantError(t, 4, "logged_without_phone", "phone not registered")
	settled(tb, call).wantError(t, 4, "logged_without_phone", "phone not registered")
	// Two logins at once (a wrong one, then the right one) both settle.
	both := fmt.Sprintf(`(Promise.all([adApi.login({username: 'agent', password: 'wrong'}), adApi.login({username: 'agent', password: %q})])
		.then(rs => ({status: rs.map(r => r.status).join(',')})))`, bed.Passwords["agent"])
	if r := settled(tb, both); r.Status != "error,success" {
		t.Fatalf("two logins at once: %s", r.Status)
	}
	if r := tb.login("agent", bed.Passwords["agent"]); r.Status != "success" {
		t.Fatalf("login: %s", r)
	}
	id := settled(tb, call).id(t)
	tb.waitEvent("ON_INTERACTION_STATE_CHANGE", stateOf(id, "delivered"))
	tb.ok(fmt.Sprintf(`adApi.leaveInteraction(%q)`, id))
	// Signing in again with a wrong password drops the registration: the
	// phone says so, and startCall gets 4 again.
	if r := tb.login("agent", "wrong"); r.Status != "error" || r.Error.Code != 1 {
		t.Fatalf("login again with a wrong password: %s", r)
	}
	tb.waitEvent("ON_SOFTPHONE_STATUS_CHANGE", func(a map[string]any) bool { return a["value"] == false })
	settled(tb, call).wantError(t, 4, "logged_without_phone", "phone not registered")

	down := openTab(t, recordEvents)
	down.openURL(sipEnv.downURL)
	if r := down.login("agent", "whatever"); r.Status != "error" || r.Error.Code != 99 {
		t.Fatalf("login, server down: %s", r)
	}
	settled(down, call).wantError(t, 4, "logged_without_phone", "phone not registered")
}
