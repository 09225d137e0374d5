package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Issue 10's findings, each as the review reproduced it: a hostile page,
// a hostile input, a careless config.

// premiumWays is +1 900 555 0123 written every way the review found
// dialled past `deny: ["+1900"]`.
var premiumWays = []string{"00 1 900 555 0123", "011 1 900 555 0123", "1-900-555-0123", "+0019005550123", "*67 1 900 555 0123", "#31#19005550123", "(900) 555-0123"}

func wantRefusedNumber(t *testing.T, r OperationResult, n string) {
	t.Helper()
	if n == "+0019005550123" {
		r.wantError(t, 3, "invalid_args", "phoneNumber: +0019005550123: no country code starts with 0")
		return
	}
	r.wantError(t, 1, "not_enough_privileges", "dial policy: ")
}

// Finding 1: on the desktop page, via Deferred Dial then Dial, typed in
// the Dialpad.
func TestDialPolicySeesOneNumberOnTheDesktop(t *testing.T) {
	tb := openDesktop(t)
	for _, n := range premiumWays {
		wantRefusedNumber(t, evalJS[OperationResult](tb, `adApi.startCall('`+n+`')`), n)
	}
	// Typed into the Dialpad, dialled by a person.
	for _, n := range premiumWays {
		evalJS[bool](tb, `document.getElementById('dialpadNumberInput').value = ''; true`)
		tb.do(chromedp.SendKeys(chromedp.ID("dialpadNumberInput"), n),
			chromedp.Click(chromedp.ID("dialpadDialButton")))
	}
	if n := evalJS[int](tb, `new Promise(resolve => {
		const log = document.getElementById('panelLog')
		const count = () => [...log.querySelectorAll('li.refused')].filter(li => li.textContent.includes('  Dial: error')).length
		if (count() >= 7) return resolve(count())
		new MutationObserver((_, o) => count() >= 7 && (o.disconnect(), resolve(count()))).observe(log, {childList: true, subtree: true})
	})`); n != 7 {
		t.Fatalf("%d refusals in the log", n)
	}
	// Deferred Dial: a national number reaches the Dialpad canonical, and
	// Dial places it; a premium one written the US way never gets there.
	evalJS[OperationResult](tb, `adApiDesktop.update({deferredDial: true})`)
	for _, n := range premiumWays {
		wantRefusedNumber(t, evalJS[OperationResult](tb, `adApi.startCall('`+n+`')`), n)
	}
	r := evalJS[OperationResult](tb, `adApi.startCall('(415) 555-0123')`)
	if r.Status != "success" || r.Data.ID != nil {
		t.Fatalf("deferred: %s", r)
	}
	evalJS[bool](tb, `document.activeElement.blur(); true`)
	evalJS[OperationResult](tb, `adApiDesktop.dial()`).id(t)
	calls := evalJS[[]string](tb, `adApiDesktop.interactions().map(i => i.phoneNumber + ' ' + i.origination)`)
	if len(calls) != 1 || calls[0] != "+14155550123 dialpad" {
		t.Fatalf("calls %v", calls)
	}
	evalJS[OperationResult](tb, `adApiDesktop.setDialpad('1 900 555 0123')`)
	evalJS[OperationResult](tb, `adApiDesktop.dial()`).wantError(t, 1, "not_enough_privileges", "dial policy: +19005550123 matches the denied prefix +1900")
}

// Finding 1, across frames: the CRM page's calls, and the events they
// carry.
func TestDialPolicySeesOneNumberAcrossFrames(t *testing.T) {
	crm, _ := openCRM(t)
	for _, n := range premiumWays {
		wantRefusedNumber(t, evalJS[OperationResult](crm, `adApi.startCall('`+n+`')`), n)
	}
	id := evalJS[OperationResult](crm, `adApi.startCall('1 (415) 555-0123')`).id(t)
	ev := evalJS[map[string]any](crm, `__next('ON_NEW_INTERACTION', '`+id+`')`)
	if ev["phoneNumber"] != "+14155550123" {
		t.Fatalf("event phoneNumber %v", ev["phoneNumber"])
	}
	desk := crm.frame(desktopURL)
	if got := evalJS[[]string](desk, `adApiDesktop.interactions().map(i => i.phoneNumber)`); strings.Join(got, ",") != "+14155550123" {
		t.Fatalf("dialled %v", got)
	}
}
