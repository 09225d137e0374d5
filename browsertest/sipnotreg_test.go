package browsertest

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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

// loginFormShown waits until the panel draws the sign-in form shown (or
// hidden), with its "Sign in to register the phone" line as hint says.
func (tb *tab) loginFormShown(shown, hint bool) {
	tb.t.Helper()
	ok := evalJS[bool](tb, fmt.Sprintf(`new Promise(res => {
		const root = document.getElementById('agentDesktop'), f = document.getElementById('loginForm'), h = document.getElementById('loginHint');
		const ok = () => f.hidden === %t && h.hidden === %t;
		if (ok()) return res(true);
		root.addEventListener('adapi:drawn', function d() { if (ok()) { root.removeEventListener('adapi:drawn', d); res(true) } });
		setTimeout(() => res(ok()), 20000);
	})`, !shown, !hint))
	if !ok {
		tb.t.Fatalf("sign-in form shown %t, hint %t: not drawn so (form hidden %v)", shown, hint,
			evalJS[bool](tb, `document.getElementById('loginForm').hidden`))
	}
}

// pillReads waits until the panel draws the status pill beside the
// agent's status reading pill ("" hidden), and the page's header the
// agent's status as header.
func (tb *tab) pillReads(pill, header string) {
	tb.t.Helper()
	got := `(p => (p.hidden ? '' : p.textContent) + ' | ' + document.getElementById('bridgeStatus').textContent)(document.getElementById('agentStatePill'))`
	want := pill + " | " + header
	ok := evalJS[bool](tb, fmt.Sprintf(`new Promise(res => {
		const root = document.getElementById('agentDesktop'), ok = () => %s === %q;
		if (ok()) return res(true);
		root.addEventListener('adapi:drawn', function d() { if (ok()) { root.removeEventListener('adapi:drawn', d); res(true) } });
		setTimeout(() => res(ok()), 20000);
	})`, got, want))
	if !ok {
		tb.t.Fatalf("the status pill | the header read %q, want %q", evalJS[string](tb, got), want)
	}
}

// With SIP the agent starts logged in but the phone is not registered: the
// panel shows the sign-in form (signing in registers the phone) and says
// so, and the pill beside the agent's status and the page's header say
// "Phone not registered" (not the agent's "Ready"); a good login hides the
// form and the pill (the header says "Ready"), a refused login shows them
// again, a logout shows the form ("Signed out"). The reference desktop (no
// sip) starts with both hidden, "Ready".
func TestSIPPanelOffersSignIn(t *testing.T) {
	bed := sipBed(t)
	tb := openTab(t, recordEvents)
	tb.do(chromedp.EmulateViewport(390, 844))
	tb.openURL(sipEnv.url)
	tb.loginFormShown(true, true)
	tb.pillReads("Phone not registered", "Phone not registered")
	if who := evalJS[string](tb, `document.getElementById('agentDesktop').getAttribute('data-phone-registered')`); who != "false" {
		t.Fatalf("data-phone-registered at start: %q", who)
	}
	tb.checkLayout("not registered, 390 px", 0)
	tb.screenshot("sip-start-390")
	tb.do(chromedp.EmulateViewport(320, 640))
	evalJS[bool](tb, frameJS)
	tb.checkLayout("not registered, 320 px", 0)
	tb.screenshot("sip-start-320")
	if r := tb.login("agent", bed.Passwords["agent"]); r.Status != "success" {
		t.Fatalf("login: %s", r)
	}
	tb.loginFormShown(false, false)
	tb.pillReads("", "Ready")
	if r := tb.login("agent", "wrong"); r.Status != "error" {
		t.Fatalf("wrong login: %s", r)
	}
	tb.loginFormShown(true, true)
	tb.pillReads("Phone not registered", "Phone not registered")
	if r := tb.login("agent", bed.Passwords["agent"]); r.Status != "success" {
		t.Fatalf("login again: %s", r)
	}
	tb.loginFormShown(false, false)
	tb.pillReads("", "Ready")
	tb.ok(`adApi.logout()`)
	tb.loginFormShown(true, true)
	tb.pillReads("", "Signed out")

	model := openTab(t, recordEvents)
	model.open("")
	model.loginFormShown(false, false)
	model.pillReads("", "Ready")
}
