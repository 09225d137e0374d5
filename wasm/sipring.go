//go:build js && wasm && !adapiclient && !adapinosip

package main

import (
	"github.com/adapi-go/adapi-go/bridge/phone"
)

// ring is the SIP phone's Ring hook: an inbound call rings (on) until it
// is accepted, rejected, hung up or ended; id "" stops every ringtone
// (signed out). adapi-sip.js's ring plays the ringtone (SPEC: "A ringtone
// plays") on the chosen speaker, and shows a browser notification when
// the tab is hidden (its permission asked for at sign-in; denied or
// absent, nothing shows and nothing fails). The desktop's <html> carries
// data-adapi-ringing (the ringing calls' count) and data-adapi-notified
// (notifications shown) for tests and for a page's own styling.
func ring(id phone.CallID, from string, on bool) {
	if g, ok := glueNow(); ok {
		g.Call("ring", string(id), from, on) // (it never throws: a failure is logged there)
	}
}
