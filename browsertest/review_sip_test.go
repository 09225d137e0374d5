package browsertest

import (
	"fmt"
	"testing"

	"github.com/adapi-go/adapi-go/testbed/farend"
)

// TestSIPRingsWhenANotificationCannotShow: a browser whose Notification
// constructor throws (Chrome on Android: "Illegal constructor", only a
// service worker may show one) with the permission granted and the tab
// hidden still rings an inbound call (the ringtone, data-adapi-ringing)
// and stops when it is rejected; the next call rings too. Before, the
// throw ended adapi-sip.js's ring before it kept the call: no ringtone.
func TestSIPRingsWhenANotificationCannotShow(t *testing.T) {
	bed := sipBed(t)
	tb := openTab(t, recordEvents+`
Object.defineProperty(Document.prototype, 'hidden', {get: () => true})
window.Notification = class {
	constructor () { throw new TypeError('Illegal constructor') }
	static get permission () { return 'granted' }
	static requestPermission () { return Promise.resolve('granted') }
}`)
	tb.expectConsoled = true
	tb.openURL(sipEnv.url)
	if r := tb.login("agent", bed.Passwords["agent"]); r.Status != "success" {
		t.Fatalf("login: %s", r)
	}
	ringing := func() string {
		return evalJS[string](tb, `document.documentElement.getAttribute('data-adapi-ringing') || ''`)
	}
	for i := 0; i < 2; i++ {
		farID, err := bed.FarEnd.Dial("agent", farend.Echo)
		if err != nil {
			t.Fatal(err)
		}
		ev := tb.waitEvent("ON_NEW_INTERACTION", func(a map[string]any) bool {
			return a["callDirection"] == "inbound" && a["state"] == "delivery_pending"
		})
		// The attribute is set before the event is sent: no wait needed.
		if got := ringing(); got != "1" {
			t.Errorf("call %d: data-adapi-ringing %q, want 1", i, got)
		}
		tb.ok(fmt.Sprintf(`adApi.rejectInteraction(%q)`, ev["interactionId"]))
		farCall(t, bed, farID, "refused with 486", func(c farend.Call) bool { return c.State == "ended" && c.Status == 486 })
		if got := ringing(); got != "" {
			t.Errorf("call %d rejected: data-adapi-ringing %q", i, got)
		}
	}
}
