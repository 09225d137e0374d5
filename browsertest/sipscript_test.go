package browsertest

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestSIPScriptThatFailsToLoad: with a sip section in its config and
// web/adapi-sip.js blocked (as a proxy, an extension or a failed deploy
// would), sign-in fails closed naming the script (99), a call is refused
// with the phone not registered (4), nothing waits for the script, and the
// page never opens the SIP server's WebSocket (the script fails before any
// network). The desktop is the one whose config names the silent server:
// were the script to load, login would hang there until its deadline.
func TestSIPScriptThatFailsToLoad(t *testing.T) {
	const scriptFailed = "the phone's script (adapi-sip.js) could not load: check the network, or the desktop's server"
	sipBed(t)
	tb := openTab(t, recordEvents)
	tb.expectConsoled = true // the blocked script's load error
	tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.SetBlockedURLs, network.SetBlockedURLsParams{
			URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/adapi-sip.js", Block: true}}})
		return err
	}))
	accepted, _ := sipEnv.silent.Accepted()
	tb.openURL(sipEnv.silentURL)
	// Twice: the second attempt finds the failure already known.
	for i := 0; i < 2; i++ {
		r := within[OperationResult](tb, 20*time.Second, "login fails at once when adapi-sip.js cannot load (wasm/sipglue.go loadSipGlue's onerror)",
			`adApi.login({username: 'agent', password: 'whatever'})`)
		// The agent is told what happened: the script, not the microphone.
		if r.Status != "error" || r.Error == nil || r.Error.Code != 99 || r.Error.Message != scriptFailed {
			t.Fatalf("login %d without adapi-sip.js: %s, want 99 %q", i+1, r, scriptFailed)
		}
		// The agent starts logged in (SPEC: the phone is what login
		// registers); with no phone, a call is refused as documented.
		within[OperationResult](tb, 20*time.Second, "startCall refused at once with the phone not registered",
			`adApi.startCall('+1 202 555 0100')`).wantError(t, 4, "logged_without_phone", "phone not registered")
	}
	if got := evalJS[string](tb, `JSON.stringify(__events.filter(([name, args]) => name === 'ON_SOFTPHONE_STATUS_CHANGE' && args[0] === true))`); got != "[]" {
		t.Errorf("the softphone said it was up: %s", got)
	}
	// Signed in from the panel's form, the agent reads the same.
	evalJS[bool](tb, `document.getElementById('loginUsernameInput').value = 'agent'; document.getElementById('loginPasswordInput').value = 'whatever'
		document.getElementById('loginForm').requestSubmit(); true`)
	within[bool](tb, 20*time.Second, "the panel says why sign-in failed", `new Promise(resolve => {
		const ok = () => document.getElementById('loginStatus').textContent === `+"`Could not sign in: "+scriptFailed+"`"+`
		if (ok()) return resolve(true)
		const panel = document.getElementById('agentDesktop')
		const h = () => ok() && (panel.removeEventListener('adapi:drawn', h), resolve(true))
		panel.addEventListener('adapi:drawn', h)
	})`)
	if h, _ := sipEnv.silent.Accepted(); h != accepted {
		t.Errorf("the page opened the SIP server's WebSocket (%d, was %d)", h, accepted)
	}
}
