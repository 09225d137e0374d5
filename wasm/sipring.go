//go:build js && wasm && !adapiclient && !adapinosip

package main

import (
	"sync"
	"syscall/js"

	"github.com/adapi-go/adapi-go/bridge/phone"
)

// ringer plays a ringtone while an inbound call rings (SPEC: "A ringtone
// plays"): a generated 440+480 Hz tone, 2 s on, 4 s off, through
// WebAudio, and a browser notification when the tab is hidden (its
// permission asked for at sign-in; denied or absent, nothing shows and
// nothing fails). The desktop's <html> carries data-adapi-ringing (the
// ringing calls' count) and data-adapi-notified (notifications shown) for
// tests and for a page's own styling.
var ringer struct {
	mu       sync.Mutex
	calls    map[phone.CallID]js.Value // ringing call → its notification, or undefined
	ctx      js.Value                  // the AudioContext, made at the first ring
	osc      []js.Value                // the tone's oscillators while it plays
	notified int
}

// ringCycles is how many on/off cycles are scheduled at once (2 minutes).
const ringCycles = 20

// ringStart rings for call id.
func ringStart(id phone.CallID, from string) {
	defer recoverRing()
	ringer.mu.Lock()
	defer ringer.mu.Unlock()
	if ringer.calls == nil {
		ringer.calls = map[phone.CallID]js.Value{}
	}
	if _, dup := ringer.calls[id]; dup {
		return
	}
	ringer.calls[id] = notifyIncoming(id, from)
	if len(ringer.osc) == 0 {
		playTone()
	}
	markRinging()
}

// ringStop stops ringing for call id (accepted, rejected, cancelled).
func ringStop(id phone.CallID) {
	defer recoverRing()
	ringer.mu.Lock()
	defer ringer.mu.Unlock()
	n, ok := ringer.calls[id]
	if !ok {
		return
	}
	delete(ringer.calls, id)
	if n.Truthy() {
		n.Call("close")
	}
	if len(ringer.calls) == 0 {
		for _, o := range ringer.osc {
			o.Call("stop")
			o.Call("disconnect")
		}
		ringer.osc = nil
	}
	markRinging()
}

// ringStopAll stops every ringtone (signed out).
func ringStopAll() {
	ringer.mu.Lock()
	ids := make([]phone.CallID, 0, len(ringer.calls))
	for id := range ringer.calls {
		ids = append(ids, id)
	}
	ringer.mu.Unlock()
	for _, id := range ids {
		ringStop(id)
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

func markRinging() {
	root := sipJS.document.Get("documentElement")
	if len(ringer.calls) == 0 {
		root.Call("removeAttribute", "data-adapi-ringing")
	} else {
		root.Call("setAttribute", "data-adapi-ringing", len(ringer.calls))
	}
	root.Call("setAttribute", "data-adapi-notified", ringer.notified)
}

// playTone schedules the ringtone's cadence on a gain node (ringer.mu held).
func playTone() {
	if sipJS.AudioContext.Type() != js.TypeFunction {
		return
	}
	if !ringer.ctx.Truthy() {
		ringer.ctx = sipJS.AudioContext.New()
		playOn(ringer.ctx) // the chosen speaker (sipdevices.go)
	}
	ac := ringer.ctx
	if ac.Get("state").String() == "suspended" {
		if p := ac.Call("resume"); p.Type() == js.TypeObject {
			p.Call("catch", ignoreRejection()) // stays silent without a user gesture
		}
	}
	t0 := ac.Get("currentTime").Float()
	gain := ac.Call("createGain")
	g := gain.Get("gain")
	g.Call("setValueAtTime", 0, t0)
	for i := 0; i < ringCycles; i++ {
		at := t0 + float64(i)*6
		g.Call("setValueAtTime", 0.1, at)
		g.Call("setValueAtTime", 0, at+2)
	}
	gain.Call("connect", ac.Get("destination"))
	for _, hz := range []float64{440, 480} {
		o := ac.Call("createOscillator")
		o.Get("frequency").Set("value", hz)
		o.Call("connect", gain)
		o.Call("start", t0)
		o.Call("stop", t0+float64(ringCycles)*6)
		ringer.osc = append(ringer.osc, o)
	}
}

// notifyIncoming shows a notification for the call when the tab is hidden
// and notifications are allowed; undefined otherwise (ringer.mu held).
func notifyIncoming(id phone.CallID, from string) js.Value {
	if sipJS.Notification.Type() != js.TypeFunction || !sipJS.document.Get("hidden").Truthy() ||
		sipJS.Notification.Get("permission").String() != "granted" {
		return js.Undefined()
	}
	opts := sipJS.Object.New()
	opts.Set("body", clip(from, 64))
	opts.Set("tag", string(id))
	opts.Set("requireInteraction", true)
	ringer.notified++
	return sipJS.Notification.New("Incoming call", opts)
}

// askNotifications asks for the notification permission at sign-in, once,
// if the browser has not been asked yet; the answer is never waited on.
func askNotifications() {
	defer recoverRing()
	initSipJS()
	n := sipJS.Notification
	if n.Type() != js.TypeFunction || n.Get("permission").String() != "default" {
		return
	}
	if p := n.Call("requestPermission"); p.Type() == js.TypeObject && p.Get("catch").Type() == js.TypeFunction {
		p.Call("catch", ignoreRejection())
	}
}

// ring is the SIP phone's Ring hook: an inbound call rings (on) until it
// is accepted, rejected, hung up or ended; id "" stops every ringtone
// (signed out).
func ring(id phone.CallID, from string, on bool) {
	switch {
	case on:
		ringStart(id, from)
	case id == "":
		ringStopAll()
	default:
		ringStop(id)
	}
}
