package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

var itoa = strconv.Itoa

const contactJS = `{id: '003B000000xyz', type: 'contact', displayName: 'Ada Lovelace', displayType: 'Contact', customFields: {tier: 'gold'}}`

func TestStartCallAsDocumented(t *testing.T) {
	tb := openTab(t, "")
	tb.open("")

	with := evalJS[OperationResult](tb, `adApi.startCall('+14155550123', `+contactJS+`)`)
	without := evalJS[OperationResult](tb, `adApi.startCall('4155551234')`)
	explicitUndefined := evalJS[OperationResult](tb, `adApi.startCall('4155551234', undefined)`)
	ids := map[string]bool{with.id(t): true, without.id(t): true, explicitUndefined.id(t): true}
	if len(ids) != 3 {
		t.Fatalf("ids are not distinct: %v", ids)
	}
	// Exactly Bright Pattern's shape, nothing more.
	shape := evalJS[string](tb, `adApi.startCall('100').then(r => JSON.stringify(Object.keys(r)) + JSON.stringify(Object.keys(r.data)))`)
	if shape != `["status","data"]["id"]` {
		t.Fatalf("result shape %s", shape)
	}
	// The promise is a real Promise, and startCall never throws.
	if !evalJS[bool](tb, `adApi.startCall() instanceof Promise`) {
		t.Fatal("startCall did not return a Promise")
	}
}

func TestFormattedNumberIsNormalised(t *testing.T) {
	tb := openTab(t, "")
	tb.open("")
	got := evalJS[map[string]any](tb, `new Promise(resolve => {
		adApi.on('ON_NEW_INTERACTION', d => resolve(d))
		adApi.startCall(' +1 (415) 555-0123 ', `+contactJS+`)
	})`)
	if got["phoneNumber"] != "+14155550123" {
		t.Fatalf("phoneNumber %v", got["phoneNumber"])
	}
}

func TestPageAdApiMembersSurvive(t *testing.T) {
	tb := openTab(t, `window.adApi = {version: 'crm-7', hello() { return 'hi' }}; window.__mine = window.adApi`)
	tb.open("")
	got := evalJS[string](tb, `[adApi === __mine, adApi.version, adApi.hello(), typeof adApi.startCall].join(',')`)
	if got != "true,crm-7,hi,function" {
		t.Fatalf("got %s", got)
	}
	evalJS[OperationResult](tb, `adApi.startCall('100')`).id(t)
}

func TestCallBeforeReadyIsQueued(t *testing.T) {
	release := wasmGate.hold()
	defer release()
	tb := openTab(t, "")
	tb.do(chromedp.Navigate(desktopURL)) // returns on load; fetch() does not hold load back
	// adapi.js has run (it is a classic script in <head>) but the module
	// is held back by the server.
	state := evalJS[string](tb, `window.__early = adApi.startCall('+1 415 555 0100', `+contactJS+`);
		String(__adApiLoader.isReady)`)
	if state != "false" {
		t.Fatalf("the module was ready before it was served (isReady %s)", state)
	}
	release()
	evalJS[OperationResult](tb, `__early`).id(t)
}

func TestFormAsAPerson(t *testing.T) {
	tb := openTab(t, "")
	tb.open("")
	// Count the calls the form makes, as a spy on the public API.
	evalJS[bool](tb, `window.__calls = []; const real = adApi.startCall;
		adApi.startCall = (...a) => { __calls.push(a); return real(...a) }; true`)

	// With the default object.
	tb.do(chromedp.SetValue(chromedp.ID("startCallPhoneNumberInput"), "+1 (415) 555-0199"),
		chromedp.Click(chromedp.ID("startCallButton")))
	first := tb.waitResult(1)
	if !strings.Contains(first, "+1 (415) 555-0199 → success · id ia-") {
		t.Fatalf("result on the page: %q", first)
	}
	if got := evalJS[string](tb, `JSON.stringify(__calls[0][1])`); !strings.Contains(got, `"displayName":"Ada Lovelace"`) {
		t.Fatalf("object passed: %s", got)
	}

	// Empty textarea: no object.
	tb.do(clearField("associatedObjectTextarea"),
		chromedp.Click(chromedp.ID("startCallButton")))
	tb.waitResult(2)
	if got := evalJS[string](tb, `String(__calls[1][1])`); got != "undefined" {
		t.Fatalf("object with an empty textarea: %s", got)
	}

	// Bad JSON: the documented alert, and no call.
	tb.do(chromedp.SetValue(chromedp.ID("associatedObjectTextarea"), "{id: oops"),
		chromedp.Click(chromedp.ID("startCallButton")))
	tb.mu.Lock()
	dialogs := append([]string(nil), tb.dialogs...)
	tb.mu.Unlock()
	if len(dialogs) != 1 || dialogs[0] != "You have syntax error in the associated object structure. Cannot parse JSON." {
		t.Fatalf("dialogs %q", dialogs)
	}
	if n := evalJS[int](tb, `__calls.length`); n != 2 {
		t.Fatalf("%d calls after bad JSON, want 2", n)
	}

	// An empty number shows the error on the page.
	tb.do(clearField("associatedObjectTextarea"),
		chromedp.SetValue(chromedp.ID("startCallPhoneNumberInput"), "  "),
		chromedp.Click(chromedp.ID("startCallButton")))
	if got := tb.waitResult(3); !strings.Contains(got, "error 10 empty_number · phoneNumber: empty") {
		t.Fatalf("result on the page: %q", got)
	}
	tb.screenshot("form")
}

// waitResult waits for the form's n-th result on the page and returns the
// newest one's text.
func (tb *tab) waitResult(n int) string {
	tb.t.Helper()
	return evalJS[string](tb, `new Promise(resolve => {
		const list = document.getElementById('startCallResults')
		const done = () => list.children.length >= `+itoa(n)+` && (resolve(list.firstElementChild.textContent), true)
		if (!done()) new MutationObserver((_, o) => done() && o.disconnect()).observe(list, {childList: true})
	})`)
}

// clearField empties a field as a person does: focus, select all, delete.
func clearField(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Focus(chromedp.ID(id)),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[chromedp.Void](`document.activeElement.select()`)(ctx, t)
			return err
		}),
		chromedp.KeyEvent(kb.Backspace),
	)
}

// TestStartCallSettledInsideTheCall: a phone that answers from a goroutine
// at once (the reference phone "slow" with no delay; a SIP phone not
// registered is another) settles the call before Go's entry returns to
// JavaScript (Go runs every goroutine it can first). The promise must
// still resolve: the loader registers the call before it calls Go
// (web/adapi.js, callGo). The same for adApiDesktop.dial, which settles
// from a goroutine too, and a call with an AbortSignal.
func TestStartCallSettledInsideTheCall(t *testing.T) {
	tb := openDesktop(t)
	evalJS[OperationResult](tb, `adApiDesktop.update({phone: 'slow', slowDialDelayMs: 0})`)
	for _, call := range []string{
		`adApi.startCall('+14155550101')`,
		`adApi.startCall('+14155550102', ` + contactJS + `)`,
		`adApi.startCall('+14155550103', undefined, {signal: new AbortController().signal})`,
		`adApiDesktop.setDialpad('+14155550104').then(() => adApiDesktop.dial())`,
	} {
		settled(tb, call).id(t)
	}
	evalJS[OperationResult](tb, `adApiDesktop.update({phone: 'healthy'})`)
	evalJS[OperationResult](tb, `adApi.startCall('+14155550105')`).id(t)
	if got := evalJS[string](tb, `adApiDesktop.interactions().map(i => i.phoneNumber).join(',')`); got != "+14155550101,+14155550102,+14155550103,+14155550104,+14155550105" {
		t.Fatalf("desktop placed %s", got)
	}
}
