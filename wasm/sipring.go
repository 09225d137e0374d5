//go:build js && wasm && !adapiclient && !adapinosip

package main

import (
	"sync"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge/phone"
)

// ringer plays a ringtone while an inbound call rings (SPEC: "A ringtone
// plays"), and shows a browser notification when the tab is hidden (its
// permission asked for at sign-in; denied or absent, nothing shows and
// nothing fails): adapi-sip.js's tone and notify. The desktop's <html>
// carries data-adapi-ringing (the ringing calls' count) and
// data-adapi-notified (notifications shown) for tests and for a page's
// own styling.
var ringer struct {
	mu       sync.Mutex
	calls    map[phone.CallID]js.Value // ringing call → its notification, or null
	ctx      js.Value                  // the tone's AudioContext, made at the first ring
	notified int
}

// ringStart rings for call id.
func ringStart(id phone.CallID, from string) {
	defer recoverRing()
	g, ok := glueNow()
	if !ok {
		return
	}
	ringer.mu.Lock()
	defer ringer.mu.Unlock()
	if ringer.calls == nil {
		ringer.calls = map[phone.CallID]js.Value{}
	}
	if _, dup := ringer.calls[id]; dup {
		return
	}
	n := g.Call("notify", clip(from, 64), string(id))
	if n.Truthy() {
		ringer.notified++
	}
	ringer.calls[id] = n
	if len(ringer.calls) == 1 {
		if ac := g.Call("tone", true); ac.Truthy() && !ringer.ctx.Truthy() {
			ringer.ctx = ac
			playOn(ac) // the chosen speaker (sipdevices.go)
		}
	}
	g.Call("mark", len(ringer.calls), ringer.notified)
}

// ringStop stops ringing for call id (accepted, rejected, cancelled);
// "" for every call (signed out).
func ringStop(id phone.CallID) {
	defer recoverRing()
	g, ok := glueNow()
	if !ok {
		return
	}
	ringer.mu.Lock()
	defer ringer.mu.Unlock()
	for k, n := range ringer.calls {
		if k == id || id == "" {
			delete(ringer.calls, k)
			if n.Truthy() {
				n.Call("close")
			}
			if len(ringer.calls) == 0 {
				g.Call("tone", false)
			}
			g.Call("mark", len(ringer.calls), ringer.notified)
		}
	}
}

// ignoreRejection is a promise's catch handler that drops the reason (a
// Go function: the desktop's CSP forbids new Function), made once.
var ignoreRejection = sync.OnceValue(func() js.Func {
	return js.FuncOf(func(js.Value, []js.Value) any { return nil })
})

func recoverRing() {
	if r := recover(); r != nil {
		sipJS.console.Call("error", "adApi: ringtone:", fmtPanic(r))
	}
}

// askNotifications asks for the notification permission at sign-in, once,
// if the browser has not been asked yet; the answer is never waited on.
func askNotifications() {
	defer recoverRing()
	if g, ok := glueNow(); ok {
		g.Call("askNotify")
	}
}

// ring is the SIP phone's Ring hook: an inbound call rings (on) until it
// is accepted, rejected, hung up or ended; id "" stops every ringtone
// (signed out).
func ring(id phone.CallID, from string, on bool) {
	if on {
		ringStart(id, from)
	} else {
		ringStop(id)
	}
}
